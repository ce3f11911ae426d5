import { DomainError } from './errors';
import { findQueueEntry, replaceEntry, withoutOffer } from './work-queue';
import type { Offer, WorkQueue } from './work-queue';
import type { WorkstreamSettings } from './workstream';

/** A supervisor's Assign of a queued conversation that is not waiting in the queue any more (taken, or closed). */
export class NotQueuedError extends DomainError {
  readonly code = 'not-queued';

  constructor(readonly workItemId: string) {
    super('That conversation is not waiting in the queue any more: it was taken, or it closed.');
  }
}

/** The conversation is offered to that agent already (by routing or an earlier Assign). */
export class AlreadyOfferedError extends DomainError {
  readonly code = 'already-offered';

  constructor(readonly agentName: string) {
    super(`It is offered to ${agentName} already; wait for their answer.`);
  }
}

/** Who cannot be assigned work at all: not an agent, Offline, or out of reach of an offer. */
export class AssignTargetError extends DomainError {
  readonly code = 'assign-target';
}

/** Assigning would take the agent over their capacity, and the supervisor has not confirmed it. */
export class OverCapacityError extends DomainError {
  readonly code = 'over-capacity';

  constructor(
    readonly agentName: string,
    readonly conversations: number,
    readonly capacity: number,
  ) {
    super(
      `${agentName} has ${conversations} of ${capacity} conversations; assigning makes ${conversations + 1}.`,
    );
  }
}

/** The agent's load as an Assign weighs it: conversations held, and promised (offers, claims, transfers). */
export interface AssignLoad {
  readonly agentName: string;
  readonly usedUnits: number;
  /** Conversations offered or transferred to them and not answered yet, and claims not settled. */
  readonly promised: number;
  readonly sessionCount: number;
}

type AssignSettings = Pick<
  WorkstreamSettings,
  'capacityUnitsPerConversation' | 'agentCapacityUnits' | 'maxSessions' | 'notificationTimeoutMs'
>;

/** What one more conversation does to the agent: over their capacity (allowed once confirmed), never over MAX_SESSIONS. */
export function checkAssignLoad(load: AssignLoad, settings: AssignSettings, overCapacity: boolean): void {
  const units = settings.capacityUnitsPerConversation;
  if (load.sessionCount + load.promised >= settings.maxSessions) {
    throw new AssignTargetError(
      `${load.agentName} has no free session slot (at most ${settings.maxSessions} sessions): they must close one first.`,
    );
  }
  const conversations = Math.ceil(load.usedUnits / units) + load.promised;
  if (!overCapacity && (conversations + 1) * units > settings.agentCapacityUnits) {
    throw new OverCapacityError(
      load.agentName,
      conversations,
      Math.floor(settings.agentCapacityUnits / units),
    );
  }
}

export interface AssignRequest {
  readonly workItemId: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly supervisorId: string;
  readonly overCapacity: boolean;
  readonly offerId: string;
  readonly now: number;
  readonly notificationTimeoutMs: number;
}

/**
 * Assign: the queued item is offered to the chosen agent, as routing's offers are (Accept / Reject, the same
 * timeout); a live offer of it to someone else is withdrawn. An item being taken, or gone, is refused.
 */
export function assignOffer(
  queue: WorkQueue,
  request: AssignRequest,
): { queue: WorkQueue; offer: Offer; withdrawn?: Offer } {
  const entry = findQueueEntry(queue, request.workItemId);
  if (!entry || entry.claim) throw new NotQueuedError(request.workItemId);
  const live = entry.offer && request.now < entry.offer.expiresAt ? entry.offer : undefined;
  if (live?.agentId === request.agentId) throw new AlreadyOfferedError(request.agentName);
  const offer: Offer = {
    id: request.offerId,
    workItemId: request.workItemId,
    agentId: request.agentId,
    offeredAt: request.now,
    expiresAt: request.now + request.notificationTimeoutMs,
    assignedBy: request.supervisorId,
    ...(request.overCapacity ? { overCapacity: true as const } : {}),
  };
  const next = replaceEntry(queue, { ...withoutOffer(entry), offer });
  return live ? { queue: next, offer, withdrawn: live } : { queue: next, offer };
}
