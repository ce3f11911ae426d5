import type { Kysely, Migration } from 'kysely';

/**
 * When an agent last took a conversation from the queue and how long its customer had waited: queued customers
 * are told the average of the last hour's waits, read by the index.
 */
export const answeredWaits: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column a statement: SQLite adds no more.
    await db.schema.alterTable('work_items').addColumn('answered_at', 'bigint').execute();
    await db.schema.alterTable('work_items').addColumn('waited_ms', 'bigint').execute();
    await db.schema
      .createIndex('work_items_by_answered')
      .on('work_items')
      .columns(['workstream', 'answered_at'])
      .execute();
  },
};
