/**
 * A supervisor's Monitor, Join and Stop monitoring over HTTP: Alex and Bea are agents, Sam a supervisor who takes no
 * work. Sam monitors Alex's conversation with Kim: it opens read-only on Sam's panel, follows the conversation live,
 * and nobody is told (Alex's consultants never list Sam; no capacity moves). Join lets Sam write to Kim, and Alex
 * and Kim are told. Monitoring ends with the conversation. Alex, who is no supervisor, is answered 403 for every
 * verb, and nothing changes. The sweeper's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { alex, bea, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { api, signedInTokens } from '../web/agent-api-support';
import type { Floor } from '../../src/domain/floor';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'monitor-visitor-1', conversationId: 'conv-monitor-1' };
const lou: TestCustomer = { userId: 'monitor-visitor-2', conversationId: 'conv-monitor-2' };
const ned: TestCustomer = { userId: 'monitor-visitor-4', conversationId: 'conv-monitor-4' };
const SAM_JOINED = 'Sam Supervisor (supervisor) joined the conversation.';

interface Detail {
  readonly transcript: readonly { readonly text: string }[];
  readonly conversation: { readonly readOnly: boolean; readonly supervisorsJoined?: readonly string[] };
  readonly consult?: unknown;
}

describe('supervision: Monitor, Join and Stop monitoring', () => {
  const team = useTeamworkDesk([alex, bea], {
    SUPERVISOR_IDS: `${sam.aadObjectId}|${sam.userId},${bea.aadObjectId}`,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem: string;

  const tokenOf = signedInTokens(() => team.desk.app.baseUrl);
  const actAs = async (agent: TestAgent, body: unknown) => {
    const mark = team.connector.calls.length;
    const answer = await api<Record<string, unknown>>(
      team.desk.app.baseUrl,
      'POST',
      '/api/supervisor/actions',
      {
        token: await tokenOf(agent),
        body,
      },
    );
    await team.desk.app.drainOutbox();
    return { ...answer, calls: team.connector.calls.slice(mark) };
  };
  const detailFor = async (agent: TestAgent, sessionId: string) =>
    api<Detail>(team.desk.app.baseUrl, 'GET', `/api/agent/sessions/${sessionId}`, {
      token: await tokenOf(agent),
    });
  const supervising = async (agent: TestAgent) =>
    (await team.sessionsOf(agent)).flatMap((s) => (s.supervising ? [[s.id, s.supervising, s.readOnly]] : []));
  const logged = (msg: string) => team.desk.lines.filter((line) => line.msg === msg);

  it('starts with Alex holding Kim’s conversation', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    expect(await team.capacityOf(alex)).toBe(1);
  });

  it('Monitor opens the conversation read-only on the supervisor’s panel and tells nobody', async () => {
    const watched = await actAs(sam, { verb: 'monitor', workItemId: kimItem });
    expect(watched.status).toBe(200);
    expect(watched.body).toEqual({
      workItemId: kimItem,
      title: 'Visitor 1',
      state: 'active',
      role: 'monitoring',
      changed: true,
    });
    expect(await supervising(sam)).toEqual([[kimItem, 'monitoring', true]]);
    // Nobody is told: not the customer, not the agent; Alex's consultants do not list Sam, and no capacity moved.
    expect(saidTo(watched.calls, kim.conversationId)).toEqual([]);
    expect(saidTo(watched.calls, alex.conversationId)).toEqual([]);
    expect(await team.tables().consults.of(kimItem)).toEqual([]);
    expect((await team.tables().workItems.get(kimItem))?.item.consultants).toBeUndefined();
    expect((await detailFor(alex, kimItem)).body.consult).toBeUndefined();
    expect([await team.capacityOf(alex), await team.capacityOf(sam)]).toEqual([1, 0]);
    expect(logged('conversation monitored by a supervisor')).toEqual([
      expect.objectContaining({
        supervisorId: sam.aadObjectId,
        workItemId: kimItem,
        agentId: alex.aadObjectId,
      }),
    ]);
    const floor = await api<Floor>(team.desk.app.baseUrl, 'GET', '/api/supervisor/floor', {
      token: await tokenOf(sam),
    });
    expect(floor.body.conversations.find((row) => row.workItemId === kimItem)?.supervising).toBe(
      'monitoring',
    );
  });

  it('the monitoring supervisor reads the conversation live, and cannot write to the customer', async () => {
    await team.say(kim, 'Are you still there?');
    await team.press(alex, 'reply', { sessionId: kimItem, text: 'Yes, checking the courier now.' });
    const seen = await detailFor(sam, kimItem);
    expect(seen.status).toBe(200);
    expect(seen.body.conversation.readOnly).toBe(true);
    expect(seen.body.transcript.map((line) => line.text)).toEqual([
      'My parcel is late',
      'Are you still there?',
      'Yes, checking the courier now.',
    ]);
    const tried = await team.press(sam, 'reply', { sessionId: kimItem, text: 'Hello from Sam' });
    await team.desk.app.drainOutbox();
    expect(tried.texts.join(' ')).toMatch(/no longer available/i);
    expect(saidTo(team.connector.calls, kim.conversationId).map(textOf)).not.toContain('Hello from Sam');
  });

  it('Join tells the customer and the agent "<name> (supervisor) joined the conversation." once, and lets Sam write', async () => {
    const joined = await actAs(sam, { verb: 'join', workItemId: kimItem });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ role: 'joined', changed: true });
    expect(saidTo(joined.calls, kim.conversationId).map(textOf)).toEqual([SAM_JOINED]);
    expect(cardTexts(joined.calls, alex)).toContain(SAM_JOINED);
    expect(await supervising(sam)).toEqual([[kimItem, 'joined', true]]);
    expect((await detailFor(sam, kimItem)).body.conversation.readOnly).toBe(false);
    // The agent's view says who joined for as long as they are in it; the supervisor's own view does not name him.
    expect((await detailFor(alex, kimItem)).body.conversation.supervisorsJoined).toEqual(['Sam Supervisor']);
    expect((await detailFor(sam, kimItem)).body.conversation.supervisorsJoined).toBeUndefined();

    const again = await actAs(sam, { verb: 'join', workItemId: kimItem });
    expect(again.body).toMatchObject({ role: 'joined', changed: false });
    expect(saidTo(again.calls, kim.conversationId)).toEqual([]);
    expect(saidTo(again.calls, alex.conversationId)).toEqual([]);

    const wrote = await team.press(sam, 'reply', { sessionId: kimItem, text: 'I am looking into it too.' });
    expect(wrote.texts.join(' ')).not.toMatch(/no longer available/i);
    await team.desk.app.drainOutbox();
    expect(saidTo(team.connector.calls, kim.conversationId).map(textOf)).toContain(
      'I am looking into it too.',
    );
    expect((await detailFor(alex, kimItem)).body.transcript.map((line) => line.text)).toContain(
      'I am looking into it too.',
    );
    expect(logged('conversation joined by a supervisor')[0]).toMatchObject({
      supervisorId: sam.aadObjectId,
      workItemId: kimItem,
    });
  });

  it('Stop monitoring closes the session; the agent hears of it after a Join; a second stop is refused', async () => {
    const stopped = await actAs(sam, { verb: 'stopMonitor', workItemId: kimItem });
    expect(stopped.status).toBe(200);
    expect(await supervising(sam)).toEqual([]);
    expect(cardTexts(stopped.calls, alex)).toContain('Sam Supervisor (supervisor) left the conversation.');
    expect((await detailFor(alex, kimItem)).body.conversation.supervisorsJoined).toBeUndefined();
    expect(saidTo(stopped.calls, kim.conversationId)).toEqual([]);
    const twice = await actAs(sam, { verb: 'stopMonitor', workItemId: kimItem });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ message: 'You are not monitoring this conversation.' });
    expect(twice.calls).toEqual([]);
  });

  it('closing a joined session is leaving the conversation: the agent is told, the customer is not', async () => {
    expect((await actAs(sam, { verb: 'join', workItemId: kimItem })).status).toBe(200);
    const mark = team.connector.calls.length;
    await team.press(sam, 'closeConfirm', { sessionId: kimItem });
    await team.desk.app.drainOutbox();
    const calls = team.connector.calls.slice(mark);
    expect(cardTexts(calls, alex)).toContain('Sam Supervisor (supervisor) left the conversation.');
    expect(saidTo(calls, kim.conversationId)).toEqual([]);
    expect(await supervising(sam)).toEqual([]);
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
  });

  it('monitoring goes on through the wrap-up and ends when the conversation closes', async () => {
    expect((await actAs(sam, { verb: 'monitor', workItemId: kimItem })).status).toBe(200);
    await team.press(alex, 'end', { sessionId: kimItem });
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('wrap-up');
    expect(await supervising(sam)).toEqual([[kimItem, 'monitoring', true]]);
    const joinWrapUp = await actAs(sam, { verb: 'join', workItemId: kimItem });
    expect(joinWrapUp.status).toBe(409);
    expect(joinWrapUp.body).toMatchObject({
      message: 'Only an Active conversation can be joined; this one is wrap-up.',
    });
    await team.press(alex, 'wrapUp', { sessionId: kimItem, outcome: 'Resolved' });
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('closed');
    expect(await supervising(sam)).toEqual([]);
    expect(logged('monitoring ended: the conversation closed')[0]).toMatchObject({
      supervisorId: sam.aadObjectId,
      workItemId: kimItem,
    });
  });

  it('monitors a Waiting conversation; a Force close ends the monitoring', async () => {
    await team.say(lou, 'Hello?');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const louItem = (await team.sessionsOf(alex)).find((s) => s.id !== kimItem)!.id;
    await team.press(alex, 'closeConfirm', { sessionId: louItem });
    expect((await team.tables().workItems.get(louItem))?.item.state).toBe('waiting');
    const watched = await actAs(sam, { verb: 'monitor', workItemId: louItem });
    expect(watched.body).toMatchObject({ state: 'waiting', role: 'monitoring' });
    expect((await actAs(sam, { verb: 'forceClose', workItemId: louItem })).status).toBe(200);
    expect(await supervising(sam)).toEqual([]);
  });

  it('a supervisor who is also an agent takes over a Waiting conversation they monitor by opening it', async () => {
    await team.say(ned, 'Hi again');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const nedItem = (await team.sessionsOf(alex))[0]!.id;
    await team.press(alex, 'closeConfirm', { sessionId: nedItem });
    expect((await actAs(bea, { verb: 'monitor', workItemId: nedItem })).status).toBe(200);
    expect(await supervising(bea)).toEqual([[nedItem, 'monitoring', true]]);
    await team.press(bea, 'open', { workItemId: nedItem });
    expect((await team.tables().workItems.get(nedItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: bea.aadObjectId,
    });
    expect(await supervising(bea)).toEqual([]);
    expect((await team.sessionsOf(bea)).find((s) => s.id === nedItem)).toMatchObject({ readOnly: false });
  });

  it.each([
    ['a closed conversation', { verb: 'monitor', workItemId: 'kim' }, /this one is closed/],
    ['an unknown id', { verb: 'join', workItemId: 'no-such-item' }, /closed already, or there is none/],
    ['nothing monitored', { verb: 'stopMonitor', workItemId: 'no-such-item' }, /not monitoring/],
  ])('refuses Monitor / Join / Stop on %s with 409 and changes nothing', async (_name, body, message) => {
    const sent = JSON.parse(JSON.stringify(body).replace('"kim"', JSON.stringify(kimItem))) as unknown;
    const refused = await actAs(sam, sent);
    expect(refused.status).toBe(409);
    expect(String(refused.body.message)).toMatch(message);
    expect(refused.calls).toEqual([]);
    expect(await supervising(sam)).toEqual([]);
  });

  it('refuses a queued conversation for Monitor', async () => {
    await team.tell(alex, 'presence away');
    await team.say({ userId: 'monitor-visitor-3', conversationId: 'conv-monitor-3' }, 'Anyone?');
    const queued = (await team.tables().queue.get('default')).entries[0]!.workItemId;
    const refused = await actAs(sam, { verb: 'monitor', workItemId: queued });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      message: 'Only an Active, Waiting or Wrap-up conversation can be monitored; this one is open.',
    });
  });

  it('the sweeper closes a monitoring session whose conversation closed another way (its waiting period over)', async () => {
    const nedItem = (await team.sessionsOf(bea)).find((s) => s.supervising === undefined)!.id;
    await team.press(bea, 'closeConfirm', { sessionId: nedItem });
    expect((await actAs(sam, { verb: 'monitor', workItemId: nedItem })).status).toBe(200);
    team.desk.clock.advance(29 * 24 * 60 * 60_000);
    await team.say(ned, 'Back again after a month');
    expect((await team.tables().workItems.get(nedItem))?.item.state).toBe('closed');
    team.desk.clock.advance(61_000);
    await team.desk.app.sweep();
    expect(await supervising(sam)).toEqual([]);
  });
});
