import type { Kysely, Migration } from 'kysely';

/**
 * An agent's card is kept as its view and rendered when it is sent (a superseded render then costs nothing, and
 * the panel can say that delivery is paced); relayed messages carry a batch name, so those waiting for one chat
 * while Teams' budget is short go out as one card.
 */
export const outboxBatches: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('outbox_entries').addColumn('view', 'text').execute();
    await db.schema.alterTable('outbox_entries').addColumn('batch', 'text').execute();
    await db.schema
      .createIndex('outbox_entries_by_batch')
      .on('outbox_entries')
      .columns(['recipient', 'batch', 'seq'])
      .execute();
  },
};
