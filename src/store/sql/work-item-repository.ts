import type { Kysely } from 'kysely';
import type { WorkItemDocument, WorkItemIndexEntry } from '../../app/documents';
import type { WorkItemRepository, WorkItemWithMessage } from '../../app/repositories';
import type { PrechatAnswer } from '../../app/views';
import { changedColumns } from './changed-columns';
import { compiledOnce } from './compiled-once';
import { createdBetween } from './export-queries';
import { retryOnConflict, VersionConflictError } from './conflicts';
import { appendMessage } from './messages';
import type { SqlDatabase } from './open-database';
import { versionedUpdate } from './versioned-update';
import type { Database } from './schema';
import { pendingTransfers } from './transfer-queries';
import { answeredSince, inWrapUp } from './wrap-up-queries';
import { columnsOf, documentOf, prechatRows, samePrechat } from './work-item-rows';

// A message's change of the item takes the message's sequence number in the same statement.
const updateWorkItem = versionedUpdate('work_items', 'id', 'version', 'last_message_seq');

type Trx = Kysely<Database>;

interface Read {
  readonly doc: WorkItemDocument;
  readonly version: number;
}

/** A unique-key violation: another writer created the row first, so the next attempt reads theirs. */
function isDuplicateKey(error: unknown): boolean {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

async function prechatOf(db: Trx, ids: readonly string[]): Promise<Map<string, PrechatAnswer[]>> {
  const byItem = new Map<string, PrechatAnswer[]>();
  if (ids.length === 0) return byItem;
  const rows = await db
    .selectFrom('prechat_answers')
    .select(['work_item_id', 'question', 'answer'])
    .where('work_item_id', 'in', ids)
    .orderBy('work_item_id')
    .orderBy('position')
    .execute();
  for (const { work_item_id, question, answer } of rows) {
    const list = byItem.get(work_item_id) ?? [];
    list.push({ question, answer });
    byItem.set(work_item_id, list);
  }
  return byItem;
}

async function readMany(db: Trx, ids: readonly string[]): Promise<Map<string, Read>> {
  const found = new Map<string, Read>();
  if (ids.length === 0) return found;
  const [rows, prechat] = await Promise.all([
    db.selectFrom('work_items').selectAll().where('id', 'in', ids).execute(),
    prechatOf(db, ids),
  ]);
  for (const row of rows) {
    found.set(row.id, { doc: documentOf(row, prechat.get(row.id) ?? []), version: row.version });
  }
  return found;
}

const workItemStatement = compiledOnce((db, v: { id: string }) =>
  db.selectFrom('work_items').selectAll().where('id', '=', v.id),
);
const prechatStatement = compiledOnce((db, v: { id: string }) =>
  db
    .selectFrom('prechat_answers')
    .select(['question', 'answer'])
    .where('work_item_id', '=', v.id)
    .orderBy('position'),
);

/** One work item: the usual read, by two statements compiled once. */
async function readOne(db: Trx, id: string): Promise<Read | undefined> {
  const [rows, prechat] = await Promise.all([workItemStatement(db, { id }), prechatStatement(db, { id })]);
  const row = rows.rows[0];
  return row && { doc: documentOf(row, prechat.rows), version: row.version };
}

/**
 * Writes `next` over what was read at `version` (or creates it), conditional on nobody having changed it since.
 * With `takeSeq`, the same statement also takes the next message sequence number of the item, and returns it.
 */
async function write(
  trx: Trx,
  id: string,
  read: Read | undefined,
  next: WorkItemDocument,
  takeSeq = false,
): Promise<number | undefined> {
  if (next.item.id !== id) throw new Error(`A change of work item ${id} returned item ${next.item.id}.`);
  const columns = columnsOf(next);
  let seq: number | undefined;
  if (read === undefined) {
    await trx
      .insertInto('work_items')
      .values({ id, ...columns, ...(takeSeq ? { last_message_seq: 1 } : {}) })
      .execute();
    if (takeSeq) seq = 1;
  } else {
    const write = { key: id, version: read.version, next: read.version + 1 };
    const changes = changedColumns(columnsOf(read.doc), columns);
    if (takeSeq) seq = await updateWorkItem.counting(trx, changes, write, `Work item ${id}`);
    else await updateWorkItem(trx, changes, write, `Work item ${id}`);
  }
  if (read === undefined || !samePrechat(read.doc.prechat, next.prechat)) {
    await trx.deleteFrom('prechat_answers').where('work_item_id', '=', id).execute();
    const rows = prechatRows(id, next.prechat);
    if (rows.length > 0) await trx.insertInto('prechat_answers').values(rows).execute();
  }
  return seq;
}

/** One attempt in one transaction; a duplicate create becomes a version conflict so it is retried. */
function attempt<T>(database: SqlDatabase, work: (trx: Trx) => Promise<T>): Promise<T> {
  return retryOnConflict(async () => {
    try {
      return await database.transaction(work);
    } catch (error) {
      if (isDuplicateKey(error)) throw new VersionConflictError('A work item');
      throw error;
    }
  });
}

export function createWorkItemRepository(database: SqlDatabase): WorkItemRepository {
  // Read at each call, so whatever holds the database now (a fault switch in tests) is what answers.
  return {
    get: async (id) => (await readOne(database.db, id))?.doc,

    getMany: async (ids) => {
      const found = await readMany(database.db, [...new Set(ids)]);
      return new Map([...found].map(([id, read]) => [id, read.doc]));
    },

    update: (id, change) =>
      attempt(database, async (trx) => {
        const read = await readOne(trx, id);
        const next = change(read?.doc);
        if (next === undefined || next === read?.doc) return read?.doc;
        await write(trx, id, read, next);
        return next;
      }),

    record: (id, change) => attempt(database, (trx) => record(trx, id, change)),

    remove: async (id) => {
      await database.transaction(async (trx) => {
        await trx.deleteFrom('messages').where('work_item_id', '=', id).execute();
        await trx.deleteFrom('prechat_answers').where('work_item_id', '=', id).execute();
        await trx.deleteFrom('work_items').where('id', '=', id).execute();
      });
    },

    dashboard: (workstream, closedListed) => dashboard(database.db, workstream, closedListed),

    previousOf: (customerId, exceptId, limit) => previousOf(database.db, customerId, exceptId, limit),

    pendingTransfers: () => pendingTransfers(database.db),

    inWrapUp: (workstream) => inWrapUp(database.db, workstream),

    answeredSince: (workstream, since) => answeredSince(database.db, workstream, since),

    createdBetween: (workstream, range, after, limit) =>
      createdBetween(database.db, workstream, range, after, limit),
  };
}

/** WorkItemRepository.record: the change of the item and the message it brings, in one transaction. */
async function record(
  trx: Trx,
  id: string,
  change: (current: WorkItemDocument | undefined) => WorkItemWithMessage | undefined,
): Promise<{ doc: WorkItemDocument; seq: number } | undefined> {
  const read = await readOne(trx, id);
  const next: WorkItemWithMessage | undefined = change(read?.doc);
  if (next === undefined) return undefined;
  // A changed item takes the message's number as it is written: one statement on the row, not two.
  const taken = next.doc !== read?.doc ? await write(trx, id, read, next.doc, true) : undefined;
  const { from, text, at, agentId, score, deliveryId, delivery } = next.message;
  const seq = await appendMessage(
    trx,
    id,
    {
      sender: from,
      text,
      at,
      ...(agentId !== undefined ? { agentId } : {}),
      ...(score !== undefined ? { score } : {}),
      ...(deliveryId !== undefined ? { deliveryId } : {}),
      ...(delivery !== undefined ? { deliveryState: delivery } : {}),
    },
    taken,
  );
  return { doc: next.doc, seq };
}

const DASHBOARD_COLUMNS = [
  'id',
  'title',
  'channel_id',
  'state',
  'state_changed_at',
  'assigned_agent_id',
  'customer_left_at',
  'preview',
] as const;

/** The workstream's items not Closed, oldest change first, then its latest `closedListed` Closed ones. */
async function dashboard(db: Trx, workstream: string, closedListed: number): Promise<WorkItemIndexEntry[]> {
  const [live, closed] = await Promise.all([
    db
      .selectFrom('work_items')
      .select(DASHBOARD_COLUMNS)
      .where('workstream', '=', workstream)
      .where('state', '!=', 'closed')
      .orderBy('state_changed_at')
      .execute(),
    db
      .selectFrom('work_items')
      .select(DASHBOARD_COLUMNS)
      .where('workstream', '=', workstream)
      .where('state', '=', 'closed')
      .orderBy('state_changed_at', 'desc')
      .limit(closedListed)
      .execute(),
  ]);
  return [...live, ...closed.reverse()].map((row): WorkItemIndexEntry => ({
    workItemId: row.id,
    title: row.title,
    channel: row.channel_id,
    state: row.state as WorkItemIndexEntry['state'],
    since: row.state_changed_at,
    ...(row.assigned_agent_id !== null ? { agentId: row.assigned_agent_id } : {}),
    ...(row.customer_left_at !== null ? { customerLeft: true } : {}),
    ...(row.preview !== null ? { preview: row.preview } : {}),
  }));
}

/** The customer's latest `limit` conversations other than `exceptId`, newest first. */
async function previousOf(
  db: Trx,
  customerId: string,
  exceptId: string,
  limit: number,
): Promise<WorkItemDocument[]> {
  const rows = await db
    .selectFrom('work_items')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('id', '!=', exceptId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  const found = await readMany(
    db,
    rows.map((row) => row.id),
  );
  return rows.flatMap((row) => {
    const read = found.get(row.id);
    return read ? [read.doc] : [];
  });
}
