import type { Kysely, Migration } from 'kysely';

/**
 * The local Direct Line channel's conversations, transcripts and token digests (WEBCHAT=local), which lived in
 * their own `webchat.db` beside the SQLite file before: in the desk's database they outlive a restart on every
 * backend. A file left by an earlier release is imported at the first start (webchat-file-import.ts).
 */
export const webchatArchive: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('webchat_conversations')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint', (col) => col.notNull())
      .addColumn('next_seq', 'integer', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('webchat_activities')
      .addColumn('conversation_id', 'text', (col) => col.notNull())
      .addColumn('seq', 'integer', (col) => col.notNull())
      .addColumn('activity_id', 'text', (col) => col.notNull())
      .addColumn('relaydesk_id', 'text')
      .addColumn('json', 'text', (col) => col.notNull())
      .addColumn('bytes', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('webchat_activities_pk', ['conversation_id', 'seq'])
      .execute();
    await db.schema
      .createTable('webchat_tokens')
      .addColumn('token_id', 'text', (col) => col.primaryKey())
      .addColumn('conversation_id', 'text', (col) => col.notNull())
      // sha256 of the secret, hex: text reads the same on both backends, and the secret is never stored.
      .addColumn('digest', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('issued_order', 'integer', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('webchat_tokens_conversation')
      .on('webchat_tokens')
      .columns(['conversation_id', 'issued_order'])
      .execute();
  },
};
