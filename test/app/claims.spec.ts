import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { setPresence, showPanel } from '../../src/app/panel-actions';
import { confirmClose, focus } from '../../src/app/session-actions';
import { pick } from '../../src/app/work-item-actions';
/**
 * Claims: accepting an offer or picking an item leaves the item in the queue as the agent's claim until their
 * session is open; routing counts the claim against the agent's capacity, and the sweeper finishes a claim a
 * crash left half-way once it is older than CLAIM_GRACE_MS.
 */
import { updateAgent } from '../../src/app/agents';
import type { AgentDocument, WorkItemDocument } from '../../src/app/documents';
import { CLAIM_GRACE_MS } from '../../src/app/claims';
import { customerWording } from '../../src/app/customer-wording';
import { openSession } from '../../src/domain/agent-sessions';
import { acceptOffer, pickFromQueue } from '../../src/domain/routing';
import type { QueueEntry, WorkQueue } from '../../src/domain/routing';
import { assignWorkItem, endWorkItem } from '../../src/domain/work-item';
import type { WorkItem } from '../../src/domain/work-item';
import type { WorkstreamSettings } from '../../src/domain/workstream';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { createDesk } from './desk-harness';
import { inMemoryDeskTables } from '../support/desk-tables';
import type { AgentRepository, QueueRepository } from '../../src/app/repositories';

const WORKSTREAM = 'default';
const MAX_SESSIONS_REACHED = 'Maximum sessions reached. Close a session before opening another.';
const NO_LONGER_AVAILABLE = 'This request is no longer available.';
const NAMES: Record<string, string> = { alice: 'Alice', bob: 'Bob' };

const customer = (id: string, text = 'Hi, my router is broken') => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

type Harness = ReturnType<typeof createDesk> & {
  database: SqlDatabase;
  /** Runs after each queue write, before the use case goes on: where a test slips in a concurrent change. */
  afterQueueWrite: { hook?: (queue: WorkQueue) => Promise<void> };
  /** The same after each write of an agent. */
  afterAgentWrite: { hook?: (agent: AgentDocument | undefined) => Promise<void> };
};

async function queueDoc(harness: Harness): Promise<WorkQueue | undefined> {
  return harness.tables.queue.get(WORKSTREAM);
}
async function entryOf(harness: Harness, workItemId: string): Promise<QueueEntry | undefined> {
  return (await queueDoc(harness))?.entries.find((entry) => entry.workItemId === workItemId);
}
async function agentDoc(harness: Harness, id: string): Promise<AgentDocument | undefined> {
  return harness.tables.agentRecords.get(id);
}
async function itemDoc(harness: Harness, id: string): Promise<WorkItemDocument | undefined> {
  return harness.tables.workItems.get(id);
}
async function sessionIds(harness: Harness, agentId: string): Promise<string[]> {
  return (await agentDoc(harness, agentId))?.panel.sessions.map((session) => session.id) ?? [];
}
/** Every document the claim touches, to check that a pass changed nothing. */
async function snapshot(harness: Harness, workItemId: string, agentIds: readonly string[]) {
  return {
    queue: await queueDoc(harness),
    item: await itemDoc(harness, workItemId),
    agents: await Promise.all(agentIds.map((id) => agentDoc(harness, id))),
  };
}

/** Agents who have written to the bot, on repositories the test can hook into. */
async function deskWith(agents: string[], workstream: Partial<WorkstreamSettings> = {}): Promise<Harness> {
  const afterQueueWrite: Harness['afterQueueWrite'] = {};
  const afterAgentWrite: Harness['afterAgentWrite'] = {};
  const tables = inMemoryDeskTables();
  const queue: QueueRepository = {
    ...tables.queue,
    update: async (workstream, change) => {
      const written = await tables.queue.update(workstream, change);
      await afterQueueWrite.hook?.(written);
      return written;
    },
  };
  const agentRecords: AgentRepository = {
    ...tables.agentRecords,
    update: async (agentId, change) => {
      const written = await tables.agentRecords.update(agentId, change);
      await afterAgentWrite.hook?.(written);
      return written;
    },
  };
  const harness = createDesk({ agents, workstream, tables: { ...tables, queue, agentRecords } });
  for (const id of agents) await showPanel(harness.ports, id, NAMES[id] ?? id);
  return { ...harness, database: tables.database, afterQueueWrite, afterAgentWrite };
}

/** A customer arrives and is offered to `agentId`. */
async function offerTo(harness: Harness, customerId: string, agentId: string) {
  const outcome = await receiveCustomerMessage(harness.ports, customer(customerId));
  if (outcome.kind !== 'queued') throw new Error(`expected ${customerId} to be queued`);
  const offer = harness.notifier
    .viewsTo(agentId, 'offer')
    .find((view) => view.workItemId === outcome.workItemId && view.status === 'pending');
  if (!offer) throw new Error(`expected ${customerId} to be offered to ${agentId}`);
  return { workItemId: outcome.workItemId, offerId: offer.offerId };
}

/**
 * A crash right after accept's queue write: the offer is now the agent's claim (exactly what acceptOffer
 * leaves), and nothing else of the accept happened.
 */
async function claimByAcceptThenCrash(
  harness: Harness,
  offer: { workItemId: string; offerId: string },
  agentId: string,
): Promise<void> {
  const now = harness.clock.now();
  await harness.tables.queue.update(WORKSTREAM, (queue) => {
    return acceptOffer(queue, { ...offer, agentId, now }).queue;
  });
}

/** The next step of finishClaim: the agent's session on the item opens (and takes focus), then a crash. */
async function openSessionThenCrash(harness: Harness, agentId: string, workItemId: string): Promise<void> {
  const doc = await itemDoc(harness, workItemId);
  if (!doc) throw new Error('no work item');
  const { maxSessions } = harness.ports.settings.workstream;
  await updateAgent(harness.ports, agentId, (agent) => ({
    ...agent,
    panel: openSession(
      agent.panel,
      { id: workItemId, kind: 'conversation', title: doc.item.title },
      { maxSessions, now: harness.clock.now() },
    ),
  }));
}

async function setItem(harness: Harness, workItemId: string, change: (item: WorkItem) => WorkItem) {
  await harness.tables.workItems.update(workItemId, (doc) =>
    doc ? { ...doc, item: change(doc.item) } : doc,
  );
}

describe('a claim left half-way by a crash', () => {
  it('is left alone for the grace period, then finished by one sweep: session, Active, "joined", out of the queue', async () => {
    // One unit of capacity: the claim alone fills Alice.
    const harness = await deskWith(['alice'], { agentCapacityUnits: 1 });
    const { ports, sweep, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, offer, 'alice');
    const claimed = await snapshot(harness, offer.workItemId, ['alice']);
    notifier.clear();

    // Within the grace period the sweeper does not touch it, and routing counts it against Alice.
    clock.advance(CLAIM_GRACE_MS - 1);
    const second = await receiveCustomerMessage(ports, customer('c2'));
    await sweep();
    expect(await entryOf(harness, offer.workItemId)).toMatchObject({ claim: { agentId: 'alice' } });
    expect(await itemDoc(harness, offer.workItemId)).toEqual(claimed.item);
    expect(await sessionIds(harness, 'alice')).toEqual([]);
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    expect(notifier.textsTo('emulator:c1')).toEqual([]);

    clock.advance(2);
    await sweep();
    const agent = await agentDoc(harness, 'alice');
    expect(agent?.panel.sessions.map((session) => session.id)).toEqual([offer.workItemId]);
    expect(agent?.panel.focusedSessionId).toBe(offer.workItemId);
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: 'alice',
    });
    expect(notifier.textsTo('emulator:c1')).toEqual([customerWording.joined('Alice')]);
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: offer.workItemId, readOnly: false }),
    ]);
    expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
    // Alice is full now: the second customer still waits, unoffered.
    expect((await queueDoc(harness))?.entries).toEqual([
      expect.objectContaining({ workItemId: 'workItemId' in second ? second.workItemId : '' }),
    ]);
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);

    const finished = await snapshot(harness, offer.workItemId, ['alice']);
    const sent = notifier.sent.length;
    await sweep();
    expect(await snapshot(harness, offer.workItemId, ['alice'])).toEqual(finished);
    expect(notifier.sent).toHaveLength(sent);
  });

  it('after the session opened is finished without a second session and without taking focus back', async () => {
    const harness = await deskWith(['alice']);
    const { ports, sweep, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, offer, 'alice');
    await openSessionThenCrash(harness, 'alice', offer.workItemId);
    await focus(ports, 'alice', 'home');
    const opened = (await agentDoc(harness, 'alice'))?.panel.sessions[0];
    notifier.clear();

    clock.advance(CLAIM_GRACE_MS + 1);
    await sweep();
    const agent = await agentDoc(harness, 'alice');
    expect(agent?.panel.sessions).toEqual([opened]);
    expect(agent?.panel.focusedSessionId).toBe('home');
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: 'alice',
    });
    expect(notifier.textsTo('emulator:c1')).toEqual([customerWording.joined('Alice')]);
    expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
  });

  it('after the item became Active only leaves the queue: the session and the assignment stay as they are', async () => {
    const harness = await deskWith(['alice']);
    const { sweep, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, offer, 'alice');
    await openSessionThenCrash(harness, 'alice', offer.workItemId);
    await setItem(harness, offer.workItemId, (item) => assignWorkItem(item, 'alice', clock.now()));
    const before = {
      agent: await agentDoc(harness, 'alice'),
      item: await itemDoc(harness, offer.workItemId),
    };

    clock.advance(CLAIM_GRACE_MS + 1);
    await sweep();
    expect(await agentDoc(harness, 'alice')).toEqual(before.agent);
    expect(await itemDoc(harness, offer.workItemId)).toEqual(before.item);
    expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
  });

  it.each([
    ['ended', (item: WorkItem, now: number) => endWorkItem(assignWorkItem(item, 'bob', now), now)],
    ['Active for another agent', (item: WorkItem, now: number) => assignWorkItem(item, 'bob', now)],
  ])(
    'whose item was meanwhile %s is dropped by the sweeper without opening a session or telling anyone',
    async (_how, change) => {
      const harness = await deskWith(['alice', 'bob']);
      const { sweep, notifier, clock } = harness;
      const offer = await offerTo(harness, 'c1', 'alice');
      await claimByAcceptThenCrash(harness, offer, 'alice');
      await setItem(harness, offer.workItemId, (item) => change(item, clock.now()));
      const item = await itemDoc(harness, offer.workItemId);
      notifier.clear();

      clock.advance(CLAIM_GRACE_MS + 1);
      await sweep();
      expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
      expect(await sessionIds(harness, 'alice')).toEqual([]);
      expect(await itemDoc(harness, offer.workItemId)).toEqual(item);
      // Neither Alice nor the customer hears of it. (Bob's panel may be refreshed: the same sweep's repair
      // gives him the session his Active item lacks here.)
      expect(notifier.sent.filter((sent) => sent.to === 'alice' || sent.to === 'emulator:c1')).toEqual([]);
    },
  );

  it('made by a pick is finished by the sweeper the same way', async () => {
    const harness = await deskWith(['alice', 'bob']);
    const { sweep, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await harness.tables.queue.update(WORKSTREAM, (queue) => {
      return pickFromQueue(queue, offer.workItemId, { agentId: 'bob', now: clock.now() }).queue;
    });
    notifier.clear();

    clock.advance(CLAIM_GRACE_MS + 1);
    await sweep();
    expect(await sessionIds(harness, 'bob')).toEqual([offer.workItemId]);
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: 'bob',
    });
    expect(notifier.textsTo('emulator:c1')).toEqual([customerWording.joined('Bob')]);
    expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
    expect(await sessionIds(harness, 'alice')).toEqual([]);
  });
});

describe('a claim in progress', () => {
  it('cannot be picked by another agent', async () => {
    const harness = await deskWith(['alice', 'bob']);
    const { ports } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, offer, 'alice');

    expect(await pick(ports, 'bob', offer.workItemId)).toMatchObject({
      kind: 'notice',
      text: NO_LONGER_AVAILABLE,
    });
    expect(await entryOf(harness, offer.workItemId)).toMatchObject({ claim: { agentId: 'alice' } });
    expect(await sessionIds(harness, 'bob')).toEqual([]);
    expect((await itemDoc(harness, offer.workItemId))?.item.state).toBe('open');
  });

  describe.each([
    ['capacity units', { agentCapacityUnits: 2 }, { agentCapacityUnits: 3 }],
    ['session slots', { maxSessions: 2 }, { maxSessions: 3 }],
  ] as const)('counts against the agent (%s)', (_limit, roomForTwo, roomForThree) => {
    it('so a dispatch offers them nothing beyond the limit until the claim and a session are done', async () => {
      const harness = await deskWith(['alice'], roomForTwo);
      const { ports, sweep, notifier, clock } = harness;
      const first = await offerTo(harness, 'c1', 'alice');
      await accept(ports, { agentId: 'alice', ...first });
      const second = await offerTo(harness, 'c2', 'alice');
      await claimByAcceptThenCrash(harness, second, 'alice');

      const third = await receiveCustomerMessage(ports, customer('c3'));
      await sweep();
      expect(notifier.viewsTo('alice', 'offer').filter((view) => view.status === 'pending')).toHaveLength(2);
      expect(await entryOf(harness, 'workItemId' in third ? third.workItemId : '')).not.toHaveProperty(
        'offer',
      );

      clock.advance(CLAIM_GRACE_MS + 1);
      await sweep();
      expect(await sessionIds(harness, 'alice')).toEqual([first.workItemId, second.workItemId]);
      expect(notifier.viewsTo('alice', 'offer').filter((view) => view.status === 'pending')).toHaveLength(2);

      await confirmClose(ports, 'alice', first.workItemId);
      expect(notifier.viewsTo('alice', 'offer').at(-1)).toMatchObject({
        workItemId: 'workItemId' in third ? third.workItemId : '',
        status: 'pending',
      });
    });

    it('once only when its session is already open', async () => {
      const harness = await deskWith(['alice'], roomForThree);
      const { ports, notifier } = harness;
      const first = await offerTo(harness, 'c1', 'alice');
      await accept(ports, { agentId: 'alice', ...first });
      const second = await offerTo(harness, 'c2', 'alice');
      await claimByAcceptThenCrash(harness, second, 'alice');
      await openSessionThenCrash(harness, 'alice', second.workItemId);

      // Two sessions (one of them the claim's), one more fits: c3 is offered, c4 is not.
      const third = await offerTo(harness, 'c3', 'alice');
      const fourth = await receiveCustomerMessage(ports, customer('c4'));
      expect(await entryOf(harness, third.workItemId)).toMatchObject({ offer: { agentId: 'alice' } });
      expect(await entryOf(harness, 'workItemId' in fourth ? fourth.workItemId : '')).not.toHaveProperty(
        'offer',
      );
      expect(notifier.viewsTo('alice', 'offer').filter((view) => view.status === 'pending')).toHaveLength(3);
    });
  });
});

describe('accept when the agent has no room left by the time the session opens', () => {
  it('puts the item back in its place, declined by that agent, offers it to another, and refuses the accept', async () => {
    const harness = await deskWith(['alice', 'bob'], { maxSessions: 2 });
    const { ports, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    const queued = await entryOf(harness, offer.workItemId);
    // Alice opens two case sessions in the tab while her accept is between its queue write and her session.
    let filled = false;
    harness.afterQueueWrite.hook = async (queue) => {
      if (filled || !queue.entries.some((entry) => entry.claim?.agentId === 'alice')) return;
      filled = true;
      await updateAgent(harness.ports, 'alice', (agent) => ({
        ...agent,
        panel: ['case:x', 'case:y'].reduce(
          (panel, id) =>
            openSession(panel, { id, kind: 'case', title: id }, { maxSessions: 2, now: clock.now() }),
          agent.panel,
        ),
      }));
    };
    notifier.clear();
    let view;
    try {
      view = await accept(ports, { agentId: 'alice', ...offer });
    } finally {
      delete harness.afterQueueWrite.hook;
    }

    expect(filled).toBe(true);
    expect(view).toMatchObject({ kind: 'notice', text: MAX_SESSIONS_REACHED });
    const entry = await entryOf(harness, offer.workItemId);
    expect(entry).not.toHaveProperty('claim');
    expect(entry).toMatchObject({
      enqueuedAt: queued?.enqueuedAt,
      declined: { agentId: 'alice', reason: 'rejected' },
      offer: { agentId: 'bob' },
    });
    expect((await queueDoc(harness))?.entries[0]?.workItemId).toBe(offer.workItemId);
    expect(notifier.viewsTo('bob', 'offer').at(-1)).toMatchObject({
      workItemId: offer.workItemId,
      status: 'pending',
    });
    expect(await sessionIds(harness, 'alice')).toEqual(['case:x', 'case:y']);
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({ state: 'open' });
    expect((await itemDoc(harness, offer.workItemId))?.item).not.toHaveProperty('assignedAgentId');
    expect(notifier.textsTo('emulator:c1')).toEqual([]);

    const bobs = notifier.viewsTo('bob', 'offer').at(-1);
    await accept(ports, { agentId: 'bob', workItemId: offer.workItemId, offerId: bobs?.offerId ?? '' });
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: 'bob',
    });
    expect(notifier.textsTo('emulator:c1')).toEqual([customerWording.joined('Bob')]);
  });
});

describe('accept when the item is taken by someone else while the session opens', () => {
  it('closes the session it opened, drops the claim and tells the agent it is no longer available', async () => {
    const harness = await deskWith(['alice', 'bob']);
    const { ports, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    let taken = false;
    harness.afterAgentWrite.hook = async (agent) => {
      if (agent?.id !== 'alice' || taken) return;
      if (!agent.panel.sessions.some((session) => session.id === offer.workItemId)) return;
      taken = true;
      await setItem(harness, offer.workItemId, (item) => assignWorkItem(item, 'bob', clock.now()));
    };
    notifier.clear();
    let view;
    try {
      view = await accept(ports, { agentId: 'alice', ...offer });
    } finally {
      delete harness.afterAgentWrite.hook;
    }

    expect(taken).toBe(true);
    expect(view).toMatchObject({ kind: 'offer', status: 'unavailable' });
    const agent = await agentDoc(harness, 'alice');
    expect(agent?.panel.sessions).toEqual([]);
    expect(agent?.panel.focusedSessionId).toBe('home');
    expect(notifier.lastPanel('alice')?.rows.map((row) => row.id)).toEqual(['home']);
    expect(await entryOf(harness, offer.workItemId)).toBeUndefined();
    expect((await itemDoc(harness, offer.workItemId))?.item).toMatchObject({ assignedAgentId: 'bob' });
    expect(notifier.textsTo('emulator:c1')).toEqual([]);
  });
});

describe('a claim whose only missing step is leaving the queue (a crash right before the settle)', () => {
  // The stale entry still carries Alice's claim. Before the fix, the customer's return was not queued afresh
  // (enqueue kept the existing entry), routing skipped it as claimed, and the sweeper later "finished" the old
  // claim: the resumed conversation went to Alice, who is Away and never accepted it, while Bob was Available.
  it('does not swallow the customer coming back after the agent closed the session', async () => {
    const harness = await deskWith(['alice', 'bob']);
    const { ports, sweep, notifier, clock } = harness;
    const offer = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, offer, 'alice');
    await openSessionThenCrash(harness, 'alice', offer.workItemId);
    await setItem(harness, offer.workItemId, (item) => assignWorkItem(item, 'alice', clock.now()));
    await confirmClose(ports, 'alice', offer.workItemId);
    await setPresence(ports, 'alice', 'away');
    notifier.clear();

    clock.advance(5_000);
    await receiveCustomerMessage(ports, customer('c1', 'It broke again'));
    clock.advance(CLAIM_GRACE_MS);
    await sweep();
    expect(notifier.viewsTo('bob', 'offer').at(-1)).toMatchObject({
      workItemId: offer.workItemId,
      status: 'pending',
    });
    expect(await sessionIds(harness, 'alice')).toEqual([]);
  });
});

describe('a claim the sweeper cannot finish', () => {
  it('does not stop the sweep: other offers still expire, and the claim is tried again on the next pass', async () => {
    const harness = await deskWith(['alice', 'bob']);
    const { ports, sweep, clock } = harness;
    const first = await offerTo(harness, 'c1', 'alice');
    await claimByAcceptThenCrash(harness, first, 'alice');
    const second = await offerTo(harness, 'c2', 'bob');
    // Alice's row is gone (a store restored from an older backup): her claim cannot open a session.
    await harness.database.db.deleteFrom('agents').where('agent_key', '=', 'alice').execute();
    clock.advance(Math.max(CLAIM_GRACE_MS, harness.ports.settings.workstream.notificationTimeoutMs) + 1);
    const swept = await sweep();
    expect(swept.missed.map((offer) => offer.workItemId)).toEqual([second.workItemId]);
    expect((await entryOf(harness, first.workItemId))?.claim?.agentId).toBe('alice');
    await showPanel(ports, 'alice', 'Alice');
    await sweep();
    expect(await entryOf(harness, first.workItemId)).toBeUndefined();
    expect(await sessionIds(harness, 'alice')).toContain(first.workItemId);
  });
});
