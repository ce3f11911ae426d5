import type { Insertable, Kysely, Migration } from 'kysely';
import type { TranscriptMessage, WorkItemDocument } from '../../../app/documents';
import { previewOf } from '../../../app/view-builders';
import type { WorkQueue } from '../../../domain/routing';
import { queueEntryColumns } from '../queue';
import type { Database, MessagesTable } from '../schema';
import { columnsOf, prechatRows } from '../work-item-rows';
import { QUEUE_ORDER_COUNTER_PREFIX } from './0003-queue-order';

/** A 0.1 work item document: the item and its whole transcript in one. */
type WorkItemDocument01 = WorkItemDocument & { readonly transcript?: readonly TranscriptMessage[] };

/** Rows per insert statement: well under SQLite's limit of bound parameters. */
const BATCH = 200;

async function insertBatched<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) await insert(rows.slice(start, start + BATCH));
}

function messageRows(id: string, transcript: readonly TranscriptMessage[]): Insertable<MessagesTable>[] {
  return transcript.map((line, index) => ({
    work_item_id: id,
    seq: index + 1,
    sender: line.from,
    text: line.text,
    at: line.at,
    agent_id: line.agentId ?? null,
    score: line.score ?? null,
    delivery_id: line.deliveryId ?? null,
    delivery_state: line.delivery ?? null,
  }));
}

/**
 * The columns the table had at 0004: later migrations' columns (0016's transfer, 0017's outcome, 0018's
 * consultants, 0026's answered wait, 0029's return from an away agent) are left to them.
 */
function columnsAt0004(columns: ReturnType<typeof columnsOf>) {
  const {
    transfer_offer_id: _offer,
    transfer_from: _from,
    transfer_to: _to,
    transfer_note: _note,
    transfer_offered_at: _offeredAt,
    transfer_expires_at: _expiresAt,
    outcome: _outcome,
    consultants: _consultants,
    answered_at: _answeredAt,
    waited_ms: _waitedMs,
    returned_from_agent_id: _returnedFrom,
    returned_at: _returnedAt,
    ...row
  } = columns;
  return row;
}

async function moveWorkItem(db: Kysely<Database>, body: string): Promise<void> {
  const { transcript = [], ...doc } = JSON.parse(body) as WorkItemDocument01;
  const id = doc.item.id;
  const opening = transcript.find((line) => line.from === 'customer');
  const row = columnsAt0004(
    columnsOf({
      ...doc,
      prechat: doc.prechat ?? [],
      ...(opening ? { preview: previewOf(opening.text) } : {}),
    }),
  );
  await db
    .insertInto('work_items')
    .values({ id, ...row, last_message_seq: transcript.length })
    .execute();
  const prechat = prechatRows(id, doc.prechat ?? []);
  if (prechat.length > 0) await db.insertInto('prechat_answers').values(prechat).execute();
  await insertBatched(messageRows(id, transcript), (batch) =>
    db.insertInto('messages').values(batch).execute(),
  );
}

async function moveQueue(db: Kysely<Database>, body: string): Promise<void> {
  const queue = JSON.parse(body) as WorkQueue;
  const known = new Set((await db.selectFrom('work_items').select('id').execute()).map((row) => row.id));
  // An entry whose work item is gone (a create that lost its race) has nothing to be offered.
  const entries = queue.entries.filter((entry) => known.has(entry.workItemId));
  const rows = entries.map((entry, index) => {
    // 0027's columns (a supervisor's assigned offer) are left to it.
    const { offer_assigned_by: _by, offer_over_capacity: _over, ...columns } = queueEntryColumns(entry);
    return { ...columns, workstream: queue.workstream, ordinal: index + 1 };
  });
  await insertBatched(rows, (batch) => db.insertInto('queue_entries').values(batch).execute());
  await db
    .insertInto('counters')
    .values({ name: `${QUEUE_ORDER_COUNTER_PREFIX}${queue.workstream}`, value: rows.length })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: rows.length }))
    .execute();
}

/**
 * A store written by 0.1 keeps every work item (with its whole transcript), each workstream's queue and the
 * dashboard index as documents. Work items and their messages become rows, the queue becomes entries in its
 * order, and the index goes (the dashboard is a query now); the other documents stay as they are.
 */
export const documentsToRows: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as Kysely<Database>;
    const items = await db
      .selectFrom('documents')
      .select('body')
      .where('key', 'like', 'workitem/%')
      .execute();
    for (const { body } of items) await moveWorkItem(db, body);
    const queues = await db.selectFrom('documents').select('body').where('key', 'like', 'queue/%').execute();
    for (const { body } of queues) await moveQueue(db, body);
    await db
      .deleteFrom('documents')
      .where((eb) =>
        eb.or([eb('key', 'like', 'workitem/%'), eb('key', 'like', 'queue/%'), eb('key', 'like', 'index/%')]),
      )
      .execute();
  },
};
