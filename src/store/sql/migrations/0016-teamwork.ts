import type { Kysely, Migration } from 'kysely';

/**
 * Teamwork: a transfer waiting for its target's answer is kept on the work item (the item stays Active with the
 * agent who asked), the asking agent's session row says so, and internal notes are rows of their own, kept with
 * the conversation after it ends.
 */
export const teamwork: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const columns: [string, 'text' | 'bigint'][] = [
      ['transfer_offer_id', 'text'],
      ['transfer_from', 'text'],
      ['transfer_to', 'text'],
      ['transfer_note', 'text'],
      ['transfer_offered_at', 'bigint'],
      ['transfer_expires_at', 'bigint'],
    ];
    for (const [name, type] of columns)
      await db.schema.alterTable('work_items').addColumn(name, type).execute();
    await db.schema
      .createIndex('work_items_by_transfer_expiry')
      .on('work_items')
      .column('transfer_expires_at')
      .execute();
    await db.schema.alterTable('agent_sessions').addColumn('transfer_pending_to', 'text').execute();
    await db.schema
      .createTable('notes')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('work_item_id', 'text', (col) => col.notNull())
      .addColumn('author_id', 'text', (col) => col.notNull())
      .addColumn('author_name', 'text', (col) => col.notNull())
      .addColumn('at', 'bigint', (col) => col.notNull())
      .addColumn('text', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('notes_by_work_item').on('notes').columns(['work_item_id', 'at']).execute();
  },
};
