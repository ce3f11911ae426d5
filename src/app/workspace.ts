import { findSession } from '../domain/agent-sessions';
import { emptyQueue } from '../domain/routing';
import type { WorkQueue } from '../domain/routing';
import { conversationSentiment, recordSentimentScore } from '../domain/sentiment';
import { ensureAgent } from './agents';
import { workItemIdOfSession } from './case-sessions';
import type { DeskContext } from './desk-context';
import { keys } from './documents';
import type { AgentDocument, TranscriptMessage } from './documents';
import { readWorkItem } from './routing';
import { activeConversationView, dashboardView, offerView, panelView } from './view-builders';
import type { OfferView, SentimentPoint, SessionDetailView, WorkspaceView } from './views';
import { readWorkItemIndex } from './work-item-index';

/** KB articles the session detail lists for the customer's first message. */
export const DETAIL_KB_RESULTS = 5;

/**
 * The agent's workspace as the tab shows it: panel, dashboard and the offers waiting for their answer.
 * The agent's document is created on first contact (Available), as in chat; nothing is sent anywhere.
 */
export async function workspace(ctx: DeskContext, agentId: string, name?: string): Promise<WorkspaceView> {
  const agent = await ensureAgent(ctx, agentId, name);
  const [entries, offers] = await Promise.all([readWorkItemIndex(ctx), pendingOffers(ctx, agentId)]);
  return {
    panel: panelView(agent, ctx.settings.workstream.sentimentThreshold),
    dashboard: dashboardView(entries, agentId),
    offers,
  };
}

async function pendingOffers(ctx: DeskContext, agentId: string): Promise<OfferView[]> {
  const { name, notificationTimeoutMs } = ctx.settings.workstream;
  const now = ctx.clock.now();
  const queue = (await ctx.store.get<WorkQueue>(keys.queue(name)))?.value ?? emptyQueue(name);
  const live = queue.entries.flatMap((entry) =>
    entry.offer && entry.offer.agentId === agentId && entry.offer.expiresAt > now ? [entry.offer] : [],
  );
  const views = await Promise.all(
    live.map(async (offer) => {
      const doc = await readWorkItem(ctx, offer.workItemId);
      return doc ? offerView(doc, offer, 'pending', notificationTimeoutMs) : undefined;
    }),
  );
  return views.filter((view): view is OfferView => view !== undefined);
}

/**
 * One of the agent's sessions in full, or undefined when the agent has no such session: an agent never reads
 * a session that is not in their own panel. A conversation another agent now holds is not theirs either; a
 * case session on such a work item keeps its form but shows none of the live conversation.
 */
export async function sessionDetail(
  ctx: DeskContext,
  agentId: string,
  sessionId: string,
): Promise<SessionDetailView | undefined> {
  const agent = (await ctx.store.get<AgentDocument>(keys.agent(agentId)))?.value;
  const session = agent ? findSession(agent.panel, sessionId) : undefined;
  if (!session) return undefined;
  const workItemId = workItemIdOfSession(session);
  const doc = workItemId ? await readWorkItem(ctx, workItemId) : undefined;
  if (!workItemId || !doc) return undefined;
  const heldByOther = doc.item.state === 'active' && doc.item.assignedAgentId !== agentId;
  if (session.kind === 'conversation' && !session.readOnly && heldByOther) return undefined;
  const visible = heldByOther ? { ...doc, transcript: [] } : doc;
  const readOnly = session.kind !== 'conversation' || session.readOnly;
  const seed = visible.transcript.find((message) => message.from === 'customer')?.text ?? '';
  return {
    sessionId: session.id,
    kind: session.kind,
    workItemId,
    conversation: activeConversationView(visible, readOnly, readOnly ? '' : session.draft.reply),
    transcript: visible.transcript.map(({ from, text, at }) => ({ from, text, at })),
    sentimentTrend: sentimentTrend(visible.transcript),
    draft: session.draft,
    kb: {
      kind: 'kb-search',
      sessionId: session.id,
      query: seed,
      results: seed ? ctx.kb.search(seed, DETAIL_KB_RESULTS) : [],
    },
  };
}

/**
 * The conversation's level after each customer message, oldest first: the mean over the sliding window of
 * the latest customer scores, as the alert uses. Messages stored before scores were kept have none and are
 * left out.
 */
export function sentimentTrend(transcript: readonly TranscriptMessage[]): SentimentPoint[] {
  let scores: readonly number[] = [];
  const points: SentimentPoint[] = [];
  for (const message of transcript) {
    if (message.from !== 'customer' || message.score === undefined) continue;
    scores = recordSentimentScore(scores, message.score);
    points.push({ at: message.at, level: conversationSentiment(scores) });
  }
  return points;
}
