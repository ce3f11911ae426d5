import type { Selectable } from 'kysely';
import type { LatestMessageTime, MessageLog, StoredMessage } from '../../app/repositories';
import type { DeliveryState } from '../../app/views';
import type { SqlDatabase } from './open-database';
import type { MessagesTable } from './schema';
import { ONE_ROW } from './one-row';

function messageOf(row: Selectable<MessagesTable>): StoredMessage {
  return {
    seq: row.seq,
    from: row.sender === 'agent' ? 'agent' : 'customer',
    text: row.text,
    at: row.at,
    ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
    ...(row.score !== null ? { score: row.score } : {}),
    ...(row.delivery_id !== null ? { deliveryId: row.delivery_id } : {}),
    ...(row.delivery_state !== null ? { delivery: row.delivery_state as DeliveryState } : {}),
  };
}

/** Ids bound to one `in` list: well under either database's limit on parameters. */
const IDS_PER_QUERY = 500;

/** Transcript pages by primary key (work item, seq): the cost of a read is the page, not the history. */
export function createMessageLog(database: SqlDatabase): MessageLog {
  const ofItem = (workItemId: string) =>
    database.db.selectFrom('messages').selectAll().where('work_item_id', '=', workItemId);
  return {
    latest: async (workItemId, limit) =>
      (await ofItem(workItemId).orderBy('seq', 'desc').limit(limit).execute()).reverse().map(messageOf),

    before: async (workItemId, seq, limit) =>
      (await ofItem(workItemId).where('seq', '<', seq).orderBy('seq', 'desc').limit(limit).execute())
        .reverse()
        .map(messageOf),

    firstFromCustomer: async (workItemId, since) => {
      let query = ofItem(workItemId).where('sender', '=', 'customer');
      if (since !== undefined) query = query.where('at', '>=', since);
      const row = await query.orderBy('seq').limit(ONE_ROW).executeTakeFirst();
      return row ? messageOf(row) : undefined;
    },

    latestFromCustomer: async (workItemId) => {
      const row = await ofItem(workItemId)
        .where('sender', '=', 'customer')
        .orderBy('seq', 'desc')
        .limit(ONE_ROW)
        .executeTakeFirst();
      return row ? messageOf(row) : undefined;
    },

    latestTimes: async (workItemIds) => {
      const times: LatestMessageTime[] = [];
      for (let start = 0; start < workItemIds.length; start += IDS_PER_QUERY) {
        const rows = await database.db
          .selectFrom('messages')
          .select(['work_item_id', 'sender', 'agent_id', (eb) => eb.fn.max('at').as('at')])
          .where('work_item_id', 'in', workItemIds.slice(start, start + IDS_PER_QUERY))
          .groupBy(['work_item_id', 'sender', 'agent_id'])
          .execute();
        for (const row of rows) {
          times.push({
            workItemId: row.work_item_id,
            from: row.sender === 'agent' ? 'agent' : 'customer',
            ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
            at: Number(row.at),
          });
        }
      }
      return times;
    },

    setDelivery: async (deliveryId, state) => {
      const row = await database.db
        .updateTable('messages')
        .set({ delivery_state: state })
        .where('delivery_id', '=', deliveryId)
        .returning(['work_item_id', 'text'])
        .executeTakeFirst();
      return row ? { workItemId: row.work_item_id, text: row.text } : undefined;
    },
  };
}
