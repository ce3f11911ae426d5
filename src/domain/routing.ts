import { NotOfferedToAgentError, OfferNotFoundError } from './errors';
import { acceptsOffers } from './presence';
import type { PresenceStatus } from './presence';
import type { WorkstreamSettings } from './workstream';
import { findQueueEntry, replaceEntry, withoutEntry, withoutOffer } from './work-queue';
import type { Claim, Offer, QueueEntry, WorkQueue } from './work-queue';

// The queue model is imported through this module across the app and the store.
export type { Claim, DeclineReason, Offer, QueueEntry, WorkQueue } from './work-queue';
export { dequeue, emptyQueue, enqueue, findQueueEntry } from './work-queue';

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
  /** Transfers offered to the agent and not answered yet: each holds a conversation's capacity, as an offer does. */
  readonly pendingTransfers?: number;
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
  // An offer a supervisor assigned over the agent's capacity is taken with that capacity full.
  const via = offer.overCapacity ? 'accept-over-capacity' : 'accept';
  const claim: Claim = { agentId: request.agentId, at: request.now, via, offerId: offer.id };
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

type PlanSettings = Pick<
  WorkstreamSettings,
  | 'capacityUnitsPerConversation'
  | 'agentCapacityUnits'
  | 'maxSessions'
  | 'notificationTimeoutMs'
  | 'keepSameAgent'
  | 'keepAgentMs'
>;

/** One planning pass: per agent, the offers and unsettled claims they hold, and when they were last offered work. */
interface PlanningRound {
  readonly settings: PlanSettings;
  readonly now: number;
  readonly pending: Map<string, number>;
  readonly lastOffered: Map<string, number>;
}

/**
 * Offers every un-offered, unclaimed item, oldest first, to an eligible agent: Available or Busy, reachable,
 * with free capacity and a free session slot once their outstanding offers and claims are counted; the agent who just
 * declined it is skipped for one notification timeout. The preferred agent (same agent) wins when
 * eligible, and is waited for (nobody else is offered it) for KEEP_AGENT_S after the item was queued; otherwise the
 * least loaded, then the one offered work longest ago.
 */
export function planOffers(
  queue: WorkQueue,
  candidates: readonly RoutingCandidate[],
  settings: PlanSettings,
  now: number,
  nextOfferId: () => string,
): { queue: WorkQueue; offers: Offer[] } {
  const round = startRound(queue, candidates, settings, now);
  const offers: Offer[] = [];
  const entries = queue.entries.map((entry) => {
    if (entry.offer || entry.claim) return entry;
    const chosen = chooseAgent(round, candidates, entry);
    if (!chosen) return entry;
    const offer: Offer = {
      id: nextOfferId(),
      workItemId: entry.workItemId,
      agentId: chosen.id,
      offeredAt: now,
      expiresAt: now + settings.notificationTimeoutMs,
    };
    offers.push(offer);
    round.pending.set(chosen.id, (round.pending.get(chosen.id) ?? 0) + 1);
    round.lastOffered.set(chosen.id, now);
    return { ...entry, offer };
  });
  return { queue: offers.length ? { ...queue, entries } : queue, offers };
}

/** A claim on a session already open on the agent's panel is not counted twice. */
function startRound(
  queue: WorkQueue,
  candidates: readonly RoutingCandidate[],
  settings: PlanSettings,
  now: number,
): PlanningRound {
  const pending = new Map<string, number>(
    candidates.flatMap((candidate) =>
      candidate.pendingTransfers ? [[candidate.id, candidate.pendingTransfers] as const] : [],
    ),
  );
  const count = (agentId: string) => pending.set(agentId, (pending.get(agentId) ?? 0) + 1);
  const open = new Map(candidates.map((candidate) => [candidate.id, new Set(candidate.sessionIds ?? [])]));
  for (const entry of queue.entries) {
    if (entry.offer) count(entry.offer.agentId);
    else if (entry.claim && !open.get(entry.claim.agentId)?.has(entry.workItemId)) count(entry.claim.agentId);
  }
  const lastOffered = new Map(
    candidates.map((candidate) => [candidate.id, candidate.lastOfferedAt ?? -Infinity]),
  );
  return { settings, now, pending, lastOffered };
}

function loadOf(round: PlanningRound, candidate: RoutingCandidate): number {
  return (
    candidate.usedUnits + (round.pending.get(candidate.id) ?? 0) * round.settings.capacityUnitsPerConversation
  );
}

function eligible(round: PlanningRound, candidate: RoutingCandidate, entry: QueueEntry): boolean {
  const { settings, now } = round;
  const offers = round.pending.get(candidate.id) ?? 0;
  const coolingDown =
    entry.declined?.agentId === candidate.id && now < entry.declined.at + settings.notificationTimeoutMs;
  return (
    acceptsOffers(candidate.presence) &&
    candidate.reachable &&
    !coolingDown &&
    loadOf(round, candidate) + settings.capacityUnitsPerConversation <= settings.agentCapacityUnits &&
    candidate.sessionCount + offers < settings.maxSessions
  );
}

function chooseAgent(
  round: PlanningRound,
  candidates: readonly RoutingCandidate[],
  entry: QueueEntry,
): RoutingCandidate | undefined {
  const able = candidates.filter((candidate) => eligible(round, candidate, entry));
  const { keepSameAgent, keepAgentMs } = round.settings;
  const preferred = keepSameAgent
    ? able.find((candidate) => candidate.id === entry.preferredAgentId)
    : undefined;
  // A customer back to a Waiting conversation waits KEEP_AGENT_S for the agent they had, then takes anyone.
  const waitsForPreferred =
    keepSameAgent && entry.preferredAgentId !== undefined && round.now - entry.enqueuedAt < keepAgentMs;
  if (waitsForPreferred) return preferred;
  const lastOffered = (candidate: RoutingCandidate) => round.lastOffered.get(candidate.id) ?? -Infinity;
  return (
    preferred ??
    [...able].sort(
      (a, b) =>
        loadOf(round, a) - loadOf(round, b) || lastOffered(a) - lastOffered(b) || a.id.localeCompare(b.id),
    )[0]
  );
}
