import type { Kysely, Migration } from 'kysely';

/**
 * Each agent's own quick replies, one row each (the team's shared set is a file, QUICK_REPLIES_FILE, never
 * stored). Tags are a JSON array; `version` counts changes, so an edit made from a stale view is refused.
 */
export const quickReplies: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('quick_replies')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('agent_key', 'text', (col) => col.notNull())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('tags', 'text', (col) => col.notNull().defaultTo('[]'))
      .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    // Every read is one agent's: listed, counted, or one row checked to be theirs.
    await db.schema
      .createIndex('quick_replies_by_agent')
      .on('quick_replies')
      .columns(['agent_key', 'title'])
      .execute();
  },
};
