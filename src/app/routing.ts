import { closeSession, findSession, openSession } from '../domain/agent-sessions';
import { MaxSessionsReachedError, OfferNotFoundError } from '../domain/errors';
import {
  abandonClaim,
  acceptOffer,
  expireOffers,
  mightTakeWork,
  planOffers,
  rejectOffer,
  settleClaim,
  staleClaims,
} from '../domain/routing';
import type { Claim, Offer, RoutingCandidate, WorkQueue } from '../domain/routing';
import { conversationSentiment } from '../domain/sentiment';
import { assignWorkItem } from '../domain/work-item';
import { refreshPanel, updateAgent } from './agents';
import { customerWording } from './customer-wording';
import type { DeskContext } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { readExcerpt } from './transcripts';
import { SUMMARY_LINES, activeConversationView, offerView, refusal, replyDraft } from './view-builders';
import type { AgentView, OfferStatus } from './views';
import { announceWorkItemChange } from './work-item-index';

async function readWorkItem(ctx: DeskContext, workItemId: string): Promise<WorkItemDocument | undefined> {
  return await ctx.workItems.get(workItemId);
}

async function updateQueue<R>(
  ctx: DeskContext,
  change: (queue: WorkQueue) => { queue: WorkQueue; result: R },
): Promise<R> {
  const name = ctx.settings.workstream.name;
  let result: R | undefined;
  await ctx.queue.update(name, (current) => {
    const outcome = change(current);
    result = outcome.result;
    return outcome.queue;
  });
  return result as R;
}

async function candidates(ctx: DeskContext): Promise<RoutingCandidate[]> {
  const agentIds = await ctx.agents();
  const [agents, reachable] = await Promise.all([
    ctx.agentRecords.forRouting(agentIds),
    Promise.all(agentIds.map(async (id) => [id, await ctx.canReach(id)] as const)),
  ]);
  const reachableIds = new Set(reachable.flatMap(([id, can]) => (can ? [id] : [])));
  const units = ctx.settings.workstream.capacityUnitsPerConversation;
  return agents.map((agent) => ({
    id: agent.id,
    presence: agent.presence,
    usedUnits: agent.sessions.filter((s) => s.kind === 'conversation' && !s.readOnly).length * units,
    sessionCount: agent.sessions.length,
    sessionIds: agent.sessions.map((session) => session.id),
    reachable: reachableIds.has(agent.id),
    ...(agent.lastOfferedAt !== undefined ? { lastOfferedAt: agent.lastOfferedAt } : {}),
  }));
}

async function sendOfferCard(ctx: DeskContext, offer: Offer, status: OfferStatus): Promise<void> {
  const doc = await readWorkItem(ctx, offer.workItemId);
  if (!doc) return;
  const view = offerView(
    doc,
    await readExcerpt(ctx, doc, 0),
    offer,
    status,
    ctx.settings.workstream.notificationTimeoutMs,
  );
  await ctx.notifier.toAgent(offer.agentId, view, { slot: `offer:${offer.id}` });
}

/** Offers every waiting item to an eligible agent, oldest first, and sends the offer cards. */
export async function dispatchOffers(ctx: DeskContext): Promise<Offer[]> {
  const now = ctx.clock.now();
  const pool = await candidates(ctx);
  // Every agent full, away or unreachable: nothing can be offered, so the queue is left unread.
  if (!pool.some((candidate) => mightTakeWork(candidate, ctx.settings.workstream))) return [];
  const offers = await updateQueue(ctx, (queue) => {
    const planned = planOffers(queue, pool, ctx.settings.workstream, now, () => ctx.ids.next());
    return { queue: planned.queue, result: planned.offers };
  });
  for (const offer of offers) {
    ctx.logger.info({ workItemId: offer.workItemId, agentId: offer.agentId, offerId: offer.id }, 'offered');
    await ctx.agentRecords.update(offer.agentId, (agent) =>
      agent ? { ...agent, lastOfferedAt: now } : agent,
    );
    await sendOfferCard(ctx, offer, 'pending');
  }
  return offers;
}

/** Accept: the agent takes the offered item; it becomes Active and a focused session. */
export async function accept(
  ctx: DeskContext,
  request: { agentId: string; workItemId: string; offerId: string },
): Promise<AgentView> {
  const now = ctx.clock.now();
  const { workstream } = ctx.settings;
  const log = ctx.logger.child({ ...request, action: 'accept' });
  const agentBefore = await ctx.agentRecords.get(request.agentId);
  if (agentBefore && agentBefore.panel.sessions.length >= workstream.maxSessions) {
    log.info({}, 'accept refused: maximum sessions');
    return refusal(new MaxSessionsReachedError());
  }
  let offer: Offer;
  try {
    offer = await updateQueue(ctx, (queue) => {
      const accepted = acceptOffer(queue, { ...request, now });
      return { queue: accepted.queue, result: accepted.offer };
    });
  } catch (error) {
    log.info({ reason: error instanceof Error ? error.message : String(error) }, 'accept refused');
    return refusalOfferView(ctx, request, error);
  }

  const finished = await finishClaim(ctx, request.workItemId, {
    agentId: request.agentId,
    at: now,
    via: 'accept',
    offerId: offer.id,
  });
  if (finished.kind === 'no-room') {
    log.info({}, 'accept refused: maximum sessions');
    return refusal(new MaxSessionsReachedError());
  }
  if (finished.kind === 'gone')
    return refusalOfferView(ctx, request, new OfferNotFoundError(request.workItemId));
  log.info({}, 'accepted');
  return offerView(
    finished.doc,
    await readExcerpt(ctx, finished.doc, 0),
    offer,
    'accepted',
    workstream.notificationTimeoutMs,
  );
}

/** How long a claim may stay unsettled before the sweeper takes it for one a crash left half-way. */
export const CLAIM_GRACE_MS = 30_000;

export type ClaimOutcome =
  | { readonly kind: 'done'; readonly doc: WorkItemDocument; readonly agent: AgentDocument }
  | { readonly kind: 'no-room' }
  | { readonly kind: 'gone' };

export async function changeQueue(ctx: DeskContext, change: (queue: WorkQueue) => WorkQueue): Promise<void> {
  await updateQueue(ctx, (queue) => ({ queue: change(queue), result: undefined }));
}

/**
 * Finishes an agent's claim on a queued item (an accept, a pick): their session opens, the item becomes
 * Active for them, the customer and the agent are told, and only then does the item leave the queue, so
 * routing counts it against the agent's capacity all along. Every step is idempotent: the sweeper runs this
 * again for a claim a crash left half-way (the customer may then read "joined" twice, nothing is lost).
 */
export async function finishClaim(ctx: DeskContext, workItemId: string, claim: Claim): Promise<ClaimOutcome> {
  const now = ctx.clock.now();
  const { workstream } = ctx.settings;
  const log = ctx.logger.child({ workItemId, agentId: claim.agentId, via: claim.via });
  const ours = (doc: WorkItemDocument) =>
    doc.item.state === 'open' || (doc.item.state === 'active' && doc.item.assignedAgentId === claim.agentId);
  const queued = await ctx.queue.get(workstream.name);
  const held = queued?.entries.find((entry) => entry.workItemId === workItemId)?.claim;
  if (held?.agentId !== claim.agentId || held.at !== claim.at) {
    log.info({}, 'claim already settled or replaced');
    return { kind: 'gone' };
  }
  const before = await readWorkItem(ctx, workItemId);
  if (!before || !ours(before)) {
    log.warn({ state: before?.item.state }, 'claim dropped: the item is no longer open');
    await changeQueue(ctx, (queue) => settleClaim(queue, workItemId, claim.agentId));
    return { kind: 'gone' };
  }
  try {
    await updateAgent(ctx, claim.agentId, (current) =>
      findSession(current.panel, workItemId)
        ? current
        : {
            ...current,
            panel: openSession(
              current.panel,
              {
                id: workItemId,
                kind: 'conversation',
                title: before.item.title,
                sentiment: conversationSentiment(before.item.sentimentScores),
                ...(before.nameGiven ? { nameGiven: before.nameGiven } : {}),
              },
              { maxSessions: workstream.maxSessions, now },
            ),
          },
    );
  } catch (error) {
    if (!(error instanceof MaxSessionsReachedError)) throw error;
    await changeQueue(ctx, (queue) => abandonClaim(queue, workItemId, claim.agentId, now));
    await dispatchOffers(ctx);
    return { kind: 'no-room' };
  }
  const updated = await ctx.workItems.update(workItemId, (doc) =>
    doc && doc.item.state === 'open' ? { ...doc, item: assignWorkItem(doc.item, claim.agentId, now) } : doc,
  );
  if (!updated || !ours(updated)) {
    // Someone else took or ended it between the two reads: the session opened for it closes again.
    log.warn({ state: updated?.item.state }, 'claim dropped: the item changed while it was being taken');
    const agent = await updateAgent(ctx, claim.agentId, (current) =>
      findSession(current.panel, workItemId)
        ? { ...current, panel: closeSession(current.panel, workItemId) }
        : current,
    );
    await changeQueue(ctx, (queue) => settleClaim(queue, workItemId, claim.agentId));
    await refreshPanel(ctx, agent);
    return { kind: 'gone' };
  }
  await announceWorkItemChange(ctx);
  const agent = await readAgent(ctx, claim.agentId);
  await ctx.notifier.toCustomer(updated.item.customerId, customerWording.joined(agent.name), {
    kind: 'joined',
    agentName: agent.name,
  });
  await ctx.notifier.toAgent(
    agent.id,
    activeConversationView(
      updated,
      await readExcerpt(ctx, updated, SUMMARY_LINES),
      false,
      replyDraft(agent, updated.item.id),
    ),
  );
  await showKb(ctx, agent.id, updated);
  await refreshPanel(ctx, agent);
  await changeQueue(ctx, (queue) => settleClaim(queue, workItemId, claim.agentId));
  return { kind: 'done', doc: updated, agent };
}

async function readAgent(ctx: DeskContext, agentId: string): Promise<AgentDocument> {
  const agent = await ctx.agentRecords.get(agentId);
  if (!agent) throw new Error(`Unknown agent ${agentId}.`);
  return agent;
}

/** Reject: the item goes back to its place in the queue and on to the next agent. */
export async function reject(
  ctx: DeskContext,
  request: { agentId: string; workItemId: string; offerId: string },
): Promise<AgentView> {
  const now = ctx.clock.now();
  let offer: Offer;
  try {
    offer = await updateQueue(ctx, (queue) => {
      const rejected = rejectOffer(queue, { ...request, now });
      return { queue: rejected.queue, result: rejected.offer };
    });
  } catch (error) {
    ctx.logger.info(
      { ...request, action: 'reject', reason: error instanceof Error ? error.message : String(error) },
      'reject refused',
    );
    return refusalOfferView(ctx, request, error);
  }
  ctx.logger.info({ ...request }, 'rejected');
  await dispatchOffers(ctx);
  const doc = await readWorkItem(ctx, request.workItemId);
  return doc
    ? offerView(
        doc,
        await readExcerpt(ctx, doc, 0),
        offer,
        'rejected',
        ctx.settings.workstream.notificationTimeoutMs,
      )
    : refusal(undefined);
}

async function refusalOfferView(
  ctx: DeskContext,
  request: { agentId: string; workItemId: string; offerId: string },
  error: unknown,
): Promise<AgentView> {
  const doc = await readWorkItem(ctx, request.workItemId);
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
    await readExcerpt(ctx, doc, 0),
    placeholder,
    'unavailable',
    ctx.settings.workstream.notificationTimeoutMs,
  );
  return error instanceof OfferNotFoundError ? view : refusal(error);
}

/** Opens the KB search for a session, seeded with the customer's first message. */
export async function showKb(
  ctx: DeskContext,
  agentId: string,
  doc: WorkItemDocument,
  query?: string,
): Promise<void> {
  const seed = query ?? (await ctx.messages.firstFromCustomer(doc.item.id))?.text ?? '';
  const results = ctx.kb.search(seed, 5);
  await ctx.notifier.toAgent(agentId, { kind: 'kb-search', sessionId: doc.item.id, query: seed, results });
}

/**
 * The sweeper: offers not answered in time become Missed and go to the next agent.
 * One pass over the queue per tick, driven by the injected clock — no timer per offer.
 */
export async function sweepOffers(ctx: DeskContext): Promise<{ missed: Offer[]; offered: Offer[] }> {
  const now = ctx.clock.now();
  const queue = await ctx.queue.get(ctx.settings.workstream.name);
  for (const { workItemId, claim } of queue ? staleClaims(queue, now, CLAIM_GRACE_MS) : []) {
    const fields = { workItemId, agentId: claim.agentId, via: claim.via };
    ctx.logger.warn(fields, 'finishing a claim left half-way');
    try {
      await finishClaim(ctx, workItemId, claim);
    } catch (error) {
      // One claim that cannot be finished must not stop the sweep (offers still expire); it is tried again.
      ctx.logger.error({ ...fields, err: error }, 'claim could not be finished');
    }
  }
  const missed = await updateQueue(ctx, (queue) => {
    const expired = expireOffers(queue, now);
    return { queue: expired.queue, result: expired.expired };
  });
  for (const offer of missed) {
    ctx.logger.info(
      { workItemId: offer.workItemId, agentId: offer.agentId, offerId: offer.id },
      'offer missed',
    );
    await sendOfferCard(ctx, offer, 'missed');
  }
  const offered = await dispatchOffers(ctx);
  return { missed, offered };
}

export { readWorkItem };
