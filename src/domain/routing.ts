import { NotOfferedToAgentError, OfferNotFoundError } from './errors';
import { acceptsOffers } from './presence';
import type { PresenceStatus } from './presence';
import type { WorkstreamSettings } from './workstream';

/** A notification to one agent; it expires after the workstream's notification timeout. */
export interface Offer {
  readonly id: string;
  readonly workItemId: string;
  readonly agentId: string;
  readonly offeredAt: number;
  readonly expiresAt: number;
}

export type DeclineReason = 'rejected' | 'missed';

export interface QueueEntry {
  readonly workItemId: string;
  readonly enqueuedAt: number;
  readonly preferredAgentId?: string;
  /** At most one live offer per item. */
  readonly offer?: Offer;
  /** The last agent who rejected or missed it is skipped until the cool-down passes. */
  readonly declined?: { readonly agentId: string; readonly at: number; readonly reason: DeclineReason };
}

/** FIFO: an item keeps its place while offered, so one that comes back is still ahead of later arrivals. */
export interface WorkQueue {
  readonly workstream: string;
  readonly entries: readonly QueueEntry[];
}

/** What routing needs to know about an agent; built from the agent document by the use case. */
export interface RoutingCandidate {
  readonly id: string;
  readonly presence: PresenceStatus;
  readonly usedUnits: number;
  readonly sessionCount: number;
  /** The bot holds a conversation reference, so an offer can actually be delivered. */
  readonly reachable: boolean;
  readonly lastOfferedAt?: number;
}

export function emptyQueue(workstream: string): WorkQueue {
  return { workstream, entries: [] };
}

export function findQueueEntry(queue: WorkQueue, workItemId: string): QueueEntry | undefined {
  return queue.entries.find((entry) => entry.workItemId === workItemId);
}

/** Adds an item at the tail; an item already queued keeps its place. */
export function enqueue(
  queue: WorkQueue,
  workItemId: string,
  now: number,
  preferredAgentId?: string,
): WorkQueue {
  if (findQueueEntry(queue, workItemId)) return queue;
  const entry: QueueEntry = preferredAgentId
    ? { workItemId, enqueuedAt: now, preferredAgentId }
    : { workItemId, enqueuedAt: now };
  return { ...queue, entries: [...queue.entries, entry] };
}

function replaceEntry(queue: WorkQueue, updated: QueueEntry): WorkQueue {
  return {
    ...queue,
    entries: queue.entries.map((entry) => (entry.workItemId === updated.workItemId ? updated : entry)),
  };
}

function withoutEntry(queue: WorkQueue, workItemId: string): WorkQueue {
  return { ...queue, entries: queue.entries.filter((entry) => entry.workItemId !== workItemId) };
}

function withoutOffer(entry: QueueEntry): QueueEntry {
  const { offer: _offer, ...rest } = entry;
  return rest;
}

/** The live offer the action names, or a "no longer available" error; someone else's offer is refused. */
function requireLiveOffer(
  queue: WorkQueue,
  workItemId: string,
  offerId: string,
  agentId: string,
  now: number,
): { entry: QueueEntry; offer: Offer } {
  const entry = findQueueEntry(queue, workItemId);
  const offer = entry?.offer;
  if (!entry || !offer || offer.id !== offerId || now >= offer.expiresAt)
    throw new OfferNotFoundError(workItemId);
  if (offer.agentId !== agentId) throw new NotOfferedToAgentError(workItemId, agentId);
  return { entry, offer };
}

/** Accept: the item leaves the queue; the caller makes it Active. */
export function acceptOffer(
  queue: WorkQueue,
  request: { workItemId: string; offerId: string; agentId: string; now: number },
): { queue: WorkQueue; offer: Offer } {
  const { offer } = requireLiveOffer(
    queue,
    request.workItemId,
    request.offerId,
    request.agentId,
    request.now,
  );
  return { queue: withoutEntry(queue, request.workItemId), offer };
}

/** Reject: the offer is withdrawn and the item waits, in its place, for the next agent. */
export function rejectOffer(
  queue: WorkQueue,
  request: { workItemId: string; offerId: string; agentId: string; now: number },
): { queue: WorkQueue; offer: Offer } {
  const { entry, offer } = requireLiveOffer(
    queue,
    request.workItemId,
    request.offerId,
    request.agentId,
    request.now,
  );
  const declined = { agentId: offer.agentId, at: request.now, reason: 'rejected' as const };
  return { queue: replaceEntry(queue, { ...withoutOffer(entry), declined }), offer };
}

/** Offers not answered within the notification timeout are missed and return to the queue. */
export function expireOffers(queue: WorkQueue, now: number): { queue: WorkQueue; expired: Offer[] } {
  const expired: Offer[] = [];
  const entries = queue.entries.map((entry) => {
    if (!entry.offer || now < entry.offer.expiresAt) return entry;
    expired.push(entry.offer);
    return {
      ...withoutOffer(entry),
      declined: { agentId: entry.offer.agentId, at: now, reason: 'missed' as const },
    };
  });
  return { queue: expired.length ? { ...queue, entries } : queue, expired };
}

/** Pick takes an item straight from the queue, withdrawing any live offer of it. */
export function pickFromQueue(
  queue: WorkQueue,
  workItemId: string,
): { queue: WorkQueue; cancelledOffer?: Offer } {
  const entry = findQueueEntry(queue, workItemId);
  if (!entry) throw new OfferNotFoundError(workItemId);
  const next = withoutEntry(queue, workItemId);
  return entry.offer ? { queue: next, cancelledOffer: entry.offer } : { queue: next };
}

/** Removes an item that left the queue another way (ended, or Active through another path). */
export function dequeue(queue: WorkQueue, workItemId: string): WorkQueue {
  return findQueueEntry(queue, workItemId) ? withoutEntry(queue, workItemId) : queue;
}

/**
 * Offers every un-offered item, oldest first, to an eligible agent: Available or Busy, reachable, with
 * free capacity and a free session slot once their outstanding offers are counted; the agent who just
 * declined it is skipped for one notification timeout. The preferred agent (same agent) wins when
 * eligible; otherwise the least loaded, then the one offered work longest ago.
 */
export function planOffers(
  queue: WorkQueue,
  candidates: readonly RoutingCandidate[],
  settings: Pick<
    WorkstreamSettings,
    | 'capacityUnitsPerConversation'
    | 'agentCapacityUnits'
    | 'maxSessions'
    | 'notificationTimeoutMs'
    | 'keepSameAgent'
  >,
  now: number,
  nextOfferId: () => string,
): { queue: WorkQueue; offers: Offer[] } {
  const pending = new Map<string, number>();
  for (const entry of queue.entries) {
    if (entry.offer) pending.set(entry.offer.agentId, (pending.get(entry.offer.agentId) ?? 0) + 1);
  }
  const lastOffered = new Map(
    candidates.map((candidate) => [candidate.id, candidate.lastOfferedAt ?? -Infinity]),
  );
  const units = settings.capacityUnitsPerConversation;

  const load = (candidate: RoutingCandidate): number =>
    candidate.usedUnits + (pending.get(candidate.id) ?? 0) * units;
  const eligible = (candidate: RoutingCandidate, entry: QueueEntry): boolean => {
    const offers = pending.get(candidate.id) ?? 0;
    const coolingDown =
      entry.declined?.agentId === candidate.id && now < entry.declined.at + settings.notificationTimeoutMs;
    return (
      acceptsOffers(candidate.presence) &&
      candidate.reachable &&
      !coolingDown &&
      load(candidate) + units <= settings.agentCapacityUnits &&
      candidate.sessionCount + offers < settings.maxSessions
    );
  };

  const offers: Offer[] = [];
  const entries = queue.entries.map((entry) => {
    if (entry.offer) return entry;
    const able = candidates.filter((candidate) => eligible(candidate, entry));
    const preferred = settings.keepSameAgent
      ? able.find((candidate) => candidate.id === entry.preferredAgentId)
      : undefined;
    const chosen =
      preferred ??
      [...able].sort(
        (a, b) =>
          load(a) - load(b) ||
          (lastOffered.get(a.id) ?? -Infinity) - (lastOffered.get(b.id) ?? -Infinity) ||
          a.id.localeCompare(b.id),
      )[0];
    if (!chosen) return entry;
    const offer: Offer = {
      id: nextOfferId(),
      workItemId: entry.workItemId,
      agentId: chosen.id,
      offeredAt: now,
      expiresAt: now + settings.notificationTimeoutMs,
    };
    offers.push(offer);
    pending.set(chosen.id, (pending.get(chosen.id) ?? 0) + 1);
    lastOffered.set(chosen.id, now);
    return { ...entry, offer };
  });
  return { queue: offers.length ? { ...queue, entries } : queue, offers };
}
