/**
 * No stuck work, over HTTP on the sweeper's fake clock: an agent with an Active conversation who goes Offline, or
 * whose chat is silent for AGENT_AWAY_S with no tab open, has it taken back to the head of the queue once
 * OFFLINE_GRACE_S has passed; the customer is told, and the next free agent is offered it. Coming back in time
 * keeps it.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { alex, bea } from '../support/fixtures';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { saidTo, useTeamworkDesk, type TeamworkDesk } from '../support/teamwork-desk';
import { api, devSignIn } from '../web/agent-api-support';
import type { Floor } from '../../src/domain/floor';

const kim: TestCustomer = { userId: 'away-visitor-1', conversationId: 'conv-away-1' };
const BACK_IN_QUEUE =
  "Sorry — your agent had to step away. You're back at the front of the queue; the next free agent will be with you shortly.";

async function sweepAfter(team: TeamworkDesk, ms: number) {
  team.desk.clock.advance(ms);
  const mark = team.connector.calls.length;
  await team.desk.app.sweep();
  return team.connector.calls.slice(mark);
}

const stateOf = async (team: TeamworkDesk, workItemId: string) =>
  (await team.tables().workItems.get(workItemId))?.item;

describe('an agent who goes away with Active work', () => {
  const team = useTeamworkDesk([alex, bea], { AGENT_AWAY_S: '600', OFFLINE_GRACE_S: '60' });
  let kimItem: string;

  it('keeps the conversation when the agent comes back within the grace', async () => {
    await team.tell(alex, 'hi');
    await team.tell(bea, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    await team.tell(alex, 'presence offline');
    await sweepAfter(team, 1_000);
    await sweepAfter(team, 30_000);
    await team.tell(alex, 'presence available');
    const swept = await sweepAfter(team, 60_000);
    expect(saidTo(swept, kim.conversationId)).toEqual([]);
    expect(await stateOf(team, kimItem)).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
  });

  it('Offline past the grace: the conversation goes back to the head of the queue and the customer is told', async () => {
    // Agents are looked at every 15 s (AWAY_CHECK_INTERVAL_MS): found away now, their grace runs from here.
    await team.tell(alex, 'presence offline');
    expect(saidTo(await sweepAfter(team, 15_000), kim.conversationId)).toEqual([]);
    expect(saidTo(await sweepAfter(team, 45_000), kim.conversationId)).toEqual([]);
    const swept = await sweepAfter(team, 15_000);
    expect(saidTo(swept, kim.conversationId).map(textOf)).toContain(BACK_IN_QUEUE);
    expect(await stateOf(team, kimItem)).toMatchObject({ state: 'open' });
    expect((await team.sessionsOf(alex)).map((session) => session.id)).not.toContain(kimItem);
    expect((await team.tables().queue.get('default')).entries[0]?.workItemId).toBe(kimItem);
    expect(
      team.desk.lines.find(
        (line) => line.msg === 'agent away: their Active conversations went back to the queue',
      ),
    ).toMatchObject({ agentId: alex.aadObjectId, conversations: 1, presence: 'offline' });
  });

  it('offers it to the next free agent', async () => {
    await team.tell(bea, 'presence available');
    await team.desk.app.sweep();
    expect(offersPosted(team.connector, bea)).toHaveLength(1);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, bea)).status).toBe(200);
    expect(await stateOf(team, kimItem)).toMatchObject({ state: 'active', assignedAgentId: bea.aadObjectId });
  });

  it('an agent who keeps writing is never away, however long the conversation', async () => {
    await sweepAfter(team, 500_000);
    await team.tell(bea, 'Let me check that for you.');
    const swept = await sweepAfter(team, 590_000);
    expect(saidTo(swept, kim.conversationId)).toEqual([]);
    expect(await stateOf(team, kimItem)).toMatchObject({ assignedAgentId: bea.aadObjectId });
  });

  it('silent for AGENT_AWAY_S with no tab open, then the grace: the conversation goes back', async () => {
    await sweepAfter(team, 15_000);
    expect(await stateOf(team, kimItem)).toMatchObject({ state: 'active' });
    const swept = await sweepAfter(team, 60_000);
    expect(saidTo(swept, kim.conversationId).map(textOf)).toContain(BACK_IN_QUEUE);
    expect(await stateOf(team, kimItem)).toMatchObject({ state: 'open' });
    expect(team.desk.lines.filter((line) => line.msg === 'agent away with Active work').at(-1)).toMatchObject(
      {
        agentId: bea.aadObjectId,
        silent: true,
      },
    );
  });
});

describe('the Floor marks a conversation that came back from an away agent', () => {
  const sam: TestAgent = {
    aadObjectId: 'aad-sam-away',
    userId: '29:sam-away',
    name: 'Sam Supervisor',
    conversationId: 'a:chat-sam-away',
  };
  const lou: TestCustomer = { userId: 'away-visitor-2', conversationId: 'conv-away-2' };
  const team = useTeamworkDesk([alex, bea], {
    AGENT_AWAY_S: '600',
    OFFLINE_GRACE_S: '60',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${alex.aadObjectId}=Alex Agent;${bea.aadObjectId}=Bea Agent`,
  });
  let kimItem: string;
  let returnedAt: number;

  const floorRow = async (workItemId: string) => {
    const token = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
    const floor = await api<Floor>(team.desk.app.baseUrl, 'GET', '/api/supervisor/floor', { token });
    expect(floor.status).toBe(200);
    return floor.body.conversations.find((row) => row.workItemId === workItemId);
  };

  it('an Open row taken back from Alex says so, with when it came back; a customer new to the queue has no mark', async () => {
    await team.tell(alex, 'hi');
    await team.tell(bea, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    await team.desk.app.sweep();
    await team.tell(alex, 'presence offline');
    await sweepAfter(team, 15_000);
    expect(await floorRow(kimItem)).toMatchObject({ state: 'active' });
    expect(await floorRow(kimItem)).not.toHaveProperty('returnedFrom');
    team.desk.clock.advance(60_000);
    returnedAt = team.desk.clock.now();
    expect(saidTo(await sweepAfter(team, 0), kim.conversationId).map(textOf)).toContain(BACK_IN_QUEUE);
    await team.say(lou, 'Hello, anyone?');
    const louItem = (await team.tables().queue.get('default')).entries[1]!.workItemId;

    expect(await floorRow(kimItem)).toMatchObject({
      state: 'open',
      position: 1,
      returnedFrom: { agentId: alex.aadObjectId, agentName: 'Alex Agent', at: returnedAt },
    });
    expect(await floorRow(louItem)).toMatchObject({ state: 'open', position: 2 });
    expect(await floorRow(louItem)).not.toHaveProperty('returnedFrom');
  });

  it('keeps the mark while it waits (a customer’s message, time passing), and drops it once an agent takes it', async () => {
    team.desk.clock.advance(30_000);
    await team.say(kim, 'Still waiting');
    expect(await floorRow(kimItem)).toMatchObject({ returnedFrom: { at: returnedAt } });
    await team.tell(bea, 'presence available');
    await team.press(bea, 'pick', { workItemId: kimItem });
    expect(await floorRow(kimItem)).toMatchObject({ state: 'active', agentName: 'Bea Agent' });
    expect(await floorRow(kimItem)).not.toHaveProperty('returnedFrom');
  });

  it('back in the queue another way (Bea’s transfer to the queue), it has no mark', async () => {
    await team.press(bea, 'transfer', { sessionId: kimItem, toQueue: true });
    expect(await floorRow(kimItem)).toMatchObject({ state: 'open', position: 1 });
    expect(await floorRow(kimItem)).not.toHaveProperty('returnedFrom');
  });
});
