import { MaxSessionsReachedError, OfferNotFoundError } from '../domain/errors';
import { acceptOffer, mightTakeWork, planOffers, rejectOffer } from '../domain/routing';
import type { Offer, RoutingCandidate } from '../domain/routing';
import { dequeue, findQueueEntry } from '../domain/work-queue';
import { finishClaim, type ClaimPorts } from './claims';
import { offerCard, type DeskPorts } from './desk-context';
import { readExcerpt } from './transcripts';
import { offerView, refusal } from './view-builders';
import type { AgentView, OfferStatus } from './views';
import { updateQueue } from './work-queue';

/** What routing reads and writes to offer waiting work to agents. */
export type OfferPorts = Pick<
  DeskPorts,
  | 'agents'
  | 'canReach'
  | 'agentRecords'
  | 'queue'
  | 'workItems'
  | 'messages'
  | 'notifier'
  | 'clock'
  | 'ids'
  | 'logger'
  | 'settings'
>;

/** An agent's answer to one offer, as a card or the tab sends it. */
export interface OfferAnswer {
  readonly agentId: string;
  readonly workItemId: string;
  readonly offerId: string;
}

async function candidates(
  deps: Pick<DeskPorts, 'agents' | 'canReach' | 'agentRecords' | 'workItems' | 'settings'>,
): Promise<RoutingCandidate[]> {
  const agentIds = await deps.agents();
  const [agents, reachable, transfers] = await Promise.all([
    deps.agentRecords.forRouting(agentIds),
    Promise.all(agentIds.map(async (id) => [id, await deps.canReach(id)] as const)),
    deps.workItems.pendingTransfers(),
  ]);
  const reachableIds = new Set(reachable.flatMap(([id, can]) => (can ? [id] : [])));
  const units = deps.settings.workstream.capacityUnitsPerConversation;
  return agents.map((agent) => ({
    id: agent.id,
    presence: agent.presence,
    usedUnits: agent.sessions.filter((s) => s.kind === 'conversation' && !s.readOnly).length * units,
    sessionCount: agent.sessions.length,
    sessionIds: agent.sessions.map((session) => session.id),
    reachable: reachableIds.has(agent.id),
    pendingTransfers: transfers.filter((transfer) => transfer.toAgentId === agent.id).length,
    ...(agent.lastOfferedAt !== undefined ? { lastOfferedAt: agent.lastOfferedAt } : {}),
  }));
}

/** Sends (or updates in place) the card of one offer. */
export async function sendOfferCard(
  deps: Pick<DeskPorts, 'workItems' | 'messages' | 'notifier' | 'settings'>,
  offer: Offer,
  status: OfferStatus,
): Promise<void> {
  const doc = await deps.workItems.get(offer.workItemId);
  if (!doc) return;
  const view = offerView(
    doc,
    await readExcerpt(deps, doc, 0),
    offer,
    status,
    deps.settings.workstream.notificationTimeoutMs,
  );
  await deps.notifier.toAgent(offer.agentId, view, { target: offerCard(offer.id) });
}

/**
 * Takes a conversation out of the queue as it closes. A live offer of it is withdrawn, its card updated in place to
 * say so: left as it was, it would show Accept with a countdown for a conversation that is gone.
 */
export async function leaveQueue(
  deps: Pick<DeskPorts, 'queue' | 'workItems' | 'messages' | 'notifier' | 'settings'>,
  workItemId: string,
): Promise<void> {
  const offer = await updateQueue(deps, (queue) => ({
    queue: dequeue(queue, workItemId),
    result: findQueueEntry(queue, workItemId)?.offer,
  }));
  if (offer) await sendOfferCard(deps, offer, 'unavailable');
}

/** Offers every waiting item to an eligible agent, oldest first, and sends the offer cards. */
export async function dispatchOffers(deps: OfferPorts): Promise<Offer[]> {
  const now = deps.clock.now();
  const pool = await candidates(deps);
  // Every agent full, away or unreachable: nothing can be offered, so the queue is left unread.
  if (!pool.some((candidate) => mightTakeWork(candidate, deps.settings.workstream))) return [];
  const offers = await updateQueue(deps, (queue) => {
    const planned = planOffers(queue, pool, deps.settings.workstream, now, () => deps.ids.next());
    return { queue: planned.queue, result: planned.offers };
  });
  for (const offer of offers) {
    deps.logger.info({ workItemId: offer.workItemId, agentId: offer.agentId, offerId: offer.id }, 'offered');
    await deps.agentRecords.update(offer.agentId, (agent) =>
      agent ? { ...agent, lastOfferedAt: now } : agent,
    );
    await sendOfferCard(deps, offer, 'pending');
  }
  return offers;
}

/** Accept: the agent takes the offered item; it becomes Active and a focused session. */
export async function accept(deps: ClaimPorts, request: OfferAnswer): Promise<AgentView> {
  const now = deps.clock.now();
  const { workstream } = deps.settings;
  const log = deps.logger.child({ ...request, action: 'accept' });
  const agentBefore = await deps.agentRecords.get(request.agentId);
  if (agentBefore && agentBefore.panel.sessions.length >= workstream.maxSessions) {
    log.info({}, 'accept refused: maximum sessions');
    return refusal(new MaxSessionsReachedError());
  }
  let offer: Offer;
  try {
    offer = await updateQueue(deps, (queue) => {
      const accepted = acceptOffer(queue, { ...request, now });
      return { queue: accepted.queue, result: accepted.offer };
    });
  } catch (error) {
    log.info({ reason: error instanceof Error ? error.message : String(error) }, 'accept refused');
    return refusalOfferView(deps, request, error);
  }

  const finished = await finishClaim(deps, request.workItemId, {
    agentId: request.agentId,
    at: now,
    via: offer.overCapacity ? 'accept-over-capacity' : 'accept',
    offerId: offer.id,
  });
  if (finished.kind === 'no-room') {
    log.info({ reason: finished.error.code }, 'accept refused: no room');
    return refusal(finished.error);
  }
  if (finished.kind === 'gone')
    return refusalOfferView(deps, request, new OfferNotFoundError(request.workItemId));
  log.info({}, 'accepted');
  return offerView(
    finished.doc,
    await readExcerpt(deps, finished.doc, 0),
    offer,
    'accepted',
    workstream.notificationTimeoutMs,
  );
}

/** Reject: the item goes back to its place in the queue and on to the next agent. */
export async function reject(deps: OfferPorts, request: OfferAnswer): Promise<AgentView> {
  const now = deps.clock.now();
  let offer: Offer;
  try {
    offer = await updateQueue(deps, (queue) => {
      const rejected = rejectOffer(queue, { ...request, now });
      return { queue: rejected.queue, result: rejected.offer };
    });
  } catch (error) {
    deps.logger.info(
      { ...request, action: 'reject', reason: error instanceof Error ? error.message : String(error) },
      'reject refused',
    );
    return refusalOfferView(deps, request, error);
  }
  deps.logger.info({ ...request }, 'rejected');
  await dispatchOffers(deps);
  const doc = await deps.workItems.get(request.workItemId);
  return doc
    ? offerView(
        doc,
        await readExcerpt(deps, doc, 0),
        offer,
        'rejected',
        deps.settings.workstream.notificationTimeoutMs,
      )
    : refusal(undefined);
}

async function refusalOfferView(
  deps: Pick<DeskPorts, 'workItems' | 'messages' | 'settings'>,
  request: OfferAnswer,
  error: unknown,
): Promise<AgentView> {
  const doc = await deps.workItems.get(request.workItemId);
  if (!doc) return refusal(error);
  const placeholder: Offer = {
    id: request.offerId,
    workItemId: request.workItemId,
    agentId: request.agentId,
    offeredAt: 0,
    expiresAt: 0,
  };
  const view = offerView(
    doc,
    await readExcerpt(deps, doc, 0),
    placeholder,
    'unavailable',
    deps.settings.workstream.notificationTimeoutMs,
  );
  return error instanceof OfferNotFoundError ? view : refusal(error);
}
