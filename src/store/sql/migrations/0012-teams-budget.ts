import type { Kysely, Migration } from 'kysely';

/**
 * Teams' rate limits as a budget the outbox checks before each call: per recipient (one Teams conversation) the
 * calls made lately, and per tenant the calls reserved in each quarter second, shared by every instance.
 */
export const teamsBudget: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('outbox_recipients').addColumn('call_log', 'text').execute();
    await db.schema
      .createTable('teams_tenant_calls')
      .addColumn('tenant', 'text', (col) => col.notNull())
      .addColumn('slot', 'bigint', (col) => col.notNull())
      .addColumn('calls', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('teams_tenant_calls_pk', ['tenant', 'slot'])
      .execute();
  },
};
