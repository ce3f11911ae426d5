import type { AnsweredWaits } from '../domain/queue-position';
import type { CsatAnswer, CsatSurvey } from '../domain/csat';
import type { PositionTold } from '../domain/queue-position';
import type { CustomerIdentity } from '../domain/session-title';
import type { QuickReplyFields } from '../domain/quick-replies';
import type { Session } from '../domain/agent-sessions';
import type { PresenceStatus } from '../domain/presence';
import type { Consultant } from '../domain/consult';
import type { Note } from '../domain/notes';
import type { PendingTransfer } from '../domain/transfer';
import type { Offer, QueueEntry, WorkQueue } from '../domain/routing';
import type { ClosedReason, WorkItemState } from '../domain/work-item';
import type {
  AgentDocument,
  CustomerDocument,
  TranscriptMessage,
  WorkItemDocument,
  WorkItemIndexEntry,
} from './documents';
import type { DeliveryState } from './views';

/** A transcript line as stored: its place in the conversation (1 for the first) with what it said. */
export interface StoredMessage extends TranscriptMessage {
  readonly seq: number;
}

/** A work item's next value and the one message stored with it in the same transaction. */
export interface WorkItemWithMessage {
  readonly doc: WorkItemDocument;
  readonly message: TranscriptMessage;
}

/** What an export of conversations lists of one: its row's fields and who wrote in it, never its transcript. */
export interface ConversationSummary {
  readonly workItemId: string;
  readonly channelId: string;
  readonly title: string;
  readonly state: WorkItemState;
  readonly createdAt: number;
  readonly stateChangedAt: number;
  readonly outcome?: string;
  readonly closedReason?: ClosedReason;
  /** Each agent who wrote in it and when they first did, earliest first. */
  readonly writers: readonly { readonly agentId: string; readonly firstAt: number }[];
  /** The customer's answer to the survey asked at its End (1–5), once given. */
  readonly csat?: number;
  /**
   * When an agent took it from the queue and how long the customer had waited (WorkItem.answered, from 0026);
   * absent when never taken, or taken before 0026 kept it.
   */
  readonly answered?: { readonly at: number; readonly waitedMs: number };
}

/** Where a page of conversations by creation time ends: the next page starts after it. */
export interface CreatedCursor {
  readonly createdAt: number;
  readonly workItemId: string;
}

/**
 * Work items (conversations), one row each; their messages are rows of their own. Every change is one
 * transaction, conditional on the version it read; `change` is re-run on a conflict, so it must be pure.
 */
export interface WorkItemRepository {
  get(workItemId: string): Promise<WorkItemDocument | undefined>;
  getMany(workItemIds: readonly string[]): Promise<Map<string, WorkItemDocument>>;
  /** Creates or changes the item; returning `current` (or undefined) writes nothing. Resolves to the item as left. */
  update(
    workItemId: string,
    change: (current: WorkItemDocument | undefined) => WorkItemDocument | undefined,
  ): Promise<WorkItemDocument | undefined>;
  /**
   * Changes the item and appends one message to its transcript in one transaction (the message takes the next
   * sequence number). Returning undefined stores nothing.
   */
  record(
    workItemId: string,
    change: (current: WorkItemDocument | undefined) => WorkItemWithMessage | undefined,
  ): Promise<{ readonly doc: WorkItemDocument; readonly seq: number } | undefined>;
  /** Removes an item nobody points at yet (a create that lost the race for its customer). */
  remove(workItemId: string): Promise<void>;
  /** The Home dashboard: every item not Closed, and the latest `closedListed` Closed ones. */
  dashboard(workstream: string, closedListed: number): Promise<WorkItemIndexEntry[]>;
  /** The customer's conversations other than `exceptId`, newest first. */
  previousOf(customerId: string, exceptId: string, limit: number): Promise<WorkItemDocument[]>;
  /** Every transfer waiting for its target's answer, soonest to expire first. */
  pendingTransfers(): Promise<(PendingTransfer & { readonly workItemId: string })[]>;
  /** The ids of the workstream's conversations in wrap-up, oldest first. */
  inWrapUp(workstream: string): Promise<string[]>;
  /** How many of the workstream's conversations agents took from the queue since `since`, and their average wait. */
  answeredSince(workstream: string, since: number): Promise<AnsweredWaits>;
  /**
   * Up to `limit` of the workstream's conversations created in [from, to), oldest first (ties by id), after
   * `after`: a page of an export, read by key, so a long range is read a page at a time.
   */
  createdBetween(
    workstream: string,
    range: { readonly from: number; readonly to: number },
    after: CreatedCursor | undefined,
    limit: number,
  ): Promise<ConversationSummary[]>;
}

/** When the sweeper first found each agent away with Active conversations. */
export interface AwayMarks {
  all(): Promise<Map<string, number>>;
  /** Keeps an earlier mark: the grace runs from when the agent was first found away. */
  mark(agentId: string, since: number): Promise<void>;
  clear(agentIds: readonly string[]): Promise<void>;
}

/** The post-conversation surveys: one per conversation whose customer was asked, with its answer once given. */
export interface CsatSurveys {
  /** Keeps a survey asked; false (and nothing written) when the conversation has one already. */
  ask(survey: Omit<CsatSurvey, 'answer'>): Promise<boolean>;
  get(workItemId: string): Promise<CsatSurvey | undefined>;
  getMany(workItemIds: readonly string[]): Promise<Map<string, CsatSurvey>>;
  /** Writes the answer if the survey with that id is still unanswered; false when it was not (nothing written). */
  answer(workItemId: string, surveyId: string, answer: CsatAnswer): Promise<boolean>;
  /** How many of the workstream's surveys were answered at or after `since`, and their ratings' sum. */
  answeredSince(workstream: string, since: number): Promise<{ answers: number; ratingSum: number }>;
}

/** What each queued customer was last told of their place in the queue. */
export interface PositionNotices {
  all(): Promise<Map<string, PositionTold>>;
  record(workItemId: string, told: Pick<PositionTold, 'position' | 'at'>): Promise<void>;
  markLongWait(workItemId: string, at: number): Promise<void>;
  forget(workItemIds: readonly string[]): Promise<void>;
}

/** The latest message one sender (the customer, or one agent) wrote in a conversation. */
export interface LatestMessageTime {
  readonly workItemId: string;
  readonly from: 'customer' | 'agent';
  readonly agentId?: string;
  readonly at: number;
}

/** Reads of the append-only transcripts: pages, never a whole history. */
export interface MessageLog {
  /** The latest `limit` messages, oldest first. */
  latest(workItemId: string, limit: number): Promise<StoredMessage[]>;
  /** Up to `limit` messages before `seq`, oldest first: the page above the one shown. */
  before(workItemId: string, seq: number, limit: number): Promise<StoredMessage[]>;
  /** The customer's first message at or after `since` (their first ever without it). */
  firstFromCustomer(workItemId: string, since?: number): Promise<StoredMessage | undefined>;
  latestFromCustomer(workItemId: string): Promise<StoredMessage | undefined>;
  /** When each conversation last heard from its customer and from each agent who wrote in it. */
  latestTimes(workItemIds: readonly string[]): Promise<LatestMessageTime[]>;
  /** Records how far an agent message's send got; resolves to its line, or undefined for an unknown send. */
  setDelivery(
    deliveryId: string,
    state: DeliveryState,
  ): Promise<{ readonly workItemId: string; readonly text: string } | undefined>;
}

/** The queue of Open work items, ordered rows; a change writes only the entries it changes. */
export interface QueueRepository {
  get(workstream: string): Promise<WorkQueue>;
  update(workstream: string, change: (queue: WorkQueue) => WorkQueue): Promise<WorkQueue>;
  /** The domain's `enqueue` without reading the queue. */
  enqueue(workstream: string, workItemId: string, now: number, preferredAgentId?: string): Promise<void>;
  /** Puts the entry ahead of every other (an item handed back keeps its turn); one already queued stays put. */
  enqueueFirst(workstream: string, entry: QueueEntry): Promise<void>;
  offersFor(workstream: string, agentId: string, now: number): Promise<Offer[]>;
}

/** What routing weighs of an agent: no drafts, titles or unread counts. */
export interface AgentRoutingState {
  readonly id: string;
  readonly presence: PresenceStatus;
  readonly lastOfferedAt?: number;
  /** The agent's sessions in opening order. */
  readonly sessions: readonly Pick<Session, 'id' | 'kind' | 'readOnly'>[];
}

/**
 * Agents, one row each, and their panel's sessions, one row each. Every change is one transaction, conditional on
 * the revision it read, and every write takes the next revision; `change` is re-run on a conflict, so it must be pure.
 */
export interface AgentRepository {
  get(agentId: string): Promise<AgentDocument | undefined>;
  getMany(agentIds: readonly string[]): Promise<Map<string, AgentDocument>>;
  /**
   * Creates or changes the agent; returning `current` (or undefined) writes nothing, and a change that throws writes
   * nothing either. Resolves to the agent as left, its revision the one written.
   */
  update(
    agentId: string,
    change: (current: AgentDocument | undefined) => AgentDocument | undefined,
  ): Promise<AgentDocument | undefined>;
  /** The given agents that have been seen, in the order given, as routing weighs them. */
  forRouting(agentIds: readonly string[]): Promise<AgentRoutingState[]>;
}

/** Customers, one row each; a change is conditional on the version it read, `change` re-run on a conflict. */
export interface CustomerRepository {
  get(customerId: string): Promise<CustomerDocument | undefined>;
  /** Creates or changes the customer; returning `current` (or undefined) writes nothing. */
  update(
    customerId: string,
    change: (current: CustomerDocument | undefined) => CustomerDocument | undefined,
  ): Promise<CustomerDocument | undefined>;
}

/** One contact of the directory: a channel identity and the CRM names it proves. */
export interface ContactEntry {
  readonly customerId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly identity: CustomerIdentity;
}

/** The contacts directory (CONTACTS_FILE), one row per channel identity. */
export interface ContactDirectory {
  find(customerId: string): Promise<CustomerIdentity | undefined>;
  /** Adds each contact, or replaces the one already there; resolves to how many were given. */
  seed(entries: readonly ContactEntry[]): Promise<number>;
}

/** Internal notes on conversations: appended, never changed, kept after the conversation ends. */
export interface NoteLog {
  add(note: Note): Promise<void>;
  /** The latest `limit` notes of a conversation, oldest first. */
  latest(workItemId: string, limit: number): Promise<Note[]>;
}

/**
 * Who consults on a conversation, and its private consult thread (agents only, never the customer). The work
 * item counts its consultants (WorkItem.consultants); a use case changes both in one unit of work.
 */
export interface ConsultRepository {
  /** The conversation's consultants, in the order they were invited. */
  of(workItemId: string): Promise<Consultant[]>;
  /** Adds a consultant, or changes one already there (added to the conversation). */
  put(workItemId: string, consultant: Consultant): Promise<void>;
  remove(workItemId: string, agentId: string): Promise<void>;
  removeAll(workItemId: string): Promise<void>;
  addNote(note: Note): Promise<void>;
  /** The latest `limit` lines of the consult thread, oldest first. */
  latestNotes(workItemId: string, limit: number): Promise<Note[]>;
}

/** Numbers for "Visitor N": 1, 2, 3 … per deployment, never given twice, whichever instance asks. */
export interface VisitorNumbers {
  next(): Promise<number>;
}

/**
 * One use case, one transaction: the repositories' writes made inside `run` commit together or not at all, and
 * what they queue for sending goes out only once they are committed.
 */
export interface UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** An agent's own quick reply as stored; `version` counts its changes. */
export interface StoredQuickReply extends QuickReplyFields {
  readonly id: string;
  readonly agentId: string;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Each agent's own quick replies, one row each, only ever read or changed through the agent they belong to. Adds
 * are counted per agent in the same transaction; a change is conditional on the version it read.
 */
export interface QuickReplyRepository {
  /** The agent's own quick replies, A to Z by title. */
  list(agentId: string): Promise<StoredQuickReply[]>;
  get(agentId: string, quickReplyId: string): Promise<StoredQuickReply | undefined>;
  /** Adds one unless the agent already has `max`; resolves to it, or to 'full'. */
  add(
    reply: Omit<StoredQuickReply, 'version' | 'updatedAt'>,
    max: number,
  ): Promise<StoredQuickReply | 'full'>;
  /** Changes the agent's reply if it is still at `version`; 'missing' when it is not theirs (or gone). */
  update(
    agentId: string,
    quickReplyId: string,
    version: number,
    fields: QuickReplyFields,
    now: number,
  ): Promise<StoredQuickReply | 'missing' | 'conflict'>;
  /** Resolves true when the agent's reply was there and is gone. */
  remove(agentId: string, quickReplyId: string): Promise<boolean>;
}
