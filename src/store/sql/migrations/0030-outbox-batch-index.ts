import type { Kysely, Migration } from 'kysely';

/**
 * The index on (recipient, batch, seq) goes: every relayed message was written to it and taken out of it again, a
 * sixth of the outbox's index writes, for a read made only while Teams' budget is short (the entries of a batch
 * behind the head), which the queue-order index serves as well: a chat's queue is relayed messages with a panel
 * render or an offer between them, so the entries after the head are nearly all of its batch.
 */
export const outboxBatchIndex: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('outbox_entries_by_batch').execute();
  },
};
