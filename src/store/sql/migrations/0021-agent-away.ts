import type { Kysely, Migration } from 'kysely';

/** When the sweeper first found an agent with Active conversations away (Offline, or silent): a row while it lasts. */
export const agentAway: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agent_away')
      .addColumn('agent_key', 'text', (col) => col.primaryKey())
      .addColumn('since', 'bigint', (col) => col.notNull())
      .execute();
  },
};
