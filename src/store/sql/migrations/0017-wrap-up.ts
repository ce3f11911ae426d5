import type { Kysely, Migration } from 'kysely';

/** Wrap-up: an ended conversation's session stays on the agent's panel until Finish, which records an outcome. */
export const wrapUp: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agent_sessions').addColumn('wrap_up_since', 'bigint').execute();
    await db.schema.alterTable('work_items').addColumn('outcome', 'text').execute();
  },
};
