import { findSession } from '../domain/agent-sessions';
import { emptyQueue } from '../domain/routing';
import type { WorkQueue } from '../domain/routing';
import { conversationSentiment, recordSentimentScore } from '../domain/sentiment';
import { ensureAgent } from './agents';
import { workItemIdOfSession } from './case-sessions';
import type { DeskContext } from './desk-context';
import { keys } from './documents';
import type { AgentDocument, CustomerDocument, TranscriptMessage, WorkItemDocument } from './documents';
import { readWorkItem } from './routing';
import { activeConversationView, dashboardView, offerView, panelView, previewOf } from './view-builders';
import type {
  KbArticleHit,
  OfferView,
  PreviousConversation,
  SentimentPoint,
  SessionDetailView,
  TranscriptEntry,
  WorkspaceView,
} from './views';
import { readWorkItemIndex } from './work-item-index';

/** KB articles the session detail lists for the customer's latest message. */
export const DETAIL_KB_RESULTS = 5;

/**
 * The agent's workspace as the tab shows it: panel, dashboard and the offers waiting for their answer.
 * The agent's document is created on first contact (Available), as in chat; nothing is sent anywhere.
 */
export async function workspace(ctx: DeskContext, agentId: string, name?: string): Promise<WorkspaceView> {
  const agent = await ensureAgent(ctx, agentId, name);
  const [entries, offers] = await Promise.all([readWorkItemIndex(ctx), pendingOffers(ctx, agentId)]);
  return {
    now: ctx.clock.now(),
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
  const kb = suggestions(ctx, visible.transcript);
  const previous = heldByOther ? [] : await previousConversations(ctx, doc);
  const conversation = activeConversationView(visible, readOnly, readOnly ? '' : session.draft.reply);
  return {
    sessionId: session.id,
    kind: session.kind,
    workItemId,
    conversation: previous.length > 0 ? { ...conversation, previous } : conversation,
    transcript: await transcriptEntries(ctx, visible.transcript),
    sentimentTrend: sentimentTrend(visible.transcript),
    draft: session.draft,
    kb: {
      kind: 'kb-search',
      sessionId: session.id,
      ...kb,
    },
  };
}

/**
 * KB suggestions follow the conversation: what the customer asked last; when that finds nothing ("thanks!"),
 * what they came with.
 */
function suggestions(
  ctx: DeskContext,
  transcript: readonly TranscriptMessage[],
): { query: string; results: KbArticleHit[] } {
  const asked = transcript.filter((message) => message.from === 'customer').map((message) => message.text);
  for (const query of new Set([asked.at(-1), asked[0]])) {
    if (!query) continue;
    const results = ctx.kb.search(query, DETAIL_KB_RESULTS);
    if (results.length > 0) return { query, results };
  }
  return { query: asked.at(-1) ?? '', results: [] };
}

/** Earlier conversations listed on the pane. */
export const PREVIOUS_LISTED = 10;

/** The same customer's other conversations, newest first: the one shown is left out. */
async function previousConversations(
  ctx: DeskContext,
  doc: WorkItemDocument,
): Promise<PreviousConversation[]> {
  const customer = (await ctx.store.get<CustomerDocument>(keys.customer(doc.item.customerId)))?.value;
  const ids = [customer?.latestWorkItemId, ...(customer?.previousWorkItemIds ?? [])]
    .filter((id): id is string => id !== undefined && id !== doc.item.id)
    .slice(0, PREVIOUS_LISTED);
  const docs = await ctx.store.getMany<WorkItemDocument>(ids.map((id) => keys.workItem(id)));
  return ids.flatMap((id) => {
    const found = docs.get(keys.workItem(id))?.value;
    if (!found) return [];
    const first = found.transcript.find((message) => message.from === 'customer');
    return [
      {
        workItemId: id,
        startedAt: found.item.createdAt,
        state: found.item.state,
        preview: first ? previewOf(first.text) : '',
      },
    ];
  });
}

/** The transcript with each agent line's author named (an agent who has gone keeps their id as the name). */
async function transcriptEntries(
  ctx: DeskContext,
  transcript: readonly TranscriptMessage[],
): Promise<TranscriptEntry[]> {
  const agentIds = [...new Set(transcript.flatMap((m) => (m.agentId ? [m.agentId] : [])))];
  const agents = await ctx.store.getMany<AgentDocument>(agentIds.map((id) => keys.agent(id)));
  return transcript.map(({ from, text, at, agentId, delivery }) => {
    if (from !== 'agent' || !agentId) return { from, text, at };
    const agentName = agents.get(keys.agent(agentId))?.value.name || agentId;
    return { from, text, at, agentId, agentName, ...(delivery ? { delivery } : {}) };
  });
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
