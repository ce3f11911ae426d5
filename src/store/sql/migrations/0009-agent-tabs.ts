import type { Kysely, Migration } from 'kysely';

/**
 * The workspace tabs open on each instance: one row per instance and agent with its open event streams and when
 * the instance last vouched for them, so routing on any instance can reach an agent whose only tab is elsewhere.
 */
export const agentTabs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agent_tabs')
      .addColumn('agent_key', 'text', (col) => col.notNull())
      .addColumn('instance_id', 'text', (col) => col.notNull())
      .addColumn('open_streams', 'integer', (col) => col.notNull())
      .addColumn('seen_at', 'bigint', (col) => col.notNull())
      // Agent first: routing asks by agent; an instance's own rows are few and found by a scan.
      .addPrimaryKeyConstraint('agent_tabs_pk', ['agent_key', 'instance_id'])
      .execute();
  },
};
