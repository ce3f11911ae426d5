import { sql, type Kysely, type Migration } from 'kysely';

/** Ids and names are text, times epoch-ms bigints, flags 0/1 integers, JSON text: one meaning on both dialects. */
async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('agent_key', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('presence', 'text', (col) => col.notNull())
    .addColumn('panel_mode', 'text', (col) => col.notNull().defaultTo('expanded'))
    .addColumn('focused_session_id', 'text', (col) => col.notNull().defaultTo('home'))
    .addColumn('last_offered_at', 'bigint')
    .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('agent_sessions')
    .addColumn('agent_key', 'text', (col) => col.notNull().references('agents.agent_key').onDelete('cascade'))
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('read_only', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('unread', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('sentiment', 'text', (col) => col.notNull())
    .addColumn('opened_at', 'bigint', (col) => col.notNull())
    .addColumn('opened_order', 'integer', (col) => col.notNull())
    .addColumn('draft_reply', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('draft_case_fields', 'text', (col) => col.notNull().defaultTo('{}'))
    .addPrimaryKeyConstraint('agent_sessions_pk', ['agent_key', 'session_id'])
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('account_name', 'text')
    .addColumn('case_title', 'text')
    .addColumn('visitor_number', 'integer', (col) => col.unique())
    .addColumn('latest_work_item_id', 'text')
    .addColumn('rate_window_started_at', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rate_window_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('work_items')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workstream', 'text', (col) => col.notNull())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('customer_identity', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('state_changed_at', 'bigint', (col) => col.notNull())
    .addColumn('waiting_since', 'bigint', (col) => col.notNull())
    .addColumn('assigned_agent_id', 'text')
    .addColumn('last_agent_id', 'text')
    .addColumn('closed_reason', 'text')
    .addColumn('customer_left_at', 'bigint')
    .addColumn('sentiment_scores', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('customer_message_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_message_seq', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('name_given', 'text')
    .addColumn('preview', 'text')
    .addColumn('case_title', 'text')
    .addColumn('case_description', 'text')
    .addColumn('case_priority', 'text')
    .addColumn('case_saved_at', 'bigint')
    .addColumn('case_saved_by', 'text')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('work_item_id', 'text', (col) => col.notNull().references('work_items.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('sender', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('score', 'double precision')
    .addColumn('delivery_id', 'text')
    .addColumn('delivery_state', 'text')
    .addPrimaryKeyConstraint('messages_pk', ['work_item_id', 'seq'])
    .execute();

  await db.schema
    .createTable('prechat_answers')
    .addColumn('work_item_id', 'text', (col) => col.notNull().references('work_items.id').onDelete('cascade'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('question', 'text', (col) => col.notNull())
    .addColumn('answer', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('prechat_answers_pk', ['work_item_id', 'position'])
    .execute();

  await db.schema
    .createTable('queue_entries')
    .addColumn('work_item_id', 'text', (col) =>
      col.primaryKey().references('work_items.id').onDelete('cascade'),
    )
    .addColumn('workstream', 'text', (col) => col.notNull())
    .addColumn('enqueued_at', 'bigint', (col) => col.notNull())
    .addColumn('preferred_agent_id', 'text')
    .addColumn('offer_id', 'text')
    .addColumn('offer_agent_id', 'text')
    .addColumn('offered_at', 'bigint')
    .addColumn('offer_expires_at', 'bigint')
    .addColumn('declined_agent_id', 'text')
    .addColumn('declined_reason', 'text')
    .addColumn('declined_at', 'bigint')
    .addColumn('declined_until', 'bigint')
    .addColumn('claim_agent_id', 'text')
    .addColumn('claimed_at', 'bigint')
    .addColumn('claim_via', 'text')
    .addColumn('claim_offer_id', 'text')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('customer_id', 'text', (col) => col.primaryKey())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('account_name', 'text')
    .addColumn('case_title', 'text')
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('outbox_recipients')
    .addColumn('recipient', 'text', (col) => col.primaryKey())
    .addColumn('owner_kind', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'text', (col) => col.notNull())
    .addColumn('next_seq', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('backoff_failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('backoff_not_before', 'bigint')
    .addColumn('backoff_status', 'integer')
    .addColumn('lease_holder', 'text')
    .addColumn('lease_until', 'bigint')
    .execute();

  await db.schema
    .createTable('outbox_entries')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('recipient', 'text', (col) =>
      col.notNull().references('outbox_recipients.recipient').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('relaydesk_id', 'text', (col) => col.notNull())
    .addColumn('slot', 'text')
    .addColumn('version', 'integer')
    .addColumn('replaces', 'text')
    .addColumn('reply_to_id', 'text')
    .addColumn('label', 'text')
    .addColumn('activity', 'text', (col) => col.notNull())
    .addColumn('enqueued_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('outbox_entries_recipient_seq', ['recipient', 'seq'])
    .execute();

  await db.schema
    .createTable('outbox_slot_versions')
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('slot', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('outbox_slot_versions_pk', ['recipient', 'slot'])
    .execute();

  await db.schema
    .createTable('card_slots')
    .addColumn('agent_key', 'text', (col) => col.notNull())
    .addColumn('slot', 'text', (col) => col.notNull())
    .addColumn('activity_id', 'text', (col) => col.notNull())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('card_slots_pk', ['agent_key', 'slot'])
    .execute();

  await db.schema
    .createTable('conversation_references')
    .addColumn('owner_kind', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'text', (col) => col.notNull())
    .addColumn('reference', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('conversation_references_pk', ['owner_kind', 'owner_id'])
    .execute();

  await db.schema
    .createTable('prechat_states')
    .addColumn('customer_id', 'text', (col) => col.primaryKey())
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('dialog_state', 'text')
    .execute();
}

/** The indexes behind the queue order and the dashboard's questions. */
async function createIndexes(db: Kysely<unknown>): Promise<void> {
  const notNull = (column: string) => sql<boolean>`${sql.ref(column)} is not null`;
  const indexes = [
    // Open items oldest first; Waiting items past their period.
    db.schema
      .createIndex('work_items_by_waiting')
      .on('work_items')
      .columns(['workstream', 'state', 'waiting_since']),
    // Closed today, ended in a period.
    db.schema
      .createIndex('work_items_by_state_change')
      .on('work_items')
      .columns(['workstream', 'state', 'state_changed_at']),
    // Active items of an agent.
    db.schema.createIndex('work_items_by_agent').on('work_items').columns(['assigned_agent_id', 'state']),
    // A customer's conversations, newest first.
    db.schema.createIndex('work_items_by_customer').on('work_items').columns(['customer_id', 'created_at']),
    db.schema
      .createIndex('messages_by_delivery_id')
      .unique()
      .on('messages')
      .column('delivery_id')
      .where(notNull('delivery_id')),
    // Who has a conversation's session open.
    db.schema.createIndex('agent_sessions_by_session').on('agent_sessions').column('session_id'),
    // The queue in order.
    db.schema
      .createIndex('queue_entries_in_order')
      .on('queue_entries')
      .columns(['workstream', 'enqueued_at', 'work_item_id']),
    db.schema
      .createIndex('queue_entries_by_offer')
      .unique()
      .on('queue_entries')
      .column('offer_id')
      .where(notNull('offer_id')),
    db.schema
      .createIndex('queue_entries_by_offer_expiry')
      .on('queue_entries')
      .column('offer_expires_at')
      .where(notNull('offer_expires_at')),
    db.schema
      .createIndex('queue_entries_by_offer_agent')
      .on('queue_entries')
      .column('offer_agent_id')
      .where(notNull('offer_agent_id')),
    db.schema
      .createIndex('queue_entries_by_claim_agent')
      .on('queue_entries')
      .column('claim_agent_id')
      .where(notNull('claim_agent_id')),
  ];
  for (const index of indexes) await index.execute();
}

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createTables(db);
    await createIndexes(db);
    await sql`insert into counters (name, value) values ('visitor', 0)`.execute(db);
  },
};
