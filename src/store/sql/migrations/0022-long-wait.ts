import type { Kysely, Migration } from 'kysely';

/** When a queued customer was told their wait is longer than usual (MAX_QUEUE_WAIT_S with the `wait` action). */
export const longWait: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('position_notices').addColumn('long_wait_told_at', 'bigint').execute();
  },
};
