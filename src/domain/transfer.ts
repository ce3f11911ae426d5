import {
  DomainError,
  IllegalTransitionError,
  NotOfferedToAgentError,
  NotSessionAgentError,
  OfferNotFoundError,
  TransferPendingError,
  TransferTargetUnavailableError,
  TransferToSelfError,
} from './errors';
import { cleanAgentText } from './notes';
import { acceptsOffers, type PresenceStatus } from './presence';
import type { WorkItem } from './work-item';
import type { WorkstreamSettings } from './workstream';

/**
 * A transfer offered to another agent and not answered yet. Until it is accepted the conversation stays Active
 * with the agent who asked ("Transfer pending" is a mark, not a state); the offer expires after the workstream's
 * notification timeout, as a new conversation's offer does.
 */
export interface PendingTransfer {
  readonly offerId: string;
  readonly fromAgentId: string;
  readonly toAgentId: string;
  /** What the agent who asked wrote for the one who takes over. */
  readonly note?: string;
  readonly offeredAt: number;
  readonly expiresAt: number;
}

/** Longest handover note a transfer carries; a longer one is refused, as a longer note is, never cut. */
export const TRANSFER_NOTE_MAX_CHARS = 1000;

export class TransferNoteTooLongError extends DomainError {
  readonly code = 'transfer-note-too-long';

  constructor(
    readonly maxChars: number,
    readonly length: number,
  ) {
    super(
      `A transfer note holds at most ${maxChars} characters; this one has ${length}. Shorten it and transfer again.`,
    );
  }
}

/** What the picker and the checks need to know of a possible target. */
export interface TransferCandidate {
  readonly id: string;
  readonly presence: PresenceStatus;
  readonly usedUnits: number;
  readonly sessionCount: number;
  /** Transfers already offered to this agent and not answered: each will take a conversation's capacity. */
  readonly pendingTransfers: number;
  /**
   * Queued conversations offered to this agent and not answered, and those they accepted whose session is not open
   * yet: each will take a conversation's capacity too, as routing counts them.
   */
  readonly queueOffers?: number;
}

type CapacitySettings = Pick<
  WorkstreamSettings,
  'capacityUnitsPerConversation' | 'agentCapacityUnits' | 'maxSessions'
>;

/**
 * Available or Busy, with room for one more conversation (and a session slot) once the transfers and queue offers
 * already promised to them count.
 */
export function canTakeTransfer(candidate: TransferCandidate, settings: CapacitySettings): boolean {
  const units = settings.capacityUnitsPerConversation;
  const promised = candidate.pendingTransfers + (candidate.queueOffers ?? 0);
  return (
    acceptsOffers(candidate.presence) &&
    candidate.usedUnits + (promised + 1) * units <= settings.agentCapacityUnits &&
    candidate.sessionCount + promised < settings.maxSessions
  );
}

function requireOwnedActive(item: WorkItem, agentId: string, move: string): void {
  if (item.state !== 'active') throw new IllegalTransitionError(item.id, item.state, move);
  if (item.assignedAgentId !== agentId) throw new NotSessionAgentError(item.id);
}

export interface TransferRequest {
  readonly fromAgentId: string;
  /** The target, already checked by canTakeTransfer (undefined when they are not an agent or cannot take it). */
  readonly to: TransferCandidate | undefined;
  readonly toAgentId: string;
  readonly offerId: string;
  readonly note?: string;
  readonly now: number;
  readonly settings: CapacitySettings & Pick<WorkstreamSettings, 'notificationTimeoutMs'>;
}

/** The session's agent offers their Active conversation to a colleague; it stays theirs until accepted. */
export function requestTransfer(item: WorkItem, request: TransferRequest): WorkItem {
  requireOwnedActive(item, request.fromAgentId, 'be transferred');
  if (request.toAgentId === request.fromAgentId) throw new TransferToSelfError();
  if (item.transfer) throw new TransferPendingError();
  if (!request.to || !canTakeTransfer(request.to, request.settings))
    throw new TransferTargetUnavailableError(request.toAgentId);
  const note = request.note === undefined ? undefined : cleanAgentText(request.note);
  if (note && note.length > TRANSFER_NOTE_MAX_CHARS)
    throw new TransferNoteTooLongError(TRANSFER_NOTE_MAX_CHARS, note.length);
  const transfer: PendingTransfer = {
    offerId: request.offerId,
    fromAgentId: request.fromAgentId,
    toAgentId: request.toAgentId,
    ...(note ? { note } : {}),
    offeredAt: request.now,
    expiresAt: request.now + request.settings.notificationTimeoutMs,
  };
  return { ...item, transfer };
}

/** The pending transfer an answer names, or "no longer available" (answered, expired, withdrawn, another one). */
export function requireLiveTransfer(
  item: WorkItem,
  answer: { readonly agentId: string; readonly offerId: string; readonly now: number },
): PendingTransfer {
  const transfer = item.transfer;
  if (!transfer || transfer.offerId !== answer.offerId || item.state !== 'active')
    throw new OfferNotFoundError(item.id);
  if (transfer.toAgentId !== answer.agentId) throw new NotOfferedToAgentError(item.id, answer.agentId);
  if (answer.now >= transfer.expiresAt) throw new OfferNotFoundError(item.id);
  return transfer;
}

function withoutTransfer(item: WorkItem): WorkItem {
  const { transfer: _transfer, ...rest } = item;
  return rest;
}

/** Accepted: the conversation is the target's, Active since now; the history stays with it. */
export function acceptTransfer(
  item: WorkItem,
  answer: { readonly agentId: string; readonly offerId: string; readonly now: number },
): WorkItem {
  requireLiveTransfer(item, answer);
  // The consults were the asking agent's: they end with the handover.
  const { consultants: _consultants, ...rest } = withoutTransfer(item);
  return {
    ...rest,
    assignedAgentId: answer.agentId,
    lastAgentId: answer.agentId,
    stateChangedAt: answer.now,
  };
}

/** Declined: the conversation is still the asking agent's, unmarked. */
export function declineTransfer(
  item: WorkItem,
  answer: { readonly agentId: string; readonly offerId: string; readonly now: number },
): WorkItem {
  requireLiveTransfer(item, answer);
  return withoutTransfer(item);
}

/** A transfer not answered in time is dropped; undefined when the item has none that has expired. */
export function expireTransfer(item: WorkItem, now: number): WorkItem | undefined {
  return item.transfer && now >= item.transfer.expiresAt ? withoutTransfer(item) : undefined;
}

/**
 * A transfer is void once the conversation is no longer Active with the agent who asked (ended, closed to
 * Waiting, taken back to the queue): the mark goes with it.
 */
export function clearTransfer(item: WorkItem): WorkItem {
  return item.transfer ? withoutTransfer(item) : item;
}

/**
 * To the queue: the conversation is Open again, nobody's; the same-agent preference goes with the assignment, so
 * the next free agent gets it. A conversation with a transfer pending is refused: answer or let that one lapse.
 */
/**
 * The agent is away (Offline, or silent past AGENT_AWAY_S) and the grace has passed: their Active conversation goes
 * back to the queue whatever it was doing (a transfer it waited on lapses), for the next free agent.
 */
export function returnAwayToQueue(item: WorkItem, now: number): WorkItem {
  if (item.state !== 'active') throw new IllegalTransitionError(item.id, item.state, 'return to the queue');
  const { assignedAgentId: agentId, consultants: _consultants, ...rest } = withoutTransfer(item);
  return {
    ...rest,
    state: 'open',
    stateChangedAt: now,
    ...(agentId !== undefined ? { returnedFromAway: { agentId, at: now } } : {}),
  };
}

export function transferToQueue(item: WorkItem, fromAgentId: string, now: number): WorkItem {
  requireOwnedActive(item, fromAgentId, 'return to the queue');
  if (item.transfer) throw new TransferPendingError();
  const {
    assignedAgentId: _assigned,
    lastAgentId: _last,
    consultants: _consultants,
    ...rest
  } = withoutTransfer(item);
  return { ...rest, state: 'open', stateChangedAt: now };
}
