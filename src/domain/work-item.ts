import { IllegalTransitionError } from './errors';
import { recordSentimentScore } from './sentiment';
import type { CustomerIdentity } from './session-title';
import type { PendingTransfer } from './transfer';

/** Omnichannel's conversation states: End moves an Active conversation to Wrap-up, Finish closes it. */
export const WORK_ITEM_STATES = ['open', 'active', 'waiting', 'wrap-up', 'closed'] as const;
export type WorkItemState = (typeof WORK_ITEM_STATES)[number];

export type ClosedReason =
  'ended' | 'expired' | 'customer-left' | 'closed-by-team' | 'ended-by-customer' | 'overflow';

/** A customer conversation. It is the source of truth for who, if anyone, it is assigned to. */
export interface WorkItem {
  readonly id: string;
  readonly workstream: string;
  /** `channelId + from.id` of the customer. */
  readonly customerId: string;
  readonly channelId: string;
  readonly customer: CustomerIdentity;
  readonly title: string;
  readonly state: WorkItemState;
  readonly createdAt: number;
  readonly stateChangedAt: number;
  /** Set while Active. */
  readonly assignedAgentId?: string;
  /** The agent who had it last; preferred when it resumes. */
  readonly lastAgentId?: string;
  readonly closedReason?: ClosedReason;
  /** When a send to the customer failed because they have gone (their chat ended); cleared when they write. */
  readonly customerLeftAt?: number;
  /** Latest customer message scores, newest last, at most the sentiment window. */
  readonly sentimentScores: readonly number[];
  readonly customerMessageCount: number;
  /** A transfer offered to another agent and not answered yet (only while Active). */
  readonly transfer?: PendingTransfer;
  /** What the agent picked when they finished the wrap-up ("Not set" when it timed out). */
  readonly outcome?: string;
  /**
   * How many colleagues consult on it (only while Active; absent when none). Kept on the item's own row so a
   * relayed customer message reads the consultants only when there are some.
   */
  readonly consultants?: number;
  /**
   * When an agent last took it from the queue, and how long the customer had waited by then (from 0026): what the
   * average wait queued customers are told is made of.
   */
  readonly answered?: { readonly at: number; readonly waitedMs: number };
  /**
   * The latest time it was taken back from its agent for being away (Offline, or silent past AGENT_AWAY_S), and
   * from whom (from 0029): the Floor marks it while that return is what keeps it Open.
   */
  readonly returnedFromAway?: { readonly agentId: string; readonly at: number };
}

/** The outcome of a wrap-up nobody finished within WRAP_UP_TIMEOUT_S. */
export const OUTCOME_NOT_SET = 'Not set';

export interface NewWorkItem {
  readonly id: string;
  readonly workstream: string;
  readonly customerId: string;
  readonly channelId: string;
  readonly customer: CustomerIdentity;
  readonly title: string;
  readonly now: number;
}

export function openWorkItem(init: NewWorkItem): WorkItem {
  return {
    id: init.id,
    workstream: init.workstream,
    customerId: init.customerId,
    channelId: init.channelId,
    customer: init.customer,
    title: init.title,
    state: 'open',
    createdAt: init.now,
    stateChangedAt: init.now,
    sentimentScores: [],
    customerMessageCount: 0,
  };
}

function requireState(item: WorkItem, move: string, allowed: readonly WorkItemState[]): void {
  if (!allowed.includes(item.state)) throw new IllegalTransitionError(item.id, item.state, move);
}

/** Leaving Active ends the assignment, any transfer of it that was waiting for an answer, and its consults. */
function withoutAssignment(item: WorkItem): WorkItem {
  const { assignedAgentId: _assigned, transfer: _transfer, consultants: _consultants, ...rest } = item;
  return rest;
}

/** Accept or pick: Open → Active. Given when the customer began waiting, the wait is kept as answered. */
export function assignWorkItem(
  item: WorkItem,
  agentId: string,
  now: number,
  waitingSince?: number,
): WorkItem {
  requireState(item, 'be assigned', ['open']);
  return {
    ...item,
    state: 'active',
    assignedAgentId: agentId,
    lastAgentId: agentId,
    stateChangedAt: now,
    ...(waitingSince !== undefined
      ? { answered: { at: now, waitedMs: Math.max(0, now - waitingSince) } }
      : {}),
  };
}

/** Closing the session without ending it: Active → Waiting, which frees the agent's capacity. */
export function moveWorkItemToWaiting(item: WorkItem, now: number): WorkItem {
  requireState(item, 'move to waiting', ['active']);
  return { ...withoutAssignment(item), state: 'waiting', stateChangedAt: now };
}

/** The agent opens a Waiting item again: Waiting → Active. */
export function resumeWorkItemByAgent(item: WorkItem, agentId: string, now: number): WorkItem {
  requireState(item, 'be resumed by an agent', ['waiting']);
  return { ...item, state: 'active', assignedAgentId: agentId, lastAgentId: agentId, stateChangedAt: now };
}

/** The customer writes again while Waiting: back to the queue (Open), keeping its history. */
export function requeueWorkItem(item: WorkItem, now: number): WorkItem {
  requireState(item, 'return to the queue', ['waiting']);
  return { ...item, state: 'open', stateChangedAt: now };
}

/** End finishes the conversation for good. */
export function endWorkItem(item: WorkItem, now: number): WorkItem {
  requireState(item, 'end', ['active', 'waiting', 'wrap-up']);
  return { ...withoutAssignment(item), state: 'closed', closedReason: 'ended', stateChangedAt: now };
}

/**
 * End: the customer is told the conversation ended and the agent wraps it up (Wrap-up). It stays the agent's,
 * on their panel and under My work items, until they Finish or the wrap-up times out.
 */
export function endToWrapUp(item: WorkItem, now: number): WorkItem {
  requireState(item, 'end', ['active']);
  const { transfer: _transfer, consultants: _consultants, ...rest } = item;
  return { ...rest, state: 'wrap-up', stateChangedAt: now };
}

/** Finish: the wrap-up is done with an outcome and the conversation closes. */
export function finishWrapUp(item: WorkItem, outcome: string, now: number): WorkItem {
  requireState(item, 'finish its wrap-up', ['wrap-up']);
  return { ...withoutAssignment(item), state: 'closed', closedReason: 'ended', outcome, stateChangedAt: now };
}

/** Whether a wrap-up has run past its timeout (it then closes by itself, outcome "Not set"). */
export function isWrapUpOver(item: WorkItem, now: number, timeoutMs: number): boolean {
  return item.state === 'wrap-up' && now - item.stateChangedAt >= timeoutMs;
}

/** The customer has gone: nothing more reaches them until they write again. */
export function markCustomerLeft(item: WorkItem, now: number): WorkItem {
  return item.customerLeftAt === undefined ? { ...item, customerLeftAt: now } : item;
}

/** A queued customer who has gone (their chat ended before an agent took it) leaves the queue, closed. */
export function abandonWorkItem(item: WorkItem, now: number): WorkItem {
  requireState(item, 'close as abandoned', ['open']);
  return { ...withoutAssignment(item), state: 'closed', closedReason: 'customer-left', stateChangedAt: now };
}

/**
 * The customer ends the chat: an Active conversation goes to its agent's wrap-up (as their End would); a queued or
 * Waiting one, with no agent to wrap it up, closes.
 */
export function endByCustomer(item: WorkItem, now: number): WorkItem {
  requireState(item, 'be ended by the customer', ['open', 'active', 'waiting']);
  if (item.state === 'active') return endToWrapUp(item, now);
  return {
    ...withoutAssignment(item),
    state: 'closed',
    closedReason: 'ended-by-customer',
    stateChangedAt: now,
  };
}

/** Overflow: a queued conversation ends unanswered (the queue was full, or the wait too long); its words are kept. */
export function closeOverflow(item: WorkItem, now: number): WorkItem {
  requireState(item, 'close on overflow', ['open']);
  return { ...withoutAssignment(item), state: 'closed', closedReason: 'overflow', stateChangedAt: now };
}

/** A supervisor's Force close: whatever state it is in, the conversation closes (no wrap-up, no outcome). */
export function forceCloseWorkItem(item: WorkItem, now: number): WorkItem {
  requireState(item, 'force close', ['open', 'active', 'waiting', 'wrap-up']);
  return { ...withoutAssignment(item), state: 'closed', closedReason: 'closed-by-team', stateChangedAt: now };
}

export function isWaitingPeriodOver(item: WorkItem, now: number, waitingPeriodMs: number): boolean {
  return item.state === 'waiting' && now - item.stateChangedAt > waitingPeriodMs;
}

/** A Waiting item left longer than the waiting period closes. */
export function expireWorkItem(item: WorkItem, now: number, waitingPeriodMs: number): WorkItem {
  requireState(item, 'expire', ['waiting']);
  if (!isWaitingPeriodOver(item, now, waitingPeriodMs)) {
    throw new IllegalTransitionError(item.id, 'within its waiting period', 'expire');
  }
  return { ...item, state: 'closed', closedReason: 'expired', stateChangedAt: now };
}

/** Counts a customer message and keeps its sentiment score; a Closed item takes no more messages. */
export function recordCustomerMessageOnWorkItem(item: WorkItem, score: number): WorkItem {
  requireState(item, 'take a customer message', ['open', 'active', 'waiting', 'wrap-up']);
  // A customer who writes is evidently back.
  const { customerLeftAt: _back, ...present } = item;
  return {
    ...present,
    sentimentScores: recordSentimentScore(item.sentimentScores, score),
    customerMessageCount: item.customerMessageCount + 1,
  };
}

/**
 * Where a customer's new message goes, given their latest work item:
 * the same live item, that item resumed from Waiting, or a fresh one (after End or expiry no history carries over).
 */
export type CustomerMessageRoute =
  | { readonly kind: 'append'; readonly item: WorkItem }
  | { readonly kind: 'resume'; readonly item: WorkItem; readonly preferredAgentId?: string }
  | { readonly kind: 'start-new'; readonly expired?: WorkItem };

export function routeCustomerMessage(
  latest: WorkItem | undefined,
  now: number,
  waitingPeriodMs: number,
): CustomerMessageRoute {
  // Ended (in wrap-up or closed): the customer's next message starts a new conversation.
  if (!latest || latest.state === 'closed' || latest.state === 'wrap-up') return { kind: 'start-new' };
  if (latest.state !== 'waiting') return { kind: 'append', item: latest };
  if (isWaitingPeriodOver(latest, now, waitingPeriodMs)) {
    return { kind: 'start-new', expired: expireWorkItem(latest, now, waitingPeriodMs) };
  }
  const resumed = requeueWorkItem(latest, now);
  return latest.lastAgentId
    ? { kind: 'resume', item: resumed, preferredAgentId: latest.lastAgentId }
    : { kind: 'resume', item: resumed };
}
