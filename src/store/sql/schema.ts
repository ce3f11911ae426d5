import type { ColumnType } from 'kysely';
import type { SupervisionTables } from './supervision-tables';
import type { ConsultNotesTable, ConsultantsTable, NotesTable } from './consult-tables';

/**
 * The desk's tables as Kysely sees them. Every type here reads the same on SQLite and PostgreSQL: ids are text,
 * times are epoch milliseconds (bigint, read back as number), flags are 0/1 integers, JSON is text.
 */

/** Epoch milliseconds. */
type Millis = number;
/** A 0/1 flag: SQLite has no boolean type, so both dialects store an integer. */
type Flag = 0 | 1;
/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface AgentsTable {
  /** The agent's AGENT_IDS entry, their key everywhere. */
  agent_key: string;
  name: string;
  presence: string;
  panel_mode: Defaulted<string>;
  focused_session_id: Defaulted<string>;
  last_offered_at: Millis | null;
  first_seen_at: Millis;
  /** Counts writes: conditional updates check it, and a panel card carries the revision it was rendered from. */
  revision: Defaulted<number>;
}

/** One panel row of an agent (Home is implicit); `opened_order` keeps the opening order. */
export interface AgentSessionsTable {
  agent_key: string;
  session_id: string;
  kind: string;
  title: string;
  read_only: Defaulted<Flag>;
  unread: Defaulted<number>;
  sentiment: string;
  opened_at: Millis;
  opened_order: number;
  draft_reply: Defaulted<string>;
  /** JSON object: case form field → unsaved value. */
  draft_case_fields: Defaulted<string>;
  /** The name the customer gave themselves, shown beside the "Visitor N" title (from 0005). */
  name_given: string | null;
  /** The display name of the agent a transfer of this conversation waits for (from 0016). */
  transfer_pending_to: string | null;
  /** When the conversation was ended and its wrap-up began (from 0017). */
  wrap_up_since: Millis | null;
  /** A consult session's role, 'watching' or 'added' (from 0018); null for every other session. */
  consult: string | null;
  /** A supervisor's session on a conversation, 'monitoring' or 'joined' (from 0027); null for every other one. */
  supervising: string | null;
}

/** A customer is `channelId:userId`. */
export interface CustomersTable {
  id: string;
  channel_id: string;
  user_id: string;
  contact_name: string | null;
  account_name: string | null;
  case_title: string | null;
  visitor_number: number | null;
  latest_work_item_id: string | null;
  rate_window_started_at: Defaulted<Millis>;
  rate_window_count: Defaulted<number>;
  /** JSON: the channel ids of the customer's latest messages taken, oldest first. */
  recent_activity_ids: string | null;
  version: Defaulted<number>;
}

/** A conversation, its state and what the dashboard shows of it; its messages are rows of their own. */
export interface WorkItemsTable {
  id: string;
  workstream: string;
  customer_id: string;
  channel_id: string;
  /** JSON: the customer's identity as it was when the item opened (its title was made from it). */
  customer_identity: string;
  title: string;
  state: string;
  created_at: Millis;
  state_changed_at: Millis;
  /** When the customer last started waiting for an agent (queued or re-queued). */
  waiting_since: Millis;
  assigned_agent_id: string | null;
  last_agent_id: string | null;
  closed_reason: string | null;
  customer_left_at: Millis | null;
  /** JSON array of the latest customer message scores, newest last. */
  sentiment_scores: Defaulted<string>;
  customer_message_count: Defaulted<number>;
  /** The sequence number of the latest message; the next one takes this plus one, in the same transaction. */
  last_message_seq: Defaulted<number>;
  name_given: string | null;
  /** The customer's first words, cut short, for the dashboard. */
  preview: string | null;
  case_title: string | null;
  case_description: string | null;
  case_priority: string | null;
  case_saved_at: Millis | null;
  case_saved_by: string | null;
  /** A transfer waiting for its target's answer (from 0016): all six set, or none. */
  transfer_offer_id: string | null;
  transfer_from: string | null;
  transfer_to: string | null;
  transfer_note: string | null;
  transfer_offered_at: Millis | null;
  transfer_expires_at: Millis | null;
  /** The wrap-up's outcome, set when it is finished (from 0017). */
  outcome: string | null;
  /** How many colleagues consult on it (from 0018); the rows are in `consultants`. */
  consultants: Defaulted<number>;
  /** When an agent last took it from the queue, and the customer's wait until then (from 0026). */
  answered_at: Millis | null;
  waited_ms: number | null;
  /** Who it was last taken back from for being away, and when (from 0029): both set, or neither. */
  returned_from_agent_id: string | null;
  returned_at: Millis | null;
  version: Defaulted<number>;
}

/** An agent's own quick reply (from 0015); the team's shared set is a file, never stored. */
export interface QuickRepliesTable {
  id: string;
  agent_key: string;
  title: string;
  text: string;
  /** JSON array of tags, lower case, without `#`. */
  tags: Defaulted<string>;
  version: Defaulted<number>;
  created_at: Millis;
  updated_at: Millis;
}

/** The transcript, append-only; `seq` is the message's order within its work item. */
export interface MessagesTable {
  work_item_id: string;
  seq: number;
  sender: string;
  text: string;
  at: Millis;
  agent_id: string | null;
  score: number | null;
  /** An agent message's send id (the outbox's relaydeskId). */
  delivery_id: string | null;
  delivery_state: string | null;
}

export interface PrechatAnswersTable {
  work_item_id: string;
  position: number;
  question: string;
  answer: string;
}

/**
 * The queue: one row per work item waiting for an agent, in `ordinal` order per workstream (an item that comes
 * back keeps its row, so its place). At most one live offer, the last decline, and the claim of an agent who took it.
 */
export interface QueueEntriesTable {
  work_item_id: string;
  workstream: string;
  enqueued_at: Millis;
  preferred_agent_id: string | null;
  offer_id: string | null;
  offer_agent_id: string | null;
  offered_at: Millis | null;
  offer_expires_at: Millis | null;
  declined_agent_id: string | null;
  declined_reason: string | null;
  declined_at: Millis | null;
  /** The declining agent is skipped until then. */
  declined_until: Millis | null;
  claim_agent_id: string | null;
  claimed_at: Millis | null;
  claim_via: string | null;
  claim_offer_id: string | null;
  /** The supervisor who assigned the offer to its agent (from 0027); null for routing's own offers. */
  offer_assigned_by: string | null;
  /** 1 when the assigned offer may take its agent over their capacity (from 0027). */
  offer_over_capacity: Defaulted<Flag>;
  version: Defaulted<number>;
  /** The place in the workstream's queue, from its `queue-order:` counter; defaulted only for migrated rows. */
  ordinal: Defaulted<number>;
}

/** The contacts directory (CRM names for a channel identity), keyed like customers. */
export interface ContactsTable {
  customer_id: string;
  channel_id: string;
  user_id: string;
  contact_name: string | null;
  account_name: string | null;
  case_title: string | null;
}

/** Named counters; `visitor` numbers "Visitor N". */
export interface CountersTable {
  name: string;
  value: number;
}

/**
 * One per recipient (`agent:<id>` or `customer:<id>`): the next sequence number, and the backoff and lease that
 * keep its sends in order with one sender at a time.
 */
export interface OutboxRecipientsTable {
  recipient: string;
  owner_kind: string;
  owner_id: string;
  next_seq: Defaulted<number>;
  backoff_failures: Defaulted<number>;
  backoff_not_before: Millis | null;
  backoff_status: number | null;
  lease_holder: string | null;
  lease_until: Millis | null;
  /** JSON: the calls made to this Teams conversation lately (CallLog), for the budget; null before the first. */
  call_log: string | null;
}

/** Calls to Teams reserved per tenant and quarter second (the slot: its start in ms), by every instance. */
export interface TeamsTenantCallsTable {
  tenant: string;
  slot: Millis;
  calls: number;
}

export interface OutboxEntriesTable {
  /** The entry's id. */
  id: string;
  recipient: string;
  /** Delivery order within the recipient. */
  seq: number;
  /** The stable id of the send, the same on every attempt. */
  relaydesk_id: string;
  slot: string | null;
  version: number | null;
  replaces: string | null;
  reply_to_id: string | null;
  label: string | null;
  /** JSON: the activity as it is sent. */
  activity: string;
  enqueued_at: Millis;
  /** Sent before entries with a larger one: 0 offers, 1 messages and replies, 2 panel refreshes. */
  priority: Defaulted<number>;
  /** JSON: an agent's card as its view, rendered when sent (then `activity` carries the rest of the activity). */
  view: string | null;
  /** Entries of one batch waiting for one recipient may go out as one message (relayed customer messages). */
  batch: string | null;
}

/** Per recipient and slot, the newest card version queued: an older render is never queued after it. */
export interface OutboxSlotVersionsTable {
  recipient: string;
  slot: string;
  version: number;
}

/** The card last posted under one of an agent's slots (the panel, an offer), to update it in place. */
export interface CardSlotsTable {
  agent_key: string;
  slot: string;
  activity_id: string;
  conversation_id: string;
  updated_at: Millis;
}

export interface ConversationReferencesTable {
  owner_kind: string;
  owner_id: string;
  /** JSON: the stored ConversationReference. */
  reference: string;
  updated_at: Millis;
}

/** A customer's pre-chat survey in progress; `revision` makes two turns that read the same state not both win. */
export interface PrechatStatesTable {
  customer_id: string;
  revision: Defaulted<number>;
  /** JSON DialogState, null once the survey is finished. */
  dialog_state: string | null;
}

/**
 * The documents not (yet) on tables of their own, botbuilder Storage items by key: `body` is the item's JSON without
 * its eTag, and `etag` changes on every write. The same layout 0.1's SqliteStorage made, so its files open as-is.
 */
export interface DocumentsTable {
  key: string;
  etag: string;
  body: string;
}

/** Open workspace event streams of an agent on one instance, vouched for at `seen_at` (refreshed while open). */
export interface AgentTabsTable {
  agent_key: string;
  instance_id: string;
  open_streams: number;
  seen_at: Millis;
}

/** A web chat conversation of the local Direct Line channel (WEBCHAT=local), its customer and next activity seq. */
export interface WebchatConversationsTable {
  id: string;
  user_id: string;
  /** Written at most once a minute: a restart may end the conversation up to a minute early. */
  last_used_at: Millis;
  next_seq: number;
}

/** An activity of a web chat transcript as the channel serves it (JSON), numbered by `seq` in its conversation. */
export interface WebchatActivitiesTable {
  conversation_id: string;
  seq: number;
  activity_id: string;
  /** The outbox's stable id of a desk's send: a repeated send is kept once. */
  relaydesk_id: string | null;
  json: string;
  bytes: number;
}

/** A web chat customer's token: its id, the sha256 of its secret (hex), its end and its issue order. */
export interface WebchatTokensTable {
  token_id: string;
  conversation_id: string;
  digest: string;
  expires_at: Millis;
  issued_order: number;
}

export interface Database extends SupervisionTables {
  agents: AgentsTable;
  agent_sessions: AgentSessionsTable;
  customers: CustomersTable;
  work_items: WorkItemsTable;
  messages: MessagesTable;
  prechat_answers: PrechatAnswersTable;
  queue_entries: QueueEntriesTable;
  contacts: ContactsTable;
  counters: CountersTable;
  outbox_recipients: OutboxRecipientsTable;
  outbox_entries: OutboxEntriesTable;
  outbox_slot_versions: OutboxSlotVersionsTable;
  card_slots: CardSlotsTable;
  conversation_references: ConversationReferencesTable;
  prechat_states: PrechatStatesTable;
  documents: DocumentsTable;
  agent_tabs: AgentTabsTable;
  webchat_conversations: WebchatConversationsTable;
  webchat_activities: WebchatActivitiesTable;
  webchat_tokens: WebchatTokensTable;
  teams_tenant_calls: TeamsTenantCallsTable;
  quick_replies: QuickRepliesTable;
  notes: NotesTable;
  consultants: ConsultantsTable;
  consult_notes: ConsultNotesTable;
}

export type TableName = keyof Database;

/** Every table, as the migrations create them; `satisfies` keeps the list and the interface in step. */
export const TABLE_NAMES = [
  'agents',
  'agent_sessions',
  'customers',
  'work_items',
  'messages',
  'prechat_answers',
  'queue_entries',
  'contacts',
  'counters',
  'outbox_recipients',
  'outbox_entries',
  'outbox_slot_versions',
  'card_slots',
  'conversation_references',
  'prechat_states',
  'documents',
  'agent_tabs',
  'webchat_conversations',
  'webchat_activities',
  'webchat_tokens',
  'teams_tenant_calls',
  'quick_replies',
  'notes',
  'consultants',
  'consult_notes',
  'position_notices',
  'agent_away',
  'csat_surveys',
] as const satisfies readonly TableName[];

// Compile-time check that TABLE_NAMES names every table of Database.
type Unlisted = Exclude<TableName, (typeof TABLE_NAMES)[number]>;
const everyTableListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyTableListed;

/** The one row of `counters` that numbers visitors. */
export const VISITOR_COUNTER = 'visitor';
