import type { Kysely } from 'kysely';
import type { Offer, QueueEntry, WorkQueue } from '../../domain/routing';
import { isRetryableConflict, requireOneRow, VersionConflictError } from './conflicts';
import { QUEUE_ORDER_COUNTER_PREFIX } from './migrations/0003-queue-order';
import type { SqlDatabase } from './open-database';
import {
  OFFER_COLUMNS,
  QUEUE_ENTRY_COLUMNS,
  offerOf,
  queueEntryColumns,
  queueEntryOf,
  sameQueueEntryColumns,
  type QueueEntryColumns,
} from './queue';
import type { Database } from './schema';

export interface QueueRepository {
  /** The workstream's queue in queue order (the domain's array order). */
  get(workstream: string): Promise<WorkQueue>;
  /**
   * One transaction: read the queue, apply `change` (a pure function of it, may throw to abort with nothing
   * written), write only the entries that differ, each conditional on the version it was read at; a conflict
   * retries the whole of it (bounded, jittered), then gives up with QueueConflictError. Returns the queue as written.
   */
  update(workstream: string, change: (queue: WorkQueue) => WorkQueue): Promise<WorkQueue>;
  /**
   * The domain's `enqueue` without reading the queue: insert at the tail; an entry already there keeps its place
   * unless it holds a claim (then it is replaced at the tail). O(1) in the queue's length.
   */
  enqueue(workstream: string, workItemId: string, now: number, preferredAgentId?: string): Promise<void>;
  /** Puts the entry one place ahead of the first (an item handed back keeps its turn); O(1) too. */
  enqueueFirst(workstream: string, entry: QueueEntry): Promise<void>;
  /** Live offers (expiresAt > now) made to one agent, oldest first. */
  offersFor(workstream: string, agentId: string, now: number): Promise<Offer[]>;
  /** How many are queued: the entries no agent has claimed yet. */
  count(workstream: string): Promise<number>;
  /** 1-based place of an item among entries without a claim, or undefined if not queued (or claimed). */
  position(workstream: string, workItemId: string): Promise<number | undefined>;
}

export interface QueueRepositoryOptions {
  /** Jitter of the wait between attempts, in [0, 1). */
  readonly random?: () => number;
  /** Attempts of one update or enqueue before it gives up. */
  readonly maxAttempts?: number;
}

/** An update or enqueue kept meeting other writers' changes and gave up; `cause` is the last conflict. */
export class QueueConflictError extends Error {
  override readonly name = 'QueueConflictError';

  constructor(
    readonly workstream: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`The queue of ${workstream} kept changing under ${attempts} attempts; gave up.`, { cause });
  }
}

type Trx = Kysely<Database>;
type Row = QueueEntryColumns & { readonly ordinal: number; readonly version: number };
type Placed = { readonly columns: QueueEntryColumns; readonly read: Row | undefined };

const DEFAULT_MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 200;

/** Carries an error thrown by `change` past the retry loop, which must not take it for a conflict. */
class ChangeFailed extends Error {
  constructor(readonly error: unknown) {
    super('The change to the queue threw.');
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The workstream's rows in order; `lock` takes their row locks (PostgreSQL; SQLite's writer lock covers it). */
function readRows(db: Trx, workstream: string, lock: boolean): Promise<Row[]> {
  return db
    .selectFrom('queue_entries')
    .select([...QUEUE_ENTRY_COLUMNS, 'ordinal', 'version'])
    .where('workstream', '=', workstream)
    .orderBy('ordinal')
    .orderBy('work_item_id')
    .$if(lock, (query) => query.forUpdate())
    .execute();
}

/**
 * Takes `count` places at the tail and returns the first; the counter row stays locked until commit, so places
 * follow commit order.
 */
async function reserveOrdinals(trx: Trx, workstream: string, count: number): Promise<number> {
  const { value } = await trx
    .insertInto('counters')
    .values({ name: `${QUEUE_ORDER_COUNTER_PREFIX}${workstream}`, value: count })
    .onConflict((conflict) =>
      conflict.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', count) })),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(value) - count + 1;
}

/** Inserts new entries; one whose item another writer queued meanwhile is a conflict, never an overwrite. */
async function insertRows(
  trx: Trx,
  workstream: string,
  rows: readonly (QueueEntryColumns & { ordinal: number })[],
): Promise<void> {
  if (rows.length === 0) return;
  const inserted = await trx
    .insertInto('queue_entries')
    .values(rows.map((row) => ({ ...row, workstream })))
    .onConflict((conflict) => conflict.column('work_item_id').doNothing())
    .returning('work_item_id')
    .execute();
  if (inserted.length !== rows.length) throw new VersionConflictError(`The queue of ${workstream}`);
}

async function updateRow(trx: Trx, read: Row, values: Partial<QueueEntryColumns> & { ordinal?: number }) {
  const result = await trx
    .updateTable('queue_entries')
    .set({ ...values, version: read.version + 1 })
    .where('work_item_id', '=', read.work_item_id)
    .where('version', '=', read.version)
    .executeTakeFirst();
  requireOneRow(result, `Queue entry ${read.work_item_id}`);
}

async function deleteRows(trx: Trx, workstream: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const result = await trx
    .deleteFrom('queue_entries')
    .where((eb) =>
      eb.or(
        rows.map((row) =>
          eb.and([eb('work_item_id', '=', row.work_item_id), eb('version', '=', row.version)]),
        ),
      ),
    )
    .executeTakeFirst();
  if (result.numDeletedRows !== BigInt(rows.length))
    throw new VersionConflictError(`The queue of ${workstream}`);
}

/**
 * Splits `next` into entries that keep their place (a prefix whose read order is unchanged) and those that go
 * to the tail in turn (new ones, and any at or after the first one that moved); the rest of `read` is removed.
 */
function planWrites(workstream: string, read: readonly Row[], next: WorkQueue) {
  if (next.workstream !== workstream)
    throw new Error(`A change of the queue of ${workstream} returned the queue of ${next.workstream}.`);
  const readAt = new Map(read.map((row, index) => [row.work_item_id, index]));
  const kept: Placed[] = [];
  const tail: Placed[] = [];
  const seen = new Set<string>();
  let last = -1;
  for (const entry of next.entries) {
    if (seen.has(entry.workItemId))
      throw new Error(`The queue of ${workstream} lists ${entry.workItemId} twice.`);
    seen.add(entry.workItemId);
    const index = readAt.get(entry.workItemId);
    const placed = { columns: queueEntryColumns(entry), read: index === undefined ? undefined : read[index] };
    if (tail.length === 0 && index !== undefined && index > last) {
      last = index;
      kept.push(placed);
    } else tail.push(placed);
  }
  return { kept, tail, removed: read.filter((row) => !seen.has(row.work_item_id)) };
}

async function updateQueue(
  trx: Trx,
  workstream: string,
  change: (queue: WorkQueue) => WorkQueue,
  lock: boolean,
): Promise<WorkQueue> {
  const read = await readRows(trx, workstream, lock);
  const current: WorkQueue = { workstream, entries: read.map(queueEntryOf) };
  let next: WorkQueue;
  try {
    next = change(current);
  } catch (error) {
    throw new ChangeFailed(error);
  }
  if (next === current) return current;
  const { kept, tail, removed } = planWrites(workstream, read, next);
  await deleteRows(trx, workstream, removed);
  for (const { columns, read: row } of kept)
    if (row && !sameQueueEntryColumns(row, columns)) await updateRow(trx, row, columns);
  const first = tail.length > 0 ? await reserveOrdinals(trx, workstream, tail.length) : 0;
  const fresh: (QueueEntryColumns & { ordinal: number })[] = [];
  for (const [index, { columns, read: row }] of tail.entries()) {
    if (row) await updateRow(trx, row, { ...columns, ordinal: first + index });
    else fresh.push({ ...columns, ordinal: first + index });
  }
  await insertRows(trx, workstream, fresh);
  return next;
}

/**
 * Queues an entry at the tail (`at: 'tail'`, the domain's enqueue) or one place ahead of the first (`'head'`: a
 * conversation handed back to the queue keeps its turn). An unclaimed entry already there stays where it is; a
 * claimed one (a leftover of an accept that never settled) gives way to the new one.
 */
async function enqueueEntry(
  trx: Trx,
  workstream: string,
  entry: QueueEntry,
  options: { readonly lock: boolean; readonly at: 'tail' | 'head' },
): Promise<void> {
  const existing = await trx
    .selectFrom('queue_entries')
    .select([...QUEUE_ENTRY_COLUMNS, 'workstream', 'ordinal', 'version'])
    .where('work_item_id', '=', entry.workItemId)
    .$if(options.lock, (query) => query.forUpdate())
    .executeTakeFirst();
  if (existing && existing.workstream !== workstream)
    throw new Error(`Work item ${entry.workItemId} is queued in ${existing.workstream}, not ${workstream}.`);
  if (existing && existing.claim_agent_id === null) return;
  const ordinal =
    options.at === 'tail' ? await reserveOrdinals(trx, workstream, 1) : await headOrdinal(trx, workstream);
  const columns = queueEntryColumns(entry);
  if (existing) await updateRow(trx, existing, { ...columns, ordinal });
  else await insertRows(trx, workstream, [{ ...columns, ordinal }]);
}

/** One place before the first entry (a fresh tail place when the queue is empty). */
async function headOrdinal(trx: Trx, workstream: string): Promise<number> {
  const { first } = await trx
    .selectFrom('queue_entries')
    .select((eb) => eb.fn.min('ordinal').as('first'))
    .where('workstream', '=', workstream)
    .executeTakeFirstOrThrow();
  return first === null ? reserveOrdinals(trx, workstream, 1) : Number(first) - 1;
}

/**
 * The queue on tables. PostgreSQL: an update locks the rows it reads (row locks first, the order counter last,
 * as in enqueue, so the two never deadlock), and every write is conditional on the version read, so an entry
 * another instance inserted meanwhile is never removed and a row changed meanwhile is a conflict, retried.
 */
export function createQueueRepository(
  database: SqlDatabase,
  options: QueueRepositoryOptions = {},
): QueueRepository {
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const lock = database.kind === 'postgres';

  async function retrying<T>(workstream: string, work: (trx: Trx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await database.transaction(work);
      } catch (error) {
        if (error instanceof ChangeFailed) throw error.error;
        if (!isRetryableConflict(error)) throw error;
        if (attempt >= maxAttempts) throw new QueueConflictError(workstream, attempt, error);
        // Full jitter: writers that met once spread out instead of meeting again.
        await pause(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
      }
    }
  }

  return {
    get: async (workstream) => ({
      workstream,
      entries: (await readRows(database.db, workstream, false)).map(queueEntryOf),
    }),
    update: (workstream, change) => retrying(workstream, (trx) => updateQueue(trx, workstream, change, lock)),
    enqueue: (workstream, workItemId, now, preferredAgentId) => {
      const entry: QueueEntry = preferredAgentId
        ? { workItemId, enqueuedAt: now, preferredAgentId }
        : { workItemId, enqueuedAt: now };
      return retrying(workstream, (trx) => enqueueEntry(trx, workstream, entry, { lock, at: 'tail' }));
    },
    enqueueFirst: (workstream, entry) =>
      retrying(workstream, (trx) => enqueueEntry(trx, workstream, entry, { lock, at: 'head' })),
    offersFor: async (workstream, agentId, now) => {
      const rows = await database.db
        .selectFrom('queue_entries')
        .select(OFFER_COLUMNS)
        .where('workstream', '=', workstream)
        .where('offer_agent_id', '=', agentId)
        .where('offer_expires_at', '>', now)
        .orderBy('offered_at')
        .orderBy('ordinal')
        .execute();
      return rows.flatMap((row) => offerOf(row) ?? []);
    },
    count: async (workstream) => {
      const { queued } = await database.db
        .selectFrom('queue_entries')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('queued'))
        .where('workstream', '=', workstream)
        .where('claim_agent_id', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(queued);
    },
    position: (workstream, workItemId) => positionOf(database.db, workstream, workItemId),
  };
}

async function positionOf(db: Trx, workstream: string, workItemId: string): Promise<number | undefined> {
  const item = await db
    .selectFrom('queue_entries')
    .select(['ordinal', 'claim_agent_id'])
    .where('workstream', '=', workstream)
    .where('work_item_id', '=', workItemId)
    .executeTakeFirst();
  if (!item || item.claim_agent_id !== null) return undefined;
  const { ahead } = await db
    .selectFrom('queue_entries')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('ahead'))
    .where('workstream', '=', workstream)
    .where('claim_agent_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb('ordinal', '<', item.ordinal),
        eb.and([eb('ordinal', '=', item.ordinal), eb('work_item_id', '<', workItemId)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(ahead) + 1;
}
