/**
 * A supervisor's Assign and Transfer over HTTP: Alex, Bea and Cleo are agents taking one conversation at a time,
 * Sam a supervisor who takes no work. Sam assigns a queued conversation to an agent (a normal offer, over capacity
 * only when confirmed, a live offer to someone else withdrawn) and transfers conversations (to an agent, who must
 * accept; to the head of the queue). Alex, who is no supervisor, is answered 403 for every verb and nothing changes;
 * malformed bodies are 400. The sweeper's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { actionData, cardOf, textOf } from '../support/cards';
import { QUEUED, alex, bea, cleo, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer, latestOffer, offersPosted } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { api, signedInTokens } from '../web/agent-api-support';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'assign-visitor-1', conversationId: 'conv-assign-1' };
const lou: TestCustomer = { userId: 'assign-visitor-2', conversationId: 'conv-assign-2' };
const max: TestCustomer = { userId: 'assign-visitor-3', conversationId: 'conv-assign-3' };

describe('supervision: Assign and Transfer', () => {
  const team = useTeamworkDesk([alex, bea, cleo], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: `${sam.aadObjectId}|${sam.userId}`,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  const items = new Map<string, string>();

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
  const entryOf = async (workItemId: string) =>
    (await team.tables().queue.get('default')).entries.find((entry) => entry.workItemId === workItemId);
  const stateOf = async (workItemId: string) => (await team.tables().workItems.get(workItemId))?.item.state;
  const queuedItem = async () => (await team.tables().queue.get('default')).entries.at(-1)!.workItemId;

  it('starts with Alex full (Kim), Lou queued, Bea away and Cleo offline', async () => {
    for (const agent of [alex, bea, cleo, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.tell(cleo, 'presence offline');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    items.set('kim', (await team.sessionsOf(alex))[0]!.id);
    expect(
      saidTo((await team.say(lou, 'Where is my refund?')).calls, lou.conversationId).map(textOf),
    ).toEqual([QUEUED]);
    items.set('lou', await queuedItem());
    expect((await entryOf(items.get('lou')!))?.offer).toBeUndefined();
  });

  it('answers 403 to an agent who is not a supervisor, for every verb, and changes nothing', async () => {
    const kimItem = items.get('kim')!;
    const louItem = items.get('lou')!;
    const bodies = [
      { verb: 'monitor', workItemId: kimItem },
      { verb: 'join', workItemId: kimItem },
      { verb: 'stopMonitor', workItemId: kimItem },
      { verb: 'assign', workItemId: louItem, agentId: alex.aadObjectId, overCapacity: true },
      { verb: 'transfer', workItemId: kimItem, toQueue: true },
      { verb: 'transfer', workItemId: kimItem, toAgentId: bea.aadObjectId },
      { verb: 'forceClose', workItemId: kimItem },
    ];
    const before = team.desk.lines.filter((line) => line.msg === 'supervisor api refused: not a supervisor');
    for (const body of bodies) {
      const refused = await actAs(alex, body);
      expect([body.verb, refused.status]).toEqual([body.verb, 403]);
      expect(refused.calls).toEqual([]);
    }
    const after = team.desk.lines.filter((line) => line.msg === 'supervisor api refused: not a supervisor');
    expect(after.length - before.length).toBe(bodies.length);
    expect(after.at(-1)).toMatchObject({ agentId: alex.aadObjectId });
    expect([await stateOf(kimItem), await stateOf(louItem)]).toEqual(['active', 'open']);
    expect((await entryOf(louItem))?.offer).toBeUndefined();
    expect((await team.sessionsOf(alex)).map((s) => s.id)).toEqual([kimItem]);
  });

  it('Assign offers a queued conversation to the chosen agent as a normal offer, and logs who did it', async () => {
    const louItem = items.get('lou')!;
    const assigned = await actAs(sam, { verb: 'assign', workItemId: louItem, agentId: bea.aadObjectId });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      workItemId: louItem,
      agentId: bea.aadObjectId,
      agentName: 'Bea Agent',
      overCapacity: false,
    });
    expect(offersPosted(team.connector, bea)).toHaveLength(1);
    expect((await entryOf(louItem))?.offer).toMatchObject({
      agentId: bea.aadObjectId,
      assignedBy: sam.aadObjectId,
    });
    expect(saidTo(assigned.calls, lou.conversationId)).toEqual([]);
    expect(
      team.desk.lines.find((line) => line.msg === 'conversation assigned by a supervisor'),
    ).toMatchObject({
      supervisorId: sam.aadObjectId,
      workItemId: louItem,
      agentId: bea.aadObjectId,
      overCapacity: false,
    });
  });

  it('refuses an agent at capacity with how far over it would go, and changes nothing', async () => {
    const louItem = items.get('lou')!;
    const refused = await actAs(sam, { verb: 'assign', workItemId: louItem, agentId: alex.aadObjectId });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'over-capacity',
      message: 'Alex Agent has 1 of 1 conversations; assigning makes 2.',
      overCapacity: { conversations: 1, capacity: 1, making: 2 },
    });
    expect(refused.calls).toEqual([]);
    expect((await entryOf(louItem))?.offer?.agentId).toBe(bea.aadObjectId);
  });

  it('confirmed over capacity, withdraws the other offer in place, and the agent’s Accept takes it though full', async () => {
    const louItem = items.get('lou')!;
    const assigned = await actAs(sam, {
      verb: 'assign',
      workItemId: louItem,
      agentId: alex.aadObjectId,
      overCapacity: true,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ overCapacity: true, withdrawnFrom: bea.aadObjectId });
    // Bea's card is updated in place (no new post), Alex gets the offer.
    expect(assigned.calls.filter((c) => c.conversationId === bea.conversationId).map((c) => c.kind)).toEqual([
      'update',
    ]);
    expect(offersPosted(team.connector, alex)).toHaveLength(2);
    const accepted = await acceptLatestOffer(team.desk.app.url, team.connector, alex);
    expect(accepted.status).toBe(200);
    await team.desk.app.drainOutbox();
    expect(await stateOf(louItem)).toBe('active');
    expect(await team.capacityOf(alex)).toBe(2);
    expect(saidTo(team.connector.calls, lou.conversationId).map(textOf)).toContain(
      "You're now chatting with Alex Agent.",
    );
  });

  it.each([
    ['an Offline agent', () => cleo.aadObjectId, () => 'lou-new', /Cleo Agent is Offline/],
    ['someone who is not an agent', () => 'nobody', () => 'lou-new', /There is no agent with that id/],
    ['an Active conversation', () => bea.aadObjectId, () => items.get('kim')!, /not waiting in the queue/],
    ['an unknown conversation', () => bea.aadObjectId, () => 'no-such-item', /not waiting in the queue/],
  ])('refuses Assign to %s with 409 and a clear reason', async (_name, agentId, workItemId, message) => {
    await team.say(max, 'Hello?');
    const id = workItemId() === 'lou-new' ? await queuedItem() : workItemId();
    const refused = await actAs(sam, { verb: 'assign', workItemId: id, agentId: agentId() });
    expect(refused.status).toBe(409);
    expect(String(refused.body.message)).toMatch(message);
    expect(refused.calls).toEqual([]);
  });

  it('an assigned offer lapses like any other: after the notification timeout it is missed', async () => {
    const maxItem = await queuedItem();
    items.set('max', maxItem);
    const assigned = await actAs(sam, { verb: 'assign', workItemId: maxItem, agentId: bea.aadObjectId });
    expect(assigned.status).toBe(200);
    const again = await actAs(sam, { verb: 'assign', workItemId: maxItem, agentId: bea.aadObjectId });
    expect(again.body).toMatchObject({
      message: 'It is offered to Bea Agent already; wait for their answer.',
    });
    team.desk.clock.advance(121_000);
    await team.desk.app.sweep();
    expect((await entryOf(maxItem))?.offer).toBeUndefined();
    expect((await entryOf(maxItem))?.declined).toMatchObject({ agentId: bea.aadObjectId, reason: 'missed' });
  });

  it('Transfer of an Active conversation to an agent: the holder is told who moves it, the target must accept', async () => {
    const kimItem = items.get('kim')!;
    await team.tell(bea, 'presence available');
    const moved = await actAs(sam, { verb: 'transfer', workItemId: kimItem, toAgentId: bea.aadObjectId });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      from: 'active',
      toAgentId: bea.aadObjectId,
      toAgentName: 'Bea Agent',
    });
    expect(cardTexts(moved.calls, alex)).toContain('Sam Supervisor is transferring Visitor 1 to Bea Agent.');
    expect(saidTo(moved.calls, kim.conversationId).map(textOf)).toEqual([
      "I'm connecting you with a colleague. Your conversation history is kept.",
    ]);
    // Still Alex's until Bea accepts.
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      assignedAgentId: alex.aadObjectId,
      transfer: { toAgentId: bea.aadObjectId, fromAgentId: alex.aadObjectId },
    });
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, bea)).status).toBe(200);
    expect((await team.tables().workItems.get(kimItem))?.item.assignedAgentId).toBe(bea.aadObjectId);
    expect((await team.sessionsOf(alex)).map((s) => s.id)).not.toContain(kimItem);
  });

  it('Transfer to the queue puts the conversation at its head and tells the agent and the customer', async () => {
    const louItem = items.get('lou')!;
    await team.tell(bea, 'presence away');
    const moved = await actAs(sam, { verb: 'transfer', workItemId: louItem, toQueue: true });
    expect(moved.status).toBe(200);
    expect(cardTexts(moved.calls, alex)).toContain('Sam Supervisor moved Visitor 2 back to the queue.');
    expect(saidTo(moved.calls, lou.conversationId).map(textOf)).toEqual([QUEUED]);
    expect(await stateOf(louItem)).toBe('open');
    expect((await team.tables().queue.get('default')).entries[0]?.workItemId).toBe(louItem);
    expect(team.desk.lines.filter((line) => line.msg === 'conversation transferred by a supervisor')).toEqual(
      [
        expect.objectContaining({
          supervisorId: sam.aadObjectId,
          workItemId: items.get('kim'),
          from: 'active',
        }),
        expect.objectContaining({ supervisorId: sam.aadObjectId, workItemId: louItem, toQueue: true }),
      ],
    );
  });

  it('Transfer of a Waiting conversation to an agent: back at the head of the queue, offered to them', async () => {
    const kimItem = items.get('kim')!;
    await team.press(bea, 'closeConfirm', { sessionId: kimItem });
    expect(await stateOf(kimItem)).toBe('waiting');
    // Alex holds an offer of Max's conversation: one more would take him over capacity, and nothing changes.
    const refused = await actAs(sam, { verb: 'transfer', workItemId: kimItem, toAgentId: alex.aadObjectId });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      message: 'Alex Agent has 1 of 1 conversations; assigning makes 2.',
    });
    expect(await stateOf(kimItem)).toBe('waiting');
    expect(await entryOf(kimItem)).toBeUndefined();
    const maxOffer = latestOffer(team.connector, alex)!;
    await team.press(alex, 'reject', actionData(cardOf(maxOffer), 'reject'));

    const moved = await actAs(sam, { verb: 'transfer', workItemId: kimItem, toAgentId: alex.aadObjectId });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ from: 'waiting', toAgentId: alex.aadObjectId });
    expect((await team.tables().queue.get('default')).entries[0]).toMatchObject({
      workItemId: kimItem,
      offer: { agentId: alex.aadObjectId, assignedBy: sam.aadObjectId },
    });
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    await team.desk.app.drainOutbox();
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
    expect(saidTo(team.connector.calls, kim.conversationId).map(textOf).at(-1)).toBe(
      "You're now chatting with Alex Agent.",
    );
  });

  it('refuses Transfer of a queued conversation with 409', async () => {
    const refused = await actAs(sam, { verb: 'transfer', workItemId: items.get('lou')!, toQueue: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      message: 'Only an Active or Waiting conversation can be transferred; this one is open.',
    });
  });

  it.each([
    ['Assign without an agent', { verb: 'assign', workItemId: 'x' }],
    ['Assign with an oversized agent id', { verb: 'assign', workItemId: 'x', agentId: 'a'.repeat(201) }],
    [
      'Assign with overCapacity not a boolean',
      { verb: 'assign', workItemId: 'x', agentId: 'a', overCapacity: 'yes' },
    ],
    [
      'Transfer to an agent and the queue',
      { verb: 'transfer', workItemId: 'x', toAgentId: 'a', toQueue: true },
    ],
    ['Transfer to nowhere', { verb: 'transfer', workItemId: 'x' }],
    ['Transfer with toQueue false', { verb: 'transfer', workItemId: 'x', toQueue: false }],
    ['Monitor with an extra key', { verb: 'monitor', workItemId: 'x', agentId: 'a' }],
    ['Join without an id', { verb: 'join' }],
    ['Stop monitoring with an empty id', { verb: 'stopMonitor', workItemId: ' ' }],
  ])('refuses %s with 400 and tells nobody', async (_name, body) => {
    const refused = await actAs(sam, body);
    expect(refused.status).toBe(400);
    expect(refused.calls).toEqual([]);
  });
});
