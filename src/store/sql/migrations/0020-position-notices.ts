import type { Kysely, Migration } from 'kysely';

/** What each queued customer was last told of their place in the queue, and when (a row while they wait). */
export const positionNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('position_notices')
      .addColumn('work_item_id', 'text', (col) => col.primaryKey())
      .addColumn('position', 'integer', (col) => col.notNull())
      .addColumn('told_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
