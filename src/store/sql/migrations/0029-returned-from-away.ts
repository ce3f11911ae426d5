import type { Kysely, Migration } from 'kysely';

/** Who a conversation was last taken back from for being away, and when: the Floor marks it in the queue. */
export const returnedFromAway: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column a statement: SQLite adds no more.
    await db.schema.alterTable('work_items').addColumn('returned_from_agent_id', 'text').execute();
    await db.schema.alterTable('work_items').addColumn('returned_at', 'bigint').execute();
  },
};
