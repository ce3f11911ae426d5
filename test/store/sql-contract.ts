import type { Insertable, Kysely } from 'kysely';
import {
  MIGRATIONS,
  TABLE_NAMES,
  appendMessage,
  claimOutboxEntry,
  completeOutboxEntry,
  enqueueOutboxEntry,
  migrateToLatest,
  offerQueueEntry,
  releaseOutboxLease,
  requireOneRow,
  retryOnConflict,
  takeQueueEntry,
  type Database,
  type SqlDatabase,
  type TableName,
} from '../../src/store/sql';
import { EVERY_TABLE, T0, countRows, seedQueuedItem } from './sql-rows';

/** A fresh, empty database on one backend. */
export interface SqlBackendUnderTest {
  /** Opens one more connection to the database, as another instance of the desk would. */
  connect(): Promise<SqlDatabase>;
  /** Removes the database; the connections are closed by then. */
  dispose(): Promise<void>;
}

const LEASE_MS = 30_000;

function nth<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new Error('An empty list has no items to go round.');
  return item;
}

async function insertRow<T extends TableName>(
  trx: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]>,
): Promise<void> {
  // Kysely cannot relate a generic table name to its row type; the Rows type has checked the pair.
  await trx
    .insertInto(table as 'counters')
    .values(row as Insertable<Database['counters']>)
    .execute();
}

async function enqueueFor(db: SqlDatabase, agentId: string, count: number): Promise<void> {
  await db.transaction(async (trx) => {
    for (let index = 0; index < count; index += 1) {
      await enqueueOutboxEntry(trx, {
        owner: { kind: 'agent', id: agentId },
        relaydeskId: `${agentId}-${index + 1}`,
        activity: { type: 'message', text: `update ${index + 1}` },
        enqueuedAt: T0 + index,
      });
    }
  });
}

/** The same behaviour asked of every backend: SQLite embedded, PostgreSQL for several instances. */
export function describeSqlContract(
  name: string,
  fresh: (options: { readonly migrated: boolean }) => Promise<SqlBackendUnderTest>,
): void {
  describe(`${name} SQL store contract`, () => {
    // Made by a test's first connection, as that test needs it: at the latest schema already, or empty.
    let backend: SqlBackendUnderTest | undefined;
    const opened: SqlDatabase[] = [];

    const connections = async (count: number, options = { migrated: true }): Promise<SqlDatabase[]> => {
      const made: SqlDatabase[] = [];
      const under = (backend ??= await fresh(options));
      for (let index = 0; index < count; index += 1) made.push(await under.connect());
      opened.push(...made);
      if (options.migrated) await migrateToLatest(nth(made, 0));
      return made;
    };
    const one = async (): Promise<SqlDatabase> => nth(await connections(1), 0);
    const two = async (options = { migrated: true }): Promise<[SqlDatabase, SqlDatabase]> => {
      const [a, b] = await connections(2, options);
      if (!a || !b) throw new Error('Two connections were asked for.');
      return [a, b];
    };
    const countEveryTable = (db: SqlDatabase) =>
      Promise.all(TABLE_NAMES.map((table) => countRows(db.db, table)));

    afterEach(async () => {
      for (const db of opened.splice(0)) await db.close();
      await backend?.dispose();
      backend = undefined;
    });

    describe('migrations', () => {
      it('creates every table when it migrates an empty database', async () => {
        const [db] = await connections(1, { migrated: false });
        if (!db) throw new Error('no connection');
        expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS));
        const tables = await db.db.introspection.getTables();
        expect(tables.map((table) => table.name).sort()).toEqual([...TABLE_NAMES].sort());
      });

      it('runs nothing and changes nothing when it migrates a second time', async () => {
        const db = await one();
        const before = await countEveryTable(db);
        expect(await migrateToLatest(db)).toEqual([]);
        expect(await countEveryTable(db)).toEqual(before);
        expect(await db.db.selectFrom('counters').selectAll().execute()).toEqual([
          { name: 'visitor', value: 0 },
        ]);
      });

      it('rolls a failed migration back and stays at the last migration that ran', async () => {
        const db = await one();
        const broken = {
          ...MIGRATIONS,
          '9999-broken': {
            up: async (trx: Kysely<unknown>) => {
              await trx.schema.createTable('half_done').addColumn('id', 'text').execute();
              throw new Error('the migration broke halfway');
            },
          },
        };

        await expect(migrateToLatest(db, broken)).rejects.toThrow('failed at 9999-broken');

        const tables = await db.db.introspection.getTables();
        expect(tables.map((table) => table.name)).not.toContain('half_done');
        expect(await migrateToLatest(db)).toEqual([]);
      });

      it('runs each migration once when two instances migrate at the same time', async () => {
        const [a, b] = await two({ migrated: false });
        const ran = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
        expect(ran.flat()).toEqual(Object.keys(MIGRATIONS));
      });
    });

    it('reads back a row of every table exactly as it was written', async () => {
      const db = await one();
      await db.transaction(async (trx) => {
        // The migration's visitor counter goes, so that every table holds just the row written here.
        await trx.deleteFrom('counters').execute();
        for (const table of TABLE_NAMES) await insertRow(trx, table, EVERY_TABLE[table]);
      });
      for (const table of TABLE_NAMES) {
        const rows = await db.db.selectFrom(table).selectAll().execute();
        expect({ table, rows }).toEqual({ table, rows: [EVERY_TABLE[table]] });
      }
    });

    it('ends at exactly 50 after 50 concurrent version-checked increments from separate connections', async () => {
      const dbs = await connections(5);
      await nth(dbs, 0).transaction((trx) => seedQueuedItem(trx, 'wi-count'));
      let conflicts = 0;
      const increment = (db: SqlDatabase) =>
        retryOnConflict(
          async () => {
            const read = await db.db
              .selectFrom('work_items')
              .select(['version', 'customer_message_count'])
              .where('id', '=', 'wi-count')
              .executeTakeFirstOrThrow();
            const written = await db.db
              .updateTable('work_items')
              .set({ customer_message_count: read.customer_message_count + 1, version: read.version + 1 })
              .where('id', '=', 'wi-count')
              .where('version', '=', read.version)
              .executeTakeFirst();
            if (written.numUpdatedRows === 0n) conflicts += 1;
            requireOneRow(written, 'wi-count');
            // Fifty writers on one row: one of them may lose many times in a row, more than a desk's limits allow.
          },
          { attempts: 500, withinMs: 30_000 },
        );

      await Promise.all(Array.from({ length: 50 }, (_, index) => increment(nth(dbs, index))));

      const final = await nth(dbs, 0)
        .db.selectFrom('work_items')
        .select(['version', 'customer_message_count'])
        .where('id', '=', 'wi-count')
        .executeTakeFirstOrThrow();
      expect(final).toEqual({ version: 50, customer_message_count: 50 });
      // The increments really raced: some found their version gone and tried again.
      expect(conflicts).toBeGreaterThan(0);
    });

    describe('the queue', () => {
      const offer = (id: string) => ({
        offerId: `offer-${id}`,
        agentId: 'agent-ada',
        expiresAt: T0 + 60_000,
      });

      it('lets exactly one of two connections take an offered item when they race for it', async () => {
        const [a, b] = await two();
        const items = Array.from({ length: 20 }, (_, index) => `wi-${index}`);
        await a.transaction(async (trx) => {
          for (const id of items) await seedQueuedItem(trx, id, offer(id));
        });

        const races = await Promise.all(
          items.map((id) =>
            Promise.all([
              a.transaction((trx) =>
                takeQueueEntry(trx, {
                  via: 'accept',
                  workItemId: id,
                  offerId: `offer-${id}`,
                  agentId: 'agent-ada',
                  now: T0 + 1,
                }),
              ),
              b.transaction((trx) =>
                takeQueueEntry(trx, { via: 'pick', workItemId: id, agentId: 'agent-bob', now: T0 + 1 }),
              ),
            ]),
          ),
        );

        const claims = await a.db
          .selectFrom('queue_entries')
          .select(['work_item_id', 'claim_agent_id', 'claim_via', 'offer_id'])
          .orderBy('work_item_id')
          .execute();
        races.forEach(([accepted, picked]) => expect(Number(accepted) + Number(picked)).toBe(1));
        expect(claims).toEqual(
          items
            .map((id, index) => {
              const accepted = races[index]?.[0] === true;
              return {
                work_item_id: id,
                claim_agent_id: accepted ? 'agent-ada' : 'agent-bob',
                claim_via: accepted ? 'accept' : 'pick',
                offer_id: null,
              };
            })
            .sort((x, y) => x.work_item_id.localeCompare(y.work_item_id)),
        );
      });

      it('keeps one offer when two connections offer the same item at once', async () => {
        const [a, b] = await two();
        await a.transaction((trx) => seedQueuedItem(trx, 'wi-new'));
        const request = (agentId: string) => ({
          workItemId: 'wi-new',
          offerId: `offer-to-${agentId}`,
          agentId,
          now: T0,
          expiresAt: T0 + 60_000,
        });

        const [toAda, toBob] = await Promise.all([
          a.transaction((trx) => offerQueueEntry(trx, request('agent-ada'))),
          b.transaction((trx) => offerQueueEntry(trx, request('agent-bob'))),
        ]);

        expect(Number(toAda) + Number(toBob)).toBe(1);
        const stored = await a.db
          .selectFrom('queue_entries')
          .select('offer_agent_id')
          .executeTakeFirstOrThrow();
        expect(stored.offer_agent_id).toBe(toAda ? 'agent-ada' : 'agent-bob');
      });

      it('refuses to accept an offer once it has expired, and lets the item be picked', async () => {
        const db = await one();
        await db.transaction((trx) => seedQueuedItem(trx, 'wi-late', offer('wi-late')));
        const late = { workItemId: 'wi-late', agentId: 'agent-ada', now: T0 + 60_000 };
        expect(await takeQueueEntry(db.db, { ...late, via: 'accept', offerId: 'offer-wi-late' })).toBe(false);
        expect(await takeQueueEntry(db.db, { ...late, via: 'pick' })).toBe(true);
      });
    });

    describe('messages', () => {
      it('numbers 100 messages appended concurrently to one conversation 1..100, no gaps, no duplicates', async () => {
        const dbs = await connections(4);
        await nth(dbs, 0).transaction((trx) => seedQueuedItem(trx, 'wi-talk'));

        const seqs = await Promise.all(
          Array.from({ length: 100 }, (_, index) =>
            nth(dbs, index).transaction((trx) =>
              appendMessage(trx, 'wi-talk', {
                sender: index % 2 === 0 ? 'customer' : 'agent',
                text: `message ${index}`,
                at: T0 + index,
              }),
            ),
          ),
        );

        const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);
        expect([...seqs].sort((x, y) => x - y)).toEqual(oneToHundred);
        const stored = await nth(dbs, 0)
          .db.selectFrom('messages')
          .select(['seq', 'text'])
          .where('work_item_id', '=', 'wi-talk')
          .orderBy('seq')
          .execute();
        expect(stored.map((row) => row.seq)).toEqual(oneToHundred);
        // Each append got back the number its own message was stored under.
        seqs.forEach((seq, index) => expect(stored[seq - 1]?.text).toBe(`message ${index}`));
      });

      it('refuses a message for a conversation that does not exist', async () => {
        const db = await one();
        await expect(
          db.transaction((trx) => appendMessage(trx, 'wi-none', { sender: 'customer', text: 'hi', at: T0 })),
        ).rejects.toThrow('no work item wi-none');
        expect(await countRows(db.db, 'messages')).toBe(0);
      });
    });

    describe('the outbox', () => {
      const claim = (db: SqlDatabase, holder: string, now = T0) =>
        claimOutboxEntry(db, { holder, now, leaseMs: LEASE_MS });

      it('gives one entry claimed by two workers at once to exactly one of them', async () => {
        const [a, b] = await two();
        await enqueueFor(a, 'agent-ada', 1);

        const [byA, byB] = await Promise.all([claim(a, 'worker-a'), claim(b, 'worker-b')]);

        const taken = [byA, byB].filter((claimed) => claimed !== undefined);
        expect(taken.map((claimed) => claimed.entry.relaydesk_id)).toEqual(['agent-ada-1']);
        const lease = await a.db
          .selectFrom('outbox_recipients')
          .select(['lease_holder', 'lease_until'])
          .executeTakeFirstOrThrow();
        expect(lease).toEqual({ lease_holder: byA ? 'worker-a' : 'worker-b', lease_until: T0 + LEASE_MS });
      });

      it('never gives one recipient to two workers claiming together', async () => {
        const [a, b] = await two();
        const agents = Array.from({ length: 10 }, (_, index) => `agent-${index}`);
        for (const agent of agents) await enqueueFor(a, agent, 2);

        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            index % 2 === 0 ? claim(a, `worker-a${index}`) : claim(b, `worker-b${index}`),
          ),
        );

        const taken = claims.filter((claimed) => claimed !== undefined);
        const recipients = taken.map((claimed) => claimed.recipient);
        expect(taken.length).toBeGreaterThan(0);
        expect(new Set(recipients).size).toBe(recipients.length);
        expect(taken.every((claimed) => claimed.entry.seq === 1)).toBe(true);
      });

      it("sends a recipient's entries in order, one worker at a time", async () => {
        const [a, b] = await two();
        await enqueueFor(a, 'agent-ada', 3);
        const sent: string[] = [];
        const sendAndComplete = async (db: SqlDatabase, holder: string) => {
          const claimed = await claim(db, holder);
          if (!claimed) return undefined;
          sent.push(claimed.entry.relaydesk_id);
          await db.transaction((trx) => completeOutboxEntry(trx, claimed.entry.id));
          return claimed;
        };

        const first = await sendAndComplete(a, 'worker-a');
        expect(await claim(b, 'worker-b')).toBeUndefined();
        await sendAndComplete(a, 'worker-a');
        await a.transaction((trx) => releaseOutboxLease(trx, first?.recipient ?? '', 'worker-a'));
        await sendAndComplete(b, 'worker-b');

        expect(sent).toEqual(['agent-ada-1', 'agent-ada-2', 'agent-ada-3']);
        expect(await claim(a, 'worker-a')).toBeUndefined();
        expect(await countRows(a.db, 'outbox_entries')).toBe(0);
      });

      it('lets another worker take over a lease left by a dead one once it expires', async () => {
        const [a, b] = await two();
        await enqueueFor(a, 'agent-ada', 1);
        expect((await claim(a, 'worker-a'))?.entry.seq).toBe(1);

        expect(await claim(b, 'worker-b', T0 + LEASE_MS - 1)).toBeUndefined();
        const takenOver = await claim(b, 'worker-b', T0 + LEASE_MS);

        expect(takenOver?.entry.relaydesk_id).toBe('agent-ada-1');
        expect(takenOver?.leaseUntil).toBe(T0 + 2 * LEASE_MS);
      });

      it('passes over a recipient in backoff until its backoff ends', async () => {
        const db = await one();
        await enqueueFor(db, 'agent-ada', 1);
        await db.db
          .updateTable('outbox_recipients')
          .set({ backoff_failures: 1, backoff_not_before: T0 + 5000, backoff_status: 503 })
          .execute();

        expect(await claim(db, 'worker-a', T0 + 4999)).toBeUndefined();
        expect((await claim(db, 'worker-a', T0 + 5000))?.entry.seq).toBe(1);
      });
    });

    describe('transactions', () => {
      it('leaves nothing written when a transaction throws', async () => {
        const db = await one();
        const before = await countEveryTable(db);

        await expect(
          db.transaction(async (trx) => {
            await seedQueuedItem(trx, 'wi-lost');
            await appendMessage(trx, 'wi-lost', { sender: 'customer', text: 'hello', at: T0 });
            await enqueueOutboxEntry(trx, {
              owner: { kind: 'customer', id: 'webchat:wi-lost' },
              relaydeskId: 'send-lost',
              activity: { type: 'message', text: 'hello' },
              enqueuedAt: T0,
            });
            throw new Error('the desk fell over');
          }),
        ).rejects.toThrow('the desk fell over');

        expect(await countEveryTable(db)).toEqual(before);
      });

      it('gives the next message the number a rolled-back append had taken', async () => {
        const db = await one();
        await db.transaction((trx) => seedQueuedItem(trx, 'wi-retry'));
        const message = { sender: 'customer', text: 'hello', at: T0 } as const;
        expect(await db.transaction((trx) => appendMessage(trx, 'wi-retry', message))).toBe(1);

        await expect(
          db.transaction(async (trx) => {
            expect(await appendMessage(trx, 'wi-retry', message)).toBe(2);
            throw new Error('lost before commit');
          }),
        ).rejects.toThrow('lost before commit');

        expect(await db.transaction((trx) => appendMessage(trx, 'wi-retry', message))).toBe(2);
      });
    });
  });
}
