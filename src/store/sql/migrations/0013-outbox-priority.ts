import type { Kysely, Migration } from 'kysely';

/**
 * When Teams' budget is short, what an agent needs first goes first: offers, then relayed messages and replies, then
 * panel refreshes. Delivery order within a recipient becomes (priority, seq); entries queued before are all 1.
 */
export const outboxPriority: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('outbox_entries')
      .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createIndex('outbox_entries_by_priority')
      .on('outbox_entries')
      .columns(['recipient', 'priority', 'seq'])
      .execute();
  },
};
