import type { Kysely, Migration } from 'kysely';

/**
 * Consult: who consults on a conversation (a row each, counted on the work item so a relayed customer message
 * reads them only when there are some), a consultant's session says it is one, and the private consult thread is
 * rows of its own, kept with the conversation after it ends.
 */
export const consult: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('work_items')
      .addColumn('consultants', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('agent_sessions').addColumn('consult', 'text').execute();
    await db.schema
      .createTable('consultants')
      .addColumn('work_item_id', 'text', (col) => col.notNull())
      .addColumn('agent_key', 'text', (col) => col.notNull())
      .addColumn('agent_name', 'text', (col) => col.notNull())
      .addColumn('invited_at', 'bigint', (col) => col.notNull())
      .addColumn('added', 'integer', (col) => col.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('consultants_pk', ['work_item_id', 'agent_key'])
      .execute();
    await db.schema
      .createTable('consult_notes')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('work_item_id', 'text', (col) => col.notNull())
      .addColumn('author_id', 'text', (col) => col.notNull())
      .addColumn('author_name', 'text', (col) => col.notNull())
      .addColumn('at', 'bigint', (col) => col.notNull())
      .addColumn('text', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('consult_notes_by_work_item')
      .on('consult_notes')
      .columns(['work_item_id', 'at'])
      .execute();
  },
};
