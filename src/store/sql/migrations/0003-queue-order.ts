import { sql, type Kysely, type Migration } from 'kysely';

/** The counters row of a workstream's queue order is named this, then the workstream. */
export const QUEUE_ORDER_COUNTER_PREFIX = 'queue-order:';

/**
 * The queue's order becomes a column of its own: `ordinal`, per workstream, taken from a counters row at insert,
 * so an entry that comes back or shares its enqueue time still has a place. Existing rows are numbered in the
 * order they had (enqueued_at, then work_item_id) and each workstream's counter starts after its last row.
 */
export const queueOrder: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // SQLite adds a NOT NULL column only with a default; every existing row is numbered just below.
    await db.schema
      .alterTable('queue_entries')
      .addColumn('ordinal', 'bigint', (col) => col.notNull().defaultTo(0))
      .execute();
    await sql`
      update queue_entries set ordinal = (
        select count(*) from queue_entries as earlier
        where earlier.workstream = queue_entries.workstream
          and (earlier.enqueued_at < queue_entries.enqueued_at
            or (earlier.enqueued_at = queue_entries.enqueued_at
              and earlier.work_item_id <= queue_entries.work_item_id)))
    `.execute(db);
    await sql`
      insert into counters (name, value)
      select ${sql.lit(QUEUE_ORDER_COUNTER_PREFIX)} || workstream, max(ordinal) from queue_entries group by workstream
    `.execute(db);
    // Superseded: the order is the ordinal now, and offers are looked up per workstream.
    await db.schema.dropIndex('queue_entries_in_order').execute();
    await db.schema.dropIndex('queue_entries_by_offer_agent').execute();
    await db.schema
      .createIndex('queue_entries_in_order')
      .on('queue_entries')
      .columns(['workstream', 'ordinal'])
      .execute();
    await db.schema
      .createIndex('queue_entries_by_offer_agent')
      .on('queue_entries')
      .columns(['workstream', 'offer_agent_id'])
      .execute();
  },
};
