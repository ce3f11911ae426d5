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

/**
 * An item an agent has taken (accepted its offer, or picked it) whose session is not open on their document
 * yet. It stays in the queue, counted against that agent's capacity and offered to nobody, until the session
 * is open and the claim is settled; a claim left behind by a crash is finished by the sweeper.
 */
export interface Claim {
  readonly agentId: string;
  readonly at: number;
  readonly via: 'accept' | 'pick';
  /** The offer that was accepted. */
  readonly offerId?: string;
}

export interface QueueEntry {
  readonly workItemId: string;
  readonly enqueuedAt: number;
  readonly preferredAgentId?: string;
  /** At most one live offer per item. */
  readonly offer?: Offer;
  /** The last agent who rejected or missed it is skipped until the cool-down passes. */
  readonly declined?: { readonly agentId: string; readonly at: number; readonly reason: DeclineReason };
  /** Taken by an agent; the entry leaves the queue once their session is open. */
  readonly claim?: Claim;
}

/** FIFO: an item keeps its place while offered, so one that comes back is still ahead of later arrivals. */
export interface WorkQueue {
  readonly workstream: string;
  readonly entries: readonly QueueEntry[];
}

/** What routing needs to know about an agent; built from the agent's row by the use case. */
export interface RoutingCandidate {
  readonly id: string;
  readonly presence: PresenceStatus;
  readonly usedUnits: number;
  readonly sessionCount: number;
  /** The bot holds a conversation reference, so an offer can actually be delivered. */
  readonly reachable: boolean;
  readonly lastOfferedAt?: number;
  /** The work items whose sessions are open on the agent's panel (a claim on one of them is counted once). */
  readonly sessionIds?: readonly string[];
}

export function emptyQueue(workstream: string): WorkQueue {
  return { workstream, entries: [] };
}

export function findQueueEntry(queue: WorkQueue, workItemId: string): QueueEntry | undefined {
  return queue.entries.find((entry) => entry.workItemId === workItemId);
}

/**
 * Adds an item at the tail; an item already queued keeps its place. A claimed entry is a leftover of an
 * accept that never settled (the item went Active, then Waiting, and is back now): it gives way to a new one.
 */
export function enqueue(
  queue: WorkQueue,
  workItemId: string,
  now: number,
  preferredAgentId?: string,
): WorkQueue {
  const existing = findQueueEntry(queue, workItemId);
  if (existing && !existing.claim) return queue;
  const entry: QueueEntry = preferredAgentId
    ? { workItemId, enqueuedAt: now, preferredAgentId }
    : { workItemId, enqueuedAt: now };
  const rest = existing ? withoutEntry(queue, workItemId) : queue;
  return { ...rest, entries: [...rest.entries, entry] };
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

/**
 * Accept: the offer becomes the agent's claim on the item. The caller opens the session and makes the item
 * Active, then settles the claim; until then the item counts against the agent's capacity.
 */
export function acceptOffer(
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
  const claim: Claim = { agentId: request.agentId, at: request.now, via: 'accept', offerId: offer.id };
  return { queue: replaceEntry(queue, { ...withoutOffer(entry), claim }), offer };
}

/** The claim is done (the session is open, the item Active): the item leaves the queue. */
export function settleClaim(queue: WorkQueue, workItemId: string, agentId: string): WorkQueue {
  const entry = findQueueEntry(queue, workItemId);
  return entry?.claim?.agentId === agentId ? withoutEntry(queue, workItemId) : queue;
}

/**
 * The claim cannot be finished (the agent has no room for the session): the item is back in its place, and
 * the agent is skipped for it like after a rejection.
 */
export function abandonClaim(queue: WorkQueue, workItemId: string, agentId: string, now: number): WorkQueue {
  const entry = findQueueEntry(queue, workItemId);
  if (entry?.claim?.agentId !== agentId) return queue;
  const { claim: _claim, ...rest } = entry;
  return replaceEntry(queue, { ...rest, declined: { agentId, at: now, reason: 'rejected' } });
}

/** Claims older than `graceMs`: their accept or pick stopped half-way (a crash), and the sweeper finishes them. */
export function staleClaims(
  queue: WorkQueue,
  now: number,
  graceMs: number,
): { workItemId: string; claim: Claim }[] {
  return queue.entries.flatMap((entry) =>
    entry.claim && now - entry.claim.at >= graceMs
      ? [{ workItemId: entry.workItemId, claim: entry.claim }]
      : [],
  );
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

/**
 * Pick takes an item straight from the queue as the agent's claim, withdrawing any live offer of it; an item
 * another agent has already taken is no longer available.
 */
export function pickFromQueue(
  queue: WorkQueue,
  workItemId: string,
  request: { agentId: string; now: number },
): { queue: WorkQueue; cancelledOffer?: Offer } {
  const entry = findQueueEntry(queue, workItemId);
  if (!entry || entry.claim) throw new OfferNotFoundError(workItemId);
  const claim: Claim = { agentId: request.agentId, at: request.now, via: 'pick' };
  const next = replaceEntry(queue, { ...withoutOffer(entry), claim });
  return entry.offer ? { queue: next, cancelledOffer: entry.offer } : { queue: next };
}

/** Removes an item that left the queue another way (ended, or Active through another path). */
export function dequeue(queue: WorkQueue, workItemId: string): WorkQueue {
  return findQueueEntry(queue, workItemId) ? withoutEntry(queue, workItemId) : queue;
}

/**
 * Offers every un-offered, unclaimed item, oldest first, to an eligible agent: Available or Busy, reachable,
 * with free capacity and a free session slot once their outstanding offers and claims are counted; the agent who just
 * declined it is skipped for one notification timeout. The preferred agent (same agent) wins when
 * eligible; otherwise the least loaded, then the one offered work longest ago.
 */
/**
 * Whether an agent could take an offer at all, before counting the offers they already hold: when no candidate
 * can, planning has nothing to do and the queue need not be read.
 */
export function mightTakeWork(
  candidate: RoutingCandidate,
  settings: Pick<WorkstreamSettings, 'capacityUnitsPerConversation' | 'agentCapacityUnits' | 'maxSessions'>,
): boolean {
  return (
    acceptsOffers(candidate.presence) &&
    candidate.reachable &&
    candidate.usedUnits + settings.capacityUnitsPerConversation <= settings.agentCapacityUnits &&
    candidate.sessionCount < settings.maxSessions
  );
}

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
  const count = (agentId: string) => pending.set(agentId, (pending.get(agentId) ?? 0) + 1);
  const open = new Map(candidates.map((candidate) => [candidate.id, new Set(candidate.sessionIds ?? [])]));
  for (const entry of queue.entries) {
    if (entry.offer) count(entry.offer.agentId);
    else if (entry.claim && !open.get(entry.claim.agentId)?.has(entry.workItemId)) count(entry.claim.agentId);
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
    if (entry.offer || entry.claim) return entry;
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
