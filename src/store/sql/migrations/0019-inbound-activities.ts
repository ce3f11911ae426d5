import type { Kysely, Migration } from 'kysely';

/** A customer's row remembers the channel ids of their latest messages (JSON), so a replayed one is taken once. */
export const inboundActivities: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').addColumn('recent_activity_ids', 'text').execute();
  },
};
