import type { Kysely } from 'kysely';
import type { ConversationSummary, CreatedCursor } from '../../app/repositories';
import type { ClosedReason, WorkItemState } from '../../domain/work-item';
import type { Database } from './schema';

type Writers = Map<string, { agentId: string; firstAt: number }[]>;

/** Each agent who wrote in the given conversations and the time of their first line there, earliest first. */
async function writersOf(db: Kysely<Database>, workItemIds: readonly string[]): Promise<Writers> {
  const byItem: Writers = new Map();
  if (workItemIds.length === 0) return byItem;
  const rows = await db
    .selectFrom('messages')
    .select(['work_item_id', 'agent_id', (eb) => eb.fn.min('at').as('first_at')])
    .where('work_item_id', 'in', workItemIds)
    .where('sender', '=', 'agent')
    .where('agent_id', 'is not', null)
    .groupBy(['work_item_id', 'agent_id'])
    .execute();
  for (const row of rows) {
    if (row.agent_id === null) continue;
    const list = byItem.get(row.work_item_id) ?? [];
    // min() of a bigint column comes back as text on PostgreSQL.
    list.push({ agentId: row.agent_id, firstAt: Number(row.first_at) });
    byItem.set(row.work_item_id, list);
  }
  for (const list of byItem.values()) list.sort((a, b) => a.firstAt - b.firstAt);
  return byItem;
}

/** WorkItemRepository.createdBetween: one page by (created_at, id), then the writers of just that page. */
export async function createdBetween(
  db: Kysely<Database>,
  workstream: string,
  range: { readonly from: number; readonly to: number },
  after: CreatedCursor | undefined,
  limit: number,
): Promise<ConversationSummary[]> {
  let query = db
    .selectFrom('work_items')
    // The survey's row, when the customer was asked (one per conversation): its rating once they answered.
    .leftJoin('csat_surveys', 'csat_surveys.work_item_id', 'work_items.id')
    .select([
      'work_items.id as id',
      'work_items.channel_id as channel_id',
      'work_items.title as title',
      'work_items.state as state',
      'work_items.created_at as created_at',
      'work_items.state_changed_at as state_changed_at',
      'work_items.outcome as outcome',
      'work_items.closed_reason as closed_reason',
      'work_items.answered_at as answered_at',
      'work_items.waited_ms as waited_ms',
      'csat_surveys.rating as rating',
    ])
    .where('work_items.workstream', '=', workstream)
    .where('work_items.created_at', '>=', range.from)
    .where('work_items.created_at', '<', range.to);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('work_items.created_at', '>', after.createdAt),
        eb.and([
          eb('work_items.created_at', '=', after.createdAt),
          eb('work_items.id', '>', after.workItemId),
        ]),
      ]),
    );
  }
  const rows = await query.orderBy('work_items.created_at').orderBy('work_items.id').limit(limit).execute();
  const writers = await writersOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row): ConversationSummary => ({
    workItemId: row.id,
    channelId: row.channel_id,
    title: row.title,
    state: row.state as WorkItemState,
    createdAt: row.created_at,
    stateChangedAt: row.state_changed_at,
    ...(row.outcome !== null ? { outcome: row.outcome } : {}),
    ...(row.closed_reason !== null ? { closedReason: row.closed_reason as ClosedReason } : {}),
    writers: writers.get(row.id) ?? [],
    ...(row.rating !== null ? { csat: Number(row.rating) } : {}),
    // Both written together (0026); a bigint may come back as text on PostgreSQL.
    ...(row.answered_at !== null && row.waited_ms !== null
      ? { answered: { at: Number(row.answered_at), waitedMs: Number(row.waited_ms) } }
      : {}),
  }));
}
