/**
 * Supervision over HTTP: Alex and Bea are agents (Bea also a supervisor, stepped away), Sam a supervisor who takes
 * no work; Alex takes one conversation at a time. The floor shows every conversation and everyone on staff, live
 * from the store; a supervisor's Force close closes a conversation in any state, tells the customer and the agent,
 * and frees the capacity; anyone else is answered 403 and nothing changes. The sweeper's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { QUEUED, alex, bea, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { api, signedInTokens } from '../web/agent-api-support';
import type { Floor } from '../../src/domain/floor';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'floor-visitor-1', conversationId: 'conv-floor-1' };
const lou: TestCustomer = { userId: 'floor-visitor-2', conversationId: 'conv-floor-2' };
const max: TestCustomer = { userId: 'floor-visitor-3', conversationId: 'conv-floor-3' };
const CLOSED_BY_TEAM = 'This conversation was closed by our team.';

describe('supervision: the floor and Force close', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: `${bea.aadObjectId},${sam.aadObjectId}|${sam.userId}`,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem: string;

  const tokenOf = signedInTokens(() => team.desk.app.baseUrl);
  const floorAs = async (agent: TestAgent, query = '') =>
    api<Floor>(team.desk.app.baseUrl, 'GET', `/api/supervisor/floor${query}`, {
      token: await tokenOf(agent),
    });
  const forceCloseAs = async (agent: TestAgent, body: unknown) => {
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

  it('shows the floor to a supervisor: the queue with positions and waits, Active with its agent, and the staff', async () => {
    await team.tell(alex, 'hi');
    await team.tell(bea, 'hi');
    await team.tell(bea, 'presence away');
    await team.tell(sam, 'hi');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    expect(
      saidTo((await team.say(lou, 'Where is my refund?')).calls, lou.conversationId).map(textOf),
    ).toEqual([QUEUED]);
    team.desk.clock.advance(30_000);
    await team.say(max, 'Hello?');
    team.desk.clock.advance(60_000);

    const { status, body: floor } = await floorAs(bea);
    expect(status).toBe(200);
    expect(floor.counts).toEqual({ open: 2, active: 1, waiting: 0, 'wrap-up': 0 });
    expect(
      floor.conversations.map((row) => [row.title, row.state, row.position, row.waitMs, row.agentName]),
    ).toEqual([
      ['Visitor 2', 'open', 1, 90_000, undefined],
      ['Visitor 3', 'open', 2, 60_000, undefined],
      ['Visitor 1', 'active', undefined, undefined, 'Alex Agent'],
    ]);
    expect(floor.longestWaits.map((row) => row.title)).toEqual(['Visitor 2', 'Visitor 3']);
    expect(
      floor.agents.map((agent) => [
        agent.name,
        agent.presence,
        agent.usedUnits,
        agent.takesWork,
        agent.supervisor,
      ]),
    ).toEqual([
      ['Alex Agent', 'dnd', 1, true, false],
      ['Bea Agent', 'away', 0, true, true],
      ['Sam Supervisor', 'available', 0, false, true],
    ]);
  });

  it('filters the conversations by state and by agent, and refuses a filter it does not know', async () => {
    expect((await floorAs(sam, '?state=open')).body.conversations.map((row) => row.title)).toEqual([
      'Visitor 2',
      'Visitor 3',
    ]);
    expect(
      (await floorAs(sam, `?agent=${alex.aadObjectId}`)).body.conversations.map((row) => row.title),
    ).toEqual(['Visitor 1']);
    expect((await floorAs(sam, '?state=closed')).status).toBe(400);
    expect((await floorAs(sam, '?sort=wait')).status).toBe(400);
  });

  it('answers `floor` in chat with the counts, the longest waits and the team, for supervisors only', async () => {
    const asked = await team.tell(sam, 'floor');
    const texts = cardTexts(asked.calls, sam);
    expect(texts).toEqual(
      expect.arrayContaining([
        'The floor',
        'Open 2 · Active 1 · Waiting 0 · Wrap-up 0',
        'Visitor 2',
        '1 min',
        '#1',
      ]),
    );
    const refused = await team.tell(alex, 'floor');
    expect(cardTexts(refused.calls, alex)).toContain(
      'Only supervisors can see the floor and act on other agents’ conversations.',
    );
    expect(saidTo(refused.calls, kim.conversationId)).toEqual([]);
  });

  it('never offers work to a supervisor who is not an agent, even Available with the queue waiting', async () => {
    expect(offersPosted(team.connector, sam)).toEqual([]);
    expect(await team.queueLength()).toBe(2);
  });

  it('answers 403 to an agent who is not a supervisor, for the floor and for Force close, and changes nothing', async () => {
    expect((await floorAs(alex)).status).toBe(403);
    const refused = await forceCloseAs(alex, { verb: 'forceClose', workItemId: kimItem });
    expect(refused.status).toBe(403);
    expect(refused.calls).toEqual([]);
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('active');
    expect(
      team.desk.lines.filter((line) => line.msg === 'supervisor api refused: not a supervisor'),
    ).toHaveLength(2);
  });

  it('Force close of an Active conversation: the customer and the agent are told, the session goes, the queue moves', async () => {
    const closed = await forceCloseAs(sam, { verb: 'forceClose', workItemId: kimItem });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ workItemId: kimItem, title: 'Visitor 1', closedFrom: 'active' });
    expect(saidTo(closed.calls, kim.conversationId).map(textOf)).toEqual([CLOSED_BY_TEAM]);
    expect(cardTexts(closed.calls, alex)).toContain('Sam Supervisor closed this conversation.');
    expect((await team.sessionsOf(alex)).map((session) => session.id)).not.toContain(kimItem);
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      state: 'closed',
      closedReason: 'closed-by-team',
    });
    // Alex's room went to the head of the queue.
    expect(offersPosted(team.connector, alex).length).toBeGreaterThanOrEqual(2);
    expect(
      team.desk.lines.find((line) => line.msg === 'conversation force-closed by a supervisor'),
    ).toMatchObject({
      supervisorId: sam.aadObjectId,
      workItemId: kimItem,
      state: 'active',
      agentId: alex.aadObjectId,
    });
  });

  it('Force close of a queued conversation takes it out of the queue and tells the customer', async () => {
    const queued = (await floorAs(sam, '?state=open')).body.conversations;
    const maxRow = queued.find((row) => row.title === 'Visitor 3')!;
    const closed = await forceCloseAs(bea, { verb: 'forceClose', workItemId: maxRow.workItemId });
    expect(closed.body).toMatchObject({ closedFrom: 'open' });
    expect(saidTo(closed.calls, max.conversationId).map(textOf)).toEqual([CLOSED_BY_TEAM]);
    expect((await floorAs(sam)).body.conversations.map((row) => row.title)).not.toContain('Visitor 3');
  });

  it.each([
    ['a closed conversation', 409, { verb: 'forceClose', workItemId: 'kim' }],
    ['an unknown id', 409, { verb: 'forceClose', workItemId: 'no-such-item' }],
    ['no id', 400, { verb: 'forceClose' }],
    ['an empty id', 400, { verb: 'forceClose', workItemId: '  ' }],
    ['an oversized id', 400, { verb: 'forceClose', workItemId: 'x'.repeat(201) }],
    ['an unknown verb', 400, { verb: 'assignAll', workItemId: 'x' }],
    ['an extra key', 400, { verb: 'forceClose', workItemId: 'x', agentId: alex.aadObjectId }],
    ['a body that is not an object', 400, ['forceClose']],
  ])('refuses %s with %d and tells nobody', async (_name, status, body) => {
    const sent = JSON.parse(JSON.stringify(body).replace('"kim"', JSON.stringify(kimItem))) as unknown;
    const refused = await forceCloseAs(sam, sent);
    expect(refused.status).toBe(status);
    expect(refused.calls).toEqual([]);
  });
});
