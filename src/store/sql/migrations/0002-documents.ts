import type { Kysely, Migration } from 'kysely';

/**
 * The documents table StateStore keeps its items in. `if not exists`, because 0.1's SqliteStorage made this very
 * table in data/relaydesk.db: such a file migrates without losing a document or an eTag.
 */
export const documents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('documents')
      .ifNotExists()
      .addColumn('key', 'text', (col) => col.primaryKey())
      .addColumn('etag', 'text', (col) => col.notNull())
      .addColumn('body', 'text', (col) => col.notNull())
      .execute();
  },
};
