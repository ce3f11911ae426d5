import {
  closeSession,
  dropSupervising,
  findSession,
  hasRoomFor,
  openSession,
  type OpenSessionRequest,
} from '../domain/agent-sessions';
import { CapacityReachedError, MaxSessionsReachedError } from '../domain/errors';
import { abandonClaim, settleClaim } from '../domain/routing';
import type { Claim } from '../domain/routing';
import { conversationSentiment } from '../domain/sentiment';
import { assignWorkItem } from '../domain/work-item';
import { refreshPanel, updateAgent } from './agents';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { showKb } from './knowledge';
import { dispatchOffers, type OfferPorts } from './offers';
import { teamworkOf } from './notes';
import { readExcerpt } from './transcripts';
import { SUMMARY_LINES, activeConversationView, replyDraft } from './view-builders';
import { announceWorkItemChange } from './work-item-index';
import { changeQueue } from './work-queue';

/** Finishing a claim offers work on when it fails, and opens the KB for the conversation when it succeeds. */
export type ClaimPorts = OfferPorts & Pick<DeskPorts, 'kb' | 'notes' | 'surveys'>;

/** How long a claim may stay unsettled before the sweeper takes it for one a crash left half-way. */
export const CLAIM_GRACE_MS = 30_000;

export type ClaimOutcome =
  | { readonly kind: 'done'; readonly doc: WorkItemDocument; readonly agent: AgentDocument }
  | { readonly kind: 'no-room'; readonly error: MaxSessionsReachedError | CapacityReachedError }
  | { readonly kind: 'gone' };

/**
 * Finishes an agent's claim on a queued item (an accept, a pick): their session opens, the item becomes
 * Active for them, the customer and the agent are told, and only then does the item leave the queue, so
 * routing counts it against the agent's capacity all along. Every step is idempotent: the sweeper runs this
 * again for a claim a crash left half-way (the customer may then read "joined" twice, nothing is lost).
 */
export async function finishClaim(deps: ClaimPorts, workItemId: string, claim: Claim): Promise<ClaimOutcome> {
  const now = deps.clock.now();
  const log = deps.logger.child({ workItemId, agentId: claim.agentId, via: claim.via });
  const ours = (doc: WorkItemDocument) =>
    doc.item.state === 'open' || (doc.item.state === 'active' && doc.item.assignedAgentId === claim.agentId);
  const settle = () => changeQueue(deps, (queue) => settleClaim(queue, workItemId, claim.agentId));
  const queued = await deps.queue.get(deps.settings.workstream.name);
  const held = queued?.entries.find((entry) => entry.workItemId === workItemId)?.claim;
  if (held?.agentId !== claim.agentId || held.at !== claim.at) {
    log.info({}, 'claim already settled or replaced');
    return { kind: 'gone' };
  }
  const before = await deps.workItems.get(workItemId);
  if (!before || !ours(before)) {
    log.warn({ state: before?.item.state }, 'claim dropped: the item is no longer open');
    await settle();
    return { kind: 'gone' };
  }
  const refused = await openClaimedSession(deps, before, claim, now);
  if (refused) {
    log.info({ reason: refused.code }, 'claim refused: no room');
    await changeQueue(deps, (queue) => abandonClaim(queue, workItemId, claim.agentId, now));
    await dispatchOffers(deps);
    return { kind: 'no-room', error: refused };
  }
  const updated = await deps.workItems.update(workItemId, (doc) =>
    doc && doc.item.state === 'open'
      ? { ...doc, item: assignWorkItem(doc.item, claim.agentId, now, doc.waitingSince) }
      : doc,
  );
  if (!updated || !ours(updated)) {
    // Someone else took or ended it between the two reads: the session opened for it closes again.
    log.warn({ state: updated?.item.state }, 'claim dropped: the item changed while it was being taken');
    const agent = await updateAgent(deps, claim.agentId, (current) =>
      findSession(current.panel, workItemId)
        ? { ...current, panel: closeSession(current.panel, workItemId) }
        : current,
    );
    await settle();
    await refreshPanel(deps, agent);
    return { kind: 'gone' };
  }
  const agent = await announceClaim(deps, updated, claim.agentId);
  await settle();
  return { kind: 'done', doc: updated, agent };
}

/**
 * Opens the claiming agent's session on the item, under their row's lock; the refusal when they have no free
 * session slot, or (for an accept) when the conversation would put them over their capacity. Offers are planned
 * from counts read before the queue's transaction, so two planners (two instances) may offer the last slot twice:
 * the second accept is refused here.
 */
async function openClaimedSession(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  doc: WorkItemDocument,
  claim: Pick<Claim, 'agentId' | 'via'>,
  now: number,
): Promise<MaxSessionsReachedError | CapacityReachedError | undefined> {
  const { workstream } = deps.settings;
  try {
    await updateAgent(deps, claim.agentId, (current) => {
      const panel = dropSupervising(current.panel, doc.item.id);
      if (findSession(panel, doc.item.id)) return current;
      if (claim.via === 'accept' && !hasRoomFor(panel, workstream)) throw new CapacityReachedError();
      return {
        ...current,
        panel: openSession(panel, conversationSession(doc), {
          maxSessions: workstream.maxSessions,
          now,
        }),
      };
    });
    return undefined;
  } catch (error) {
    if (error instanceof MaxSessionsReachedError || error instanceof CapacityReachedError) return error;
    throw error;
  }
}

/** Tells everyone the item is taken: the dashboard, the customer ("joined"), and the agent (conversation, KB, panel). */
async function announceClaim(
  deps: Pick<DeskPorts, 'agentRecords' | 'messages' | 'notifier' | 'kb' | 'settings' | 'notes'>,
  doc: WorkItemDocument,
  agentId: string,
): Promise<AgentDocument> {
  await announceWorkItemChange(deps);
  const agent = await deps.agentRecords.get(agentId);
  if (!agent) throw new Error(`Unknown agent ${agentId}.`);
  await deps.notifier.toCustomer(doc.item.customerId, customerWording.joined(agent.name), {
    kind: 'joined',
    agentName: agent.name,
  });
  await deps.notifier.toAgent(
    agent.id,
    activeConversationView(
      doc,
      await readExcerpt(deps, doc, SUMMARY_LINES),
      false,
      replyDraft(agent, doc.item.id),
      await teamworkOf(deps, doc.item.id),
    ),
  );
  await showKb(deps, agent.id, doc);
  await refreshPanel(deps, agent);
  return agent;
}

/** The session a conversation opens on an agent's panel (read-only for a look that takes no capacity). */
export function conversationSession(doc: WorkItemDocument, readOnly?: boolean): OpenSessionRequest {
  return {
    id: doc.item.id,
    kind: 'conversation',
    title: doc.item.title,
    ...(readOnly !== undefined ? { readOnly } : {}),
    sentiment: conversationSentiment(doc.item.sentimentScores),
    ...(doc.nameGiven ? { nameGiven: doc.nameGiven } : {}),
  };
}
