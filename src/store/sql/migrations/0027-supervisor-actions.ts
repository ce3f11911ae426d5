import type { Kysely, Migration } from 'kysely';

/**
 * A supervisor's actions on a conversation: their session on it says whether they monitor it or joined it (the
 * session is the record: nobody else is told), and a queued item's offer says which supervisor assigned it and
 * whether it may take the agent over their capacity.
 */
export const supervisorActions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agent_sessions').addColumn('supervising', 'text').execute();
    await db.schema.alterTable('queue_entries').addColumn('offer_assigned_by', 'text').execute();
    await db.schema
      .alterTable('queue_entries')
      .addColumn('offer_over_capacity', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },
};
