import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyPlugin, Migration } from 'kysely';
import { dequeue, emptyQueue, enqueue, pickFromQueue, planOffers } from '../../src/domain/routing';
import type { Offer, QueueEntry, WorkQueue } from '../../src/domain/routing';
import { VersionConflictError } from '../../src/store/sql/conflicts';
import { MIGRATIONS, migrateToLatest } from '../../src/store/sql/migrate';
import { queueOrder } from '../../src/store/sql/migrations/0003-queue-order';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { QueueConflictError, createQueueRepository } from '../../src/store/sql/queue-repository';
import type { QueueRepository } from '../../src/store/sql/queue-repository';
import { createTestDatabase } from '../support/postgres-server';

const T0 = 1_767_225_600_000;
const WS = 'default';
const WITH_QUEUE_ORDER = { ...MIGRATIONS, '0003-queue-order': queueOrder };
const BEFORE_QUEUE_ORDER = Object.fromEntries(
  Object.entries(WITH_QUEUE_ORDER).filter(([migration]) => migration < '0003-queue-order'),
);
const ROUTING = {
  capacityUnitsPerConversation: 1,
  agentCapacityUnits: 100,
  maxSessions: 100,
  notificationTimeoutMs: 60_000,
  keepSameAgent: false,
  keepAgentMs: 0,
};

interface Backend {
  connect(): Promise<SqlDatabase>;
  dispose(): Promise<void>;
}

/** The customers and work items that queue entries refer to. */
async function seedItems(db: SqlDatabase, ids: readonly string[]): Promise<void> {
  const customer = (id: string) => ({ id: `webchat:${id}`, channel_id: 'webchat', user_id: id });
  await db.db.insertInto('customers').values(ids.map(customer)).execute();
  const item = (id: string) => ({
    id,
    workstream: WS,
    customer_id: `webchat:${id}`,
    channel_id: 'webchat',
    customer_identity: '{}',
    title: id,
    state: 'open',
    created_at: T0,
    state_changed_at: T0,
    waiting_since: T0,
  });
  await db.db.insertInto('work_items').values(ids.map(item)).execute();
}

const rowsOf = (db: SqlDatabase) =>
  db.db
    .selectFrom('queue_entries')
    .select(['work_item_id', 'version', 'ordinal'])
    .orderBy('workstream')
    .orderBy('ordinal')
    .execute();
const idsOf = (queue: WorkQueue) => queue.entries.map((entry) => entry.workItemId);
const pick = (agentId: string, workItemId: string) => (queue: WorkQueue) =>
  pickFromQueue(queue, workItemId, { agentId, now: T0 + 1 }).queue;
const offer = (workItemId: string, agentId: string, offeredAt: number, expiresAt: number): Offer => ({
  id: `offer-${workItemId}`,
  workItemId,
  agentId,
  offeredAt,
  expiresAt,
});
const byItem = (offers: readonly (Offer | undefined)[]) =>
  [...offers].sort((x, y) => (x?.workItemId ?? '').localeCompare(y?.workItemId ?? ''));

/** Routes the workstream's queue to one agent; resolves to the offers of the attempt that was written. */
async function routeTo(repo: QueueRepository, workstream: string, agentId: string): Promise<Offer[]> {
  let made: Offer[] = [];
  let issued = 0;
  const agent = {
    id: agentId,
    presence: 'available',
    usedUnits: 0,
    sessionCount: 0,
    reachable: true,
  } as const;
  const nextId = () => `${workstream}-${agentId}-${(issued += 1)}`;
  await repo.update(workstream, (queue) => {
    const planned = planOffers(queue, [agent], ROUTING, T0, nextId);
    made = planned.offers;
    return planned.queue;
  });
  return made;
}

/** `concurrentWriters`: PostgreSQL runs transactions side by side; SQLite's writer lock runs them one by one. */
function describeQueueRepository(name: string, concurrentWriters: boolean, fresh: () => Promise<Backend>) {
  describe(`${name} queue repository`, () => {
    let backend: Backend;
    const opened: SqlDatabase[] = [];
    const connect = async (migrations: Record<string, Migration> = WITH_QUEUE_ORDER) => {
      const db = await backend.connect();
      opened.push(db);
      await migrateToLatest(db, migrations);
      return db;
    };
    /** Two connections, as two instances of the desk, with `ids` seeded as work items. */
    const two = async (ids: readonly string[]) => {
      const [a, b] = [await connect(), await connect()];
      await seedItems(a, ids);
      return { a, b, repoA: createQueueRepository(a), repoB: createQueueRepository(b) };
    };
    /**
     * `db` whose transactions start `between` right after their first query (an update's read). PostgreSQL waits
     * for it there, so it commits before the update writes; SQLite's writer lock makes it wait for the commit.
     */
    const afterRead = (db: SqlDatabase, between: () => Promise<void>): SqlDatabase => {
      let started: Promise<void> | undefined;
      const plugin: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          started ??= between();
          if (concurrentWriters) await started;
          return args.result;
        },
      };
      return { ...db, transaction: (work) => db.transaction((trx) => work(trx.withPlugin(plugin))) };
    };

    beforeEach(async () => {
      backend = await fresh();
    });

    afterEach(async () => {
      for (const db of opened.splice(0)) await db.close();
      await backend.dispose();
    });

    it('reads back every field of every entry exactly as written', async () => {
      const { repoA, repoB } = await two(['wi-1', 'wi-2', 'wi-3']);
      const entries: QueueEntry[] = [
        {
          workItemId: 'wi-1',
          enqueuedAt: T0,
          preferredAgentId: 'agent-ada',
          offer: offer('wi-1', 'agent-bob', T0 + 1, T0 + 60_001),
          declined: { agentId: 'agent-cy', at: T0 + 2, reason: 'missed' },
          claim: { agentId: 'agent-ada', at: T0 + 3, via: 'accept', offerId: 'offer-0' },
        },
        {
          workItemId: 'wi-2',
          enqueuedAt: T0 + 4,
          declined: { agentId: 'agent-bob', at: T0 + 5, reason: 'rejected' },
          claim: { agentId: 'agent-bob', at: T0 + 6, via: 'pick' },
        },
        { workItemId: 'wi-3', enqueuedAt: T0 - 1 },
      ];

      const written = await repoA.update(WS, (queue) => ({ ...queue, entries }));

      expect(written).toStrictEqual({ workstream: WS, entries });
      expect(await repoB.get(WS)).toStrictEqual({ workstream: WS, entries });
    });

    it("keeps the domain's order across enqueues and updates, whatever the enqueue times", async () => {
      const { repoA, repoB } = await two(['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e']);
      let model = emptyQueue(WS);
      const viaEnqueue = (id: string, now: number) => async () => {
        await repoA.enqueue(WS, id, now);
        model = enqueue(model, id, now);
      };
      const viaUpdate = (change: (queue: WorkQueue) => WorkQueue) => async () => {
        await repoB.update(WS, change);
        model = change(model);
      };
      const adding = (id: string, now: number) => viaUpdate((queue) => enqueue(queue, id, now));
      const steps = [viaEnqueue('wi-a', T0), adding('wi-b', T0), viaEnqueue('wi-c', T0 - 5)];
      steps.push(adding('wi-d', T0 - 10), viaUpdate(pick('agent-ada', 'wi-b')), viaEnqueue('wi-e', T0));
      for (const step of steps) await step();

      expect(idsOf(model)).toEqual(['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e']);
      expect(await repoA.get(WS)).toStrictEqual(model);
    });

    it('keeps an unclaimed entry in place when enqueued again, and moves a claimed one to the tail', async () => {
      const { repoA } = await two(['wi-a', 'wi-b', 'wi-c']);
      for (const id of ['wi-a', 'wi-b', 'wi-c']) await repoA.enqueue(WS, id, T0);
      await repoA.update(WS, (queue) => pick('agent-ada', 'wi-c')(pick('agent-ada', 'wi-b')(queue)));
      const again = (queue: WorkQueue) =>
        enqueue(enqueue(queue, 'wi-a', T0 + 9, 'agent-zed'), 'wi-b', T0 + 9);
      const expected = enqueue(again(await repoA.get(WS)), 'wi-c', T0 + 10);

      await repoA.enqueue(WS, 'wi-a', T0 + 9, 'agent-zed');
      await repoA.enqueue(WS, 'wi-b', T0 + 9);
      // The domain's enqueue in an update moves a claimed entry alike.
      await repoA.update(WS, (queue) => enqueue(queue, 'wi-c', T0 + 10));

      expect(await repoA.get(WS)).toStrictEqual(expected);
      expect(expected.entries).toStrictEqual([
        { workItemId: 'wi-a', enqueuedAt: T0 },
        { workItemId: 'wi-b', enqueuedAt: T0 + 9 },
        { workItemId: 'wi-c', enqueuedAt: T0 + 10 },
      ]);
    });

    it('puts an entry handed back ahead of every other, with its decline kept, writing no other entry', async () => {
      const { a, repoA } = await two(['wi-a', 'wi-b', 'wi-back', 'wi-c']);
      await repoA.enqueueFirst(WS, { workItemId: 'wi-c', enqueuedAt: T0 });
      for (const id of ['wi-a', 'wi-b']) await repoA.enqueue(WS, id, T0 + 1);
      const before = await rowsOf(a);
      const declined = { agentId: 'agent-ada', at: T0 + 5, reason: 'rejected' as const };
      await repoA.enqueueFirst(WS, { workItemId: 'wi-back', enqueuedAt: T0 + 5, declined });
      expect(idsOf(await repoA.get(WS))).toEqual(['wi-back', 'wi-c', 'wi-a', 'wi-b']);
      expect((await repoA.get(WS)).entries[0]).toStrictEqual({
        workItemId: 'wi-back',
        enqueuedAt: T0 + 5,
        declined,
      });
      expect((await rowsOf(a)).filter((row) => row.work_item_id !== 'wi-back')).toEqual(before);
      // Handed back again while it waits: it keeps its place.
      await repoA.enqueueFirst(WS, { workItemId: 'wi-back', enqueuedAt: T0 + 9 });
      expect((await repoA.get(WS)).entries[0]?.enqueuedAt).toBe(T0 + 5);
    });

    it('writes only the entries a change touches: the others keep their version and place', async () => {
      const { a, repoA } = await two(['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e', 'wi-f']);
      for (const id of ['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e']) await repoA.enqueue(WS, id, T0);
      const before = await rowsOf(a);
      const [rowA, rowB, rowC, , rowE] = before;

      await repoA.update(WS, (queue) =>
        enqueue(dequeue(pick('agent-ada', 'wi-c')(queue), 'wi-d'), 'wi-f', T0),
      );
      const after = await rowsOf(a);
      await repoA.update(WS, (queue) => ({ ...queue, entries: [...queue.entries] }));

      const rowF = { work_item_id: 'wi-f', version: 0, ordinal: (rowE?.ordinal ?? 0) + 1 };
      expect(after).toEqual([rowA, rowB, { ...rowC, version: (rowC?.version ?? 0) + 1 }, rowE, rowF]);
      expect(await rowsOf(a)).toEqual(after);
    });

    it('writes nothing and tries no second time when the change throws', async () => {
      const { a, repoA } = await two(['wi-a', 'wi-b']);
      await repoA.enqueue(WS, 'wi-a', T0);
      const before = await rowsOf(a);
      let calls = 0;

      const failing = repoA.update(WS, (queue) => {
        calls += 1;
        enqueue(queue, 'wi-b', T0);
        throw new Error('not this one');
      });

      await expect(failing).rejects.toThrow('not this one');
      expect(calls).toBe(1);
      expect(await rowsOf(a)).toEqual(before);
    });

    it('queues each of 50 items once when two connections enqueue all of them at the same time', async () => {
      const ids = Array.from({ length: 50 }, (_, index) => `wi-${index}`);
      const { a, repoA, repoB } = await two(ids);

      await Promise.all(ids.flatMap((id) => [repoA.enqueue(WS, id, T0), repoB.enqueue(WS, id, T0)]));

      expect([...idsOf(await repoA.get(WS))].sort()).toEqual([...ids].sort());
      expect(new Set((await rowsOf(a)).map((row) => row.ordinal)).size).toBe(50);
    });

    it('keeps exactly one offer per item when two connections route the same queue to different agents', async () => {
      const workstreams = Array.from({ length: 10 }, (_, index) => `ws-${index}`);
      const { repoA, repoB } = await two(workstreams.flatMap((ws) => [`${ws}-wi-1`, `${ws}-wi-2`]));
      for (const ws of workstreams) for (const n of [1, 2]) await repoA.enqueue(ws, `${ws}-wi-${n}`, T0);

      const races = await Promise.all(
        workstreams.map(async (ws) => {
          const made = await Promise.all([routeTo(repoA, ws, 'agent-ada'), routeTo(repoB, ws, 'agent-bob')]);
          return { stored: (await repoA.get(ws)).entries.map((entry) => entry.offer), made: made.flat() };
        }),
      );

      // Each item holds the one offer of the attempt that was written; no other attempt offered it again.
      for (const { stored, made } of races) expect(byItem(stored)).toEqual(byItem(made));
      expect(races.every(({ stored }) => stored.length === 2 && stored.every(Boolean))).toBe(true);
    });

    it('never removes an entry another connection enqueued between an update’s read and its writes', async () => {
      const { a, repoB } = await two(['wi-old', 'wi-taken', 'wi-new']);
      for (const id of ['wi-old', 'wi-taken']) await repoB.enqueue(WS, id, T0);
      let enqueued: Promise<void> | undefined;
      const interleaved = afterRead(a, () => (enqueued = repoB.enqueue(WS, 'wi-new', T0 + 1)));

      const written = await createQueueRepository(interleaved).update(WS, (queue) =>
        pick('agent-ada', 'wi-taken')(dequeue(queue, 'wi-old')),
      );
      await enqueued;

      expect(idsOf(written)).toEqual(['wi-taken']);
      expect(idsOf(await repoB.get(WS))).toEqual(['wi-taken', 'wi-new']);
    });

    it('queues an item once when another connection enqueues it while an update adds it', async () => {
      const { a, repoB } = await two(['wi-a', 'wi-x']);
      await repoB.enqueue(WS, 'wi-a', T0);
      let enqueued: Promise<void> | undefined;
      const interleaved = afterRead(a, () => (enqueued = repoB.enqueue(WS, 'wi-x', T0 + 1)));
      let changes = 0;

      await createQueueRepository(interleaved).update(WS, (queue) => {
        changes += 1;
        return enqueue(queue, 'wi-x', T0 + 2);
      });
      await enqueued;

      // PostgreSQL: the update's insert meets the committed entry, a conflict, and the retry finds it queued.
      expect(changes).toBe(concurrentWriters ? 2 : 1);
      const entries = [{ workItemId: 'wi-a', enqueuedAt: T0 }];
      entries.push({ workItemId: 'wi-x', enqueuedAt: concurrentWriters ? T0 + 1 : T0 + 2 });
      expect((await repoB.get(WS)).entries).toStrictEqual(entries);
    });

    it('gives up with QueueConflictError after maxAttempts, with a jittered pause between attempts', async () => {
      const db = await connect();
      await seedItems(db, ['wi-a']);
      const conflicting: SqlDatabase = {
        ...db,
        transaction: (work) =>
          db.transaction(async (trx) => {
            await work(trx);
            throw new VersionConflictError('Queue entry wi-a');
          }),
      };
      const counts = { changes: 0, jitters: 0 };
      const random = () => {
        counts.jitters += 1;
        return 0;
      };
      const repo = createQueueRepository(conflicting, { maxAttempts: 3, random });

      const giving = repo.update(WS, (queue) => {
        counts.changes += 1;
        return enqueue(queue, 'wi-a', T0);
      });

      await expect(giving).rejects.toBeInstanceOf(QueueConflictError);
      await expect(giving).rejects.toMatchObject({ attempts: 3, cause: expect.any(VersionConflictError) });
      expect(counts).toEqual({ changes: 3, jitters: 2 });
      expect(await createQueueRepository(db).get(WS)).toStrictEqual(emptyQueue(WS));
    });

    it("lists an agent's live offers oldest first, leaving out expired ones and other agents'", async () => {
      const { repoA } = await two(['wi-1', 'wi-2', 'wi-3', 'wi-4', 'wi-5']);
      const live = [
        offer('wi-1', 'agent-ada', T0 + 2, T0 + 100),
        offer('wi-2', 'agent-ada', T0 + 1, T0 + 100),
      ];
      const expired = offer('wi-3', 'agent-ada', T0, T0 + 50);
      const toBob = offer('wi-4', 'agent-bob', T0, T0 + 100);
      const elsewhere = offer('wi-5', 'agent-ada', T0, T0 + 100);
      const entryOf = (made: Offer) => ({ workItemId: made.workItemId, enqueuedAt: T0, offer: made });
      await repoA.update(WS, (queue) => ({ ...queue, entries: [...live, expired, toBob].map(entryOf) }));
      await repoA.update('other', (queue) => ({ ...queue, entries: [entryOf(elsewhere)] }));

      expect(await repoA.offersFor(WS, 'agent-ada', T0 + 50)).toStrictEqual([live[1], live[0]]);
    });

    it('counts and places only the unclaimed entries of the workstream', async () => {
      const { repoA } = await two(['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e']);
      for (const id of ['wi-a', 'wi-b', 'wi-c', 'wi-d']) await repoA.enqueue(WS, id, T0);
      await repoA.enqueue('other', 'wi-e', T0);
      await repoA.update(WS, pick('agent-ada', 'wi-b'));

      const ids = ['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-e', 'wi-none'];
      const places = await Promise.all(ids.map((id) => repoA.position(WS, id)));

      expect(places).toEqual([1, undefined, 2, 3, undefined, undefined]);
      const counts = await Promise.all([WS, 'other', 'empty'].map((ws) => repoA.count(ws)));
      expect(counts).toEqual([3, 1, 0]);
    });

    it('numbers entries queued before the migration in their enqueue order, and enqueues after them', async () => {
      const db = await connect(BEFORE_QUEUE_ORDER);
      await seedItems(db, ['wi-a', 'wi-b', 'wi-c', 'wi-d', 'wi-o']);
      const legacy = (work_item_id: string, enqueued_at: number, workstream = WS) => ({
        work_item_id,
        workstream,
        enqueued_at,
      });
      const rows = [legacy('wi-b', T0), legacy('wi-a', T0), legacy('wi-c', T0 - 1), legacy('wi-o', T0, 'x')];
      await db.db.insertInto('queue_entries').values(rows).execute();

      expect((await migrateToLatest(db, WITH_QUEUE_ORDER))[0]).toBe('0003-queue-order');
      const repo = createQueueRepository(db);
      await repo.enqueue(WS, 'wi-d', T0 - 2);

      expect(idsOf(await repo.get(WS))).toEqual(['wi-c', 'wi-a', 'wi-b', 'wi-d']);
      const ordinals = (await rowsOf(db)).map((row) => `${row.work_item_id} ${row.ordinal}`);
      expect(ordinals).toEqual(['wi-c 1', 'wi-a 2', 'wi-b 3', 'wi-d 4', 'wi-o 1']);
    });
  });
}

let folder: string;
let files = 0;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'relaydesk-queue-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describeQueueRepository('SQLite', false, () => {
  const path = join(folder, `queue-${(files += 1)}.db`);
  return Promise.resolve({
    // Connections sharing this process must not busy-wait: that would block the thread holding the lock.
    connect: () => Promise.resolve(openDatabase({ kind: 'sqlite', path, busyTimeoutMs: 0 })),
    dispose: () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      return Promise.resolve();
    },
  });
});

describeQueueRepository('PostgreSQL', true, async () => {
  const database = await createTestDatabase();
  return {
    connect: () => Promise.resolve(openDatabase({ kind: 'postgres', url: database.url })),
    dispose: () => database.drop(),
  };
});
