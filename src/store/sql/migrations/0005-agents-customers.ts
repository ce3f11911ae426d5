import type { Kysely, Migration } from 'kysely';

/**
 * Agents, their sessions and customers move from documents to the tables 0001 made for them. Every field of a
 * session had its column but the name a customer gave themselves; customers need no change (their earlier
 * conversations are a query over work items, not a stored list).
 */
export const agentsCustomers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agent_sessions').addColumn('name_given', 'text').execute();
  },
};
