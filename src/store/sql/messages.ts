import type { Insertable, Kysely } from 'kysely';
import { compiledOnce } from './compiled-once';
import type { Database, MessagesTable } from './schema';

export interface NewMessage {
  readonly sender: 'customer' | 'agent';
  readonly text: string;
  readonly at: number;
  readonly agentId?: string;
  readonly score?: number;
  readonly deliveryId?: string;
  readonly deliveryState?: 'sending' | 'delivered' | 'not-delivered';
}

/**
 * Appends a message to a work item's transcript and returns its sequence number, 1 for the first. Call it
 * inside a transaction: the number is taken by bumping the work item's counter, whose row lock (PostgreSQL) or
 * write lock (SQLite) holds other appends to the same conversation until this one commits, so the numbers have
 * neither gaps nor duplicates. The work item's version is left alone: a message does not conflict with a change
 * of state. `taken` is a number this transaction already took with its update of the item (the repository's
 * record), used as it is.
 */
export async function appendMessage(
  trx: Kysely<Database>,
  workItemId: string,
  message: NewMessage,
  taken?: number,
): Promise<number> {
  let seq = taken;
  if (seq === undefined) {
    const bumped = (await takeMessageSeq(trx, { workItemId })).rows[0];
    if (!bumped) throw new Error(`There is no work item ${workItemId} to append a message to.`);
    seq = bumped.last_message_seq;
  }
  await insertMessage(trx, {
    work_item_id: workItemId,
    seq,
    sender: message.sender,
    text: message.text,
    at: message.at,
    agent_id: message.agentId ?? null,
    score: message.score ?? null,
    delivery_id: message.deliveryId ?? null,
    delivery_state: message.deliveryState ?? null,
  });
  return seq;
}

const takeMessageSeq = compiledOnce((db, v: { workItemId: string }) =>
  db
    .updateTable('work_items')
    .set((eb) => ({ last_message_seq: eb('last_message_seq', '+', 1) }))
    .where('id', '=', v.workItemId)
    .returning('last_message_seq'),
);

const insertMessage = compiledOnce((db, v: Required<Insertable<MessagesTable>>) =>
  db.insertInto('messages').values({
    work_item_id: v.work_item_id,
    seq: v.seq,
    sender: v.sender,
    text: v.text,
    at: v.at,
    agent_id: v.agent_id,
    score: v.score,
    delivery_id: v.delivery_id,
    delivery_state: v.delivery_state,
  }),
);
