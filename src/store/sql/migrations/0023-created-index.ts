import type { Kysely, Migration } from 'kysely';

/** The supervisors' CSV export reads conversations by creation time, a page at a time: an index, not a scan. */
export const createdIndex: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('work_items_by_created')
      .on('work_items')
      .columns(['workstream', 'created_at', 'id'])
      .execute();
  },
};
