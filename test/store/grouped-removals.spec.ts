import { GroupedRemovals } from '../../src/store/sql/grouped-removals';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = 1_767_225_600_000;
const LEASE_MS = 30_000;
const HOLDER = 'worker-a';

/** The database as the removals see it, counting the transactions they open; `failing` refuses the next ones. */
function counted(database: SqlDatabase): {
  database: SqlDatabase;
  opened: () => number;
  failNext: (n: number) => void;
} {
  let opened = 0;
  let failing = 0;
  const wrapper: SqlDatabase = Object.create(database) as SqlDatabase;
  Object.defineProperty(wrapper, 'transaction', {
    value: <T>(work: Parameters<SqlDatabase['transaction']>[0]) => {
      opened += 1;
      if (failing > 0) {
        failing -= 1;
        return Promise.reject(new Error('the store refused the transaction'));
      }
      return database.transaction(work) as Promise<T>;
    },
  });
  return { database: wrapper, opened: () => opened, failNext: (n) => void (failing = n) };
}

describe.each(EDGE_BACKENDS)('removals of delivered entries on $name', (backend) => {
  let edge: EdgeDatabase;
  let database: SqlDatabase;
  let store: SqlOutboxStore;

  beforeAll(async () => {
    edge = await backend.create();
    database = edge.connect();
    store = new SqlOutboxStore(database);
  });

  afterAll(async () => {
    await edge.dispose();
  });

  beforeEach(async () => {
    await edge.reset();
  });

  /** Queues `count` messages to the agent with the lease taken for HOLDER; answers the head's id. */
  async function queued(agent: string, count: number): Promise<string> {
    const claim = { holder: HOLDER, until: T0 + LEASE_MS };
    for (let n = 0; n < count; n += 1) {
      await store.append(
        { owner: { kind: 'agent', id: agent }, relaydeskId: `${agent}-${n}`, activity: { type: 'message' } },
        T0,
        claim,
      );
    }
    return (await store.head(`agent:${agent}`, T0)).entry!.id;
  }

  async function pendingIds(): Promise<string[]> {
    const rows = await database.db
      .selectFrom('outbox_entries')
      .select('relaydesk_id')
      .orderBy('relaydesk_id')
      .execute();
    return rows.map((row) => row.relaydesk_id);
  }

  it('removals asked for in one turn each get their own outcome; SQLite commits them together, PostgreSQL one by one', async () => {
    const ada = await queued('ada', 2);
    const ben = await queued('ben', 1);
    const cem = await queued('cem', 1);
    // Cem's lease went to another dispatcher meanwhile: the entry still leaves (it was sent), the lease stays theirs.
    await database.db
      .updateTable('outbox_recipients')
      .set({ lease_holder: 'worker-b' })
      .where('recipient', '=', 'agent:cem')
      .execute();
    const { database: watched, opened } = counted(database);
    const removals = new GroupedRemovals(watched);
    const removal = (recipient: string, id: string) =>
      removals.remove({ recipient, entryIds: [id], holder: HOLDER, leaseUntil: T0 + 2 * LEASE_MS });

    const outcomes = await Promise.all([
      removal('agent:ada', ada),
      removal('agent:ben', ben),
      removal('agent:cem', cem),
    ]);

    expect(outcomes).toEqual(['more', 'empty', 'lost']);
    expect(await pendingIds()).toEqual(['ada-1']);
    expect(opened()).toBe(backend.name === 'SQLite' ? 1 : 3);
    const leases = await database.db
      .selectFrom('outbox_recipients')
      .select(['recipient', 'lease_holder', 'lease_until'])
      .orderBy('recipient')
      .execute();
    expect(leases).toEqual([
      { recipient: 'agent:ada', lease_holder: HOLDER, lease_until: T0 + 2 * LEASE_MS },
      { recipient: 'agent:ben', lease_holder: null, lease_until: null },
      { recipient: 'agent:cem', lease_holder: 'worker-b', lease_until: T0 + LEASE_MS },
    ]);
  });

  it('a group the store refuses is tried again one removal at a time, and only a removal refused again fails', async () => {
    const ada = await queued('ada', 1);
    const ben = await queued('ben', 1);
    const { database: watched, opened, failNext } = counted(database);
    const removals = new GroupedRemovals(watched);
    // On SQLite: the group, then Ada's removal alone; on PostgreSQL: Ada's, then Ben's first try (each is alone).
    failNext(2);
    const outcomes = await Promise.allSettled([
      removals.remove({ recipient: 'agent:ada', entryIds: [ada], holder: HOLDER, leaseUntil: T0 }),
      removals.remove({ recipient: 'agent:ben', entryIds: [ben], holder: HOLDER, leaseUntil: T0 }),
    ]);

    if (backend.name === 'SQLite') {
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
      expect(await pendingIds()).toEqual(['ada-0']);
      expect(opened()).toBe(3);
    } else {
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(await pendingIds()).toEqual(['ada-0', 'ben-0']);
      expect(opened()).toBe(2);
    }
  });

  it('a removal asked for inside an open transaction joins it, and is undone with it', async () => {
    const ada = await queued('ada', 1);
    const removals = new GroupedRemovals(database);
    const undone = database.transaction(async () => {
      expect(
        await removals.remove({ recipient: 'agent:ada', entryIds: [ada], holder: HOLDER, leaseUntil: T0 }),
      ).toBe('empty');
      throw new Error('the use case failed after the removal');
    });

    await expect(undone).rejects.toThrow('the use case failed after the removal');
    expect(await pendingIds()).toEqual(['ada-0']);
  });
});
