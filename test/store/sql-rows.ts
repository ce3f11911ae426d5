import type { Insertable, Kysely } from 'kysely';
import type { Database, TableName } from '../../src/store/sql';

/** Epoch ms past 2^32, so a column that only took 32 bits would show it. */
export const T0 = 1_767_225_600_000;

type Rows = { readonly [Table in TableName]: Insertable<Database[Table]> };

/**
 * One row for every table with every column given, defaults too: a storage round trip, so the values need not
 * make one consistent desk.
 */
export const EVERY_TABLE: Rows = {
  webchat_conversations: {
    id: 'AQEBAQEBAQEBAQEBAQEBAQ',
    user_id: 'dl-AgICAgICAgICAgIC',
    last_used_at: T0 + 30,
    next_seq: 3,
  },
  webchat_activities: {
    conversation_id: 'AQEBAQEBAQEBAQEBAQEBAQ',
    seq: 2,
    activity_id: 'AQEBAQEBAQEBAQEBAQEBAQ|0000002',
    relaydesk_id: 'r-1',
    json: JSON.stringify({ type: 'message', text: 'Queued' }),
    bytes: 38,
  },
  webchat_tokens: {
    token_id: 'AwMDAwMDAwMDAwMD',
    conversation_id: 'AQEBAQEBAQEBAQEBAQEBAQ',
    digest: 'ab'.repeat(32),
    expires_at: T0 + 31,
    issued_order: 1,
  },
  agents: {
    agent_key: 'agent-ada',
    name: 'Ada Agent',
    presence: 'busy',
    panel_mode: 'collapsed',
    focused_session_id: 'wi-1',
    last_offered_at: T0 + 1,
    first_seen_at: T0,
    revision: 7,
  },
  agent_sessions: {
    agent_key: 'agent-ada',
    session_id: 'wi-1',
    kind: 'conversation',
    title: 'Visitor 12',
    read_only: 0,
    unread: 3,
    sentiment: 'Slightly negative',
    opened_at: T0 + 2,
    opened_order: 1,
    draft_reply: 'Let me check that for you',
    draft_case_fields: JSON.stringify({ title: 'Refund', priority: 'High' }),
    name_given: 'Grace',
    transfer_pending_to: 'Grace Hopper',
    wrap_up_since: T0 + 900,
    consult: null,
    supervising: 'monitoring',
  },
  customers: {
    id: 'webchat:visitor-12',
    channel_id: 'webchat',
    user_id: 'visitor-12',
    contact_name: 'Grace Customer',
    account_name: 'Contoso',
    case_title: 'Late parcel',
    visitor_number: 12,
    latest_work_item_id: 'wi-1',
    rate_window_started_at: T0 + 3,
    rate_window_count: 4,
    recent_activity_ids: '["in-1","in-2"]',
    version: 2,
  },
  work_items: {
    id: 'wi-1',
    workstream: 'default',
    customer_id: 'webchat:visitor-12',
    channel_id: 'webchat',
    customer_identity: JSON.stringify({ visitorNumber: 12 }),
    title: 'Visitor 12',
    state: 'active',
    created_at: T0,
    state_changed_at: T0 + 4,
    waiting_since: T0,
    assigned_agent_id: 'agent-ada',
    last_agent_id: 'agent-ada',
    closed_reason: 'ended',
    customer_left_at: T0 + 5,
    sentiment_scores: JSON.stringify([-0.25, 0.5]),
    customer_message_count: 2,
    last_message_seq: 1,
    name_given: 'Grace',
    preview: 'My parcel arrived late',
    case_title: 'Refund',
    case_description: 'Parcel arrived late',
    case_priority: 'High',
    case_saved_at: T0 + 6,
    case_saved_by: 'agent-ada',
    transfer_offer_id: 'offer-7',
    transfer_from: 'agent-ada',
    transfer_to: 'agent-grace',
    transfer_note: 'Wants a refund; order 1234',
    transfer_offered_at: T0 + 500,
    transfer_expires_at: T0 + 120_500,
    outcome: 'Resolved',
    consultants: 0,
    answered_at: T0 + 9,
    waited_ms: 95_000,
    returned_from_agent_id: 'agent-grace',
    returned_at: T0 + 8,
    version: 5,
  },
  messages: {
    work_item_id: 'wi-1',
    seq: 1,
    sender: 'agent',
    text: 'Hello Grace — how can I help? 👋',
    at: T0 + 7,
    agent_id: 'agent-ada',
    score: -0.123456789,
    delivery_id: 'send-1',
    delivery_state: 'delivered',
  },
  prechat_answers: { work_item_id: 'wi-1', position: 0, question: 'Your order number?', answer: 'A-1234' },
  queue_entries: {
    work_item_id: 'wi-1',
    workstream: 'default',
    enqueued_at: T0,
    preferred_agent_id: 'agent-ada',
    offer_id: 'offer-1',
    offer_agent_id: 'agent-ada',
    offered_at: T0 + 8,
    offer_expires_at: T0 + 60_008,
    declined_agent_id: 'agent-bob',
    declined_reason: 'missed',
    declined_at: T0 + 9,
    declined_until: T0 + 300_009,
    claim_agent_id: 'agent-ada',
    claimed_at: T0 + 10,
    claim_via: 'accept',
    claim_offer_id: 'offer-1',
    offer_assigned_by: 'agent-sam',
    offer_over_capacity: 1,
    version: 3,
    ordinal: 1,
  },
  contacts: {
    customer_id: 'webchat:visitor-12',
    channel_id: 'webchat',
    user_id: 'visitor-12',
    contact_name: 'Grace Customer',
    account_name: 'Contoso',
    case_title: 'Late parcel',
  },
  counters: { name: 'outbox-test', value: 41 },
  outbox_recipients: {
    recipient: 'agent:agent-ada',
    owner_kind: 'agent',
    owner_id: 'agent-ada',
    next_seq: 2,
    backoff_failures: 1,
    backoff_not_before: T0 + 11,
    backoff_status: 429,
    lease_holder: 'instance-a',
    lease_until: T0 + 12,
    call_log: JSON.stringify({ recent: [T0 + 10], minutes: [[T0, 1]] }),
  },
  teams_tenant_calls: { tenant: 'tenant-contoso', slot: T0 + 250, calls: 7 },
  quick_replies: {
    id: 'qr-1',
    agent_key: 'agent-ada',
    title: 'Refund on its way',
    text: 'Hi {customerName}, your refund is on its way.',
    tags: JSON.stringify(['refund', 'billing']),
    version: 3,
    created_at: T0 + 600,
    updated_at: T0 + 700,
  },
  notes: {
    id: 'note-1',
    work_item_id: 'wi-1',
    author_id: 'agent-ada',
    author_name: 'Ada Lovelace',
    at: T0 + 400,
    text: 'Customer prefers email follow-up',
  },
  consultants: {
    work_item_id: 'wi-1',
    agent_key: 'agent-ada',
    agent_name: 'Ada Lovelace',
    invited_at: T0 + 410,
    added: 1,
  },
  agent_away: {
    agent_key: 'agent-ada',
    since: T0 + 440,
  },
  csat_surveys: {
    work_item_id: 'wi-1',
    survey_id: 'survey-1',
    customer_id: 'webchat:visitor-12',
    workstream: 'default',
    agent_id: 'agent-ada',
    asked_at: T0 + 450,
    rating: 4,
    comment: 'Quick and kind',
    answered_at: T0 + 460,
  },
  position_notices: {
    work_item_id: 'wi-1',
    position: 3,
    told_at: T0 + 430,
    long_wait_told_at: T0 + 431,
  },
  consult_notes: {
    id: 'consult-note-1',
    work_item_id: 'wi-1',
    author_id: 'agent-ada',
    author_name: 'Ada Lovelace',
    at: T0 + 420,
    text: 'Is order 1234 covered by the refund policy?',
  },
  outbox_entries: {
    id: 'entry-1',
    recipient: 'agent:agent-ada',
    seq: 1,
    relaydesk_id: 'send-2',
    slot: 'panel',
    version: 7,
    replaces: 'activity-0',
    reply_to_id: 'activity-00',
    label: 'panel',
    activity: JSON.stringify({ type: 'message', attachments: [{ contentType: 'card' }] }),
    enqueued_at: T0 + 13,
    priority: 2,
    view: JSON.stringify({ kind: 'panel', agentName: 'Ada' }),
    batch: 'relay',
  },
  outbox_slot_versions: { recipient: 'agent:agent-ada', slot: 'panel', version: 7 },
  card_slots: {
    agent_key: 'agent-ada',
    slot: 'panel',
    activity_id: 'activity-1',
    conversation_id: 'a:conversation',
    updated_at: T0 + 14,
  },
  conversation_references: {
    owner_kind: 'customer',
    owner_id: 'webchat:visitor-12',
    reference: JSON.stringify({ channelId: 'webchat', conversation: { id: 'c-1' } }),
    updated_at: T0 + 15,
  },
  prechat_states: {
    customer_id: 'webchat:visitor-12',
    revision: 2,
    dialog_state: JSON.stringify({ dialogStack: [{ id: 'prechat' }] }),
  },
  documents: {
    key: 'agent/agent-ada',
    etag: '0b7e9a52-3c1d-4f0e-8a6b-2d9c4e1f7a35',
    body: '{"presence":"available"}',
  },
  agent_tabs: { agent_key: 'agent-ada', instance_id: 'instance-1', open_streams: 2, seen_at: T0 + 7 },
};

/** A customer with an Open work item, queued; `offer` puts a live offer on it. */
export async function seedQueuedItem(
  trx: Kysely<Database>,
  workItemId: string,
  offer?: { readonly offerId: string; readonly agentId: string; readonly expiresAt: number },
): Promise<void> {
  const customerId = `webchat:${workItemId}`;
  await trx
    .insertInto('customers')
    .values({ id: customerId, channel_id: 'webchat', user_id: workItemId })
    .execute();
  await trx
    .insertInto('work_items')
    .values({
      id: workItemId,
      workstream: 'default',
      customer_id: customerId,
      channel_id: 'webchat',
      customer_identity: '{}',
      title: workItemId,
      state: 'open',
      created_at: T0,
      state_changed_at: T0,
      waiting_since: T0,
    })
    .execute();
  await trx
    .insertInto('queue_entries')
    .values({
      work_item_id: workItemId,
      workstream: 'default',
      enqueued_at: T0,
      ...(offer
        ? {
            offer_id: offer.offerId,
            offer_agent_id: offer.agentId,
            offered_at: T0,
            offer_expires_at: offer.expiresAt,
          }
        : {}),
    })
    .execute();
}

export async function countRows(db: Kysely<Database>, table: TableName): Promise<number> {
  const { count } = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
