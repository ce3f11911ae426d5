import { findSession } from '../domain/agent-sessions';
import { sessionAccess } from '../domain/session-access';
import { conversationSentiment, recordSentimentScore } from '../domain/sentiment';
import { ensureAgent, type EnsureAgentPorts } from './agents';
import { workItemIdOfSession } from './case-sessions';
import type { DeskPorts } from './desk-context';
import type { TranscriptMessage, WorkItemDocument } from './documents';
import type { StoredMessage } from './repositories';
import { teamworkOf } from './notes';
import { readExcerpt, type TranscriptExcerpt } from './transcripts';
import { surveyAnswerOf } from './csat-survey';
import { SUMMARY_LINES, activeConversationView, dashboardView, offerView, panelView } from './view-builders';
import type {
  KbArticleHit,
  OfferView,
  PreviousConversation,
  SentimentPoint,
  SessionDetailView,
  TranscriptEntry,
  TranscriptPage,
  WorkspaceView,
} from './views';
import { transferOfferView } from './transfers';
import { wrapUpView } from './wrap-up';
import { consultView } from './consult-thread';
import { readWorkItemIndex } from './work-item-index';
import { joinedSupervisors } from './monitor-sessions';

/** KB articles the session detail lists for the customer's latest message. */
export const DETAIL_KB_RESULTS = 5;

/** Transcript lines a session detail carries; earlier ones are read a page at a time on scroll. */
export const TRANSCRIPT_PAGE = 50;

/**
 * The agent's workspace as the tab shows it: panel, dashboard and the offers waiting for their answer.
 * The agent is created on first contact (Available), as in chat; nothing is sent anywhere.
 */
export async function workspace(
  deps: EnsureAgentPorts & Pick<DeskPorts, 'workItems' | 'messages' | 'queue' | 'notes'>,
  agentId: string,
  name?: string,
): Promise<WorkspaceView> {
  const agent = await ensureAgent(deps, agentId, name);
  const [entries, offers] = await Promise.all([readWorkItemIndex(deps), pendingOffers(deps, agentId)]);
  return {
    now: deps.clock.now(),
    panel: panelView(agent, deps.settings.workstream.sentimentThreshold),
    dashboard: dashboardView(entries, agentId),
    offers,
  };
}

async function pendingOffers(
  deps: Pick<DeskPorts, 'queue' | 'workItems' | 'messages' | 'clock' | 'settings' | 'notes' | 'agentRecords'>,
  agentId: string,
): Promise<OfferView[]> {
  const { name, notificationTimeoutMs } = deps.settings.workstream;
  const now = deps.clock.now();
  const live = await deps.queue.offersFor(name, agentId, now);
  const views = await Promise.all(
    live.map(async (offer) => {
      const doc = await deps.workItems.get(offer.workItemId);
      if (!doc) return undefined;
      return offerView(doc, await readExcerpt(deps, doc, 0), offer, 'pending', notificationTimeoutMs);
    }),
  );
  // Transfers offered to this agent are offers too, answered with the same Accept / Reject.
  const transfers = (await deps.workItems.pendingTransfers()).filter(
    (pending) => pending.toAgentId === agentId && pending.expiresAt > now,
  );
  const handovers = await Promise.all(
    transfers.map(async (pending) => {
      const doc = await deps.workItems.get(pending.workItemId);
      return doc?.item.transfer?.offerId === pending.offerId
        ? transferOfferView(deps, doc, pending, 'pending')
        : undefined;
    }),
  );
  return [...views, ...handovers]
    .filter((view): view is OfferView => view !== undefined)
    .sort((a, b) => a.offeredAt - b.offeredAt);
}

/**
 * One of the agent's sessions in full, or undefined when the agent has no such session: an agent never reads
 * a session that is not in their own panel. A conversation another agent now holds is not theirs either; a
 * case session on such a work item keeps its form but shows none of the live conversation.
 */
/** What reading a session in full reads: the agent's panel, the work item, its transcript, the KB. */
export type SessionReadPorts = Pick<
  DeskPorts,
  'agentRecords' | 'workItems' | 'messages' | 'kb' | 'notes' | 'settings' | 'clock' | 'consults' | 'surveys'
>;

export async function sessionDetail(
  deps: SessionReadPorts,
  agentId: string,
  sessionId: string,
): Promise<SessionDetailView | undefined> {
  const agent = await deps.agentRecords.get(agentId);
  const session = agent ? findSession(agent.panel, sessionId) : undefined;
  if (!session) return undefined;
  const workItemId = workItemIdOfSession(session);
  const doc = workItemId ? await deps.workItems.get(workItemId) : undefined;
  if (!workItemId || !doc) return undefined;
  const access = sessionAccess(doc.item, session, agentId);
  const { heldByOther, readOnly } = access;
  if (session.kind === 'conversation' && !session.readOnly && heldByOther) return undefined;
  const [page, excerpt, previous] = heldByOther
    ? [[], { recent: [] }, []]
    : await Promise.all([
        deps.messages.latest(workItemId, TRANSCRIPT_PAGE),
        readExcerpt(deps, doc, SUMMARY_LINES),
        previousConversations(deps, doc),
      ]);
  const teamwork = heldByOther
    ? {}
    : {
        ...(await teamworkOf(deps, workItemId, session)),
        ...(await surveyAnswerOf(deps, doc)),
        ...(await supervisorsIn(deps, doc, agentId)),
      };
  const conversation = activeConversationView(
    doc,
    excerpt,
    access,
    readOnly ? '' : session.draft.reply,
    teamwork,
  );
  return {
    sessionId: session.id,
    kind: session.kind,
    workItemId,
    conversation: previous.length > 0 ? { ...conversation, previous } : conversation,
    transcript: await transcriptEntries(deps, page),
    earlierMessages: (page[0]?.seq ?? 1) > 1,
    sentimentTrend: sentimentTrend(page),
    draft: session.draft,
    kb: {
      kind: 'kb-search',
      sessionId: session.id,
      ...suggestions(deps, excerpt),
    },
    ...((session.consult !== undefined ||
      (doc.item.assignedAgentId === agentId && (doc.item.consultants ?? 0) > 0)) &&
    doc.item.state === 'active'
      ? { consult: await consultView(deps, doc, agentId) }
      : {}),
    ...(session.supervising !== undefined ? { supervising: session.supervising } : {}),
    ...(session.wrapUpSince !== undefined && doc.item.state === 'wrap-up'
      ? { wrapUp: wrapUpView(session, deps.settings.workstream.wrapUp, deps.clock.now()) }
      : {}),
  };
}

/**
 * The page of a session's transcript before line `before`, for the tab scrolling back; undefined when the agent
 * may not read the session (the same rule as sessionDetail).
 */
export async function earlierMessages(
  deps: Pick<DeskPorts, 'agentRecords' | 'workItems' | 'messages'>,
  agentId: string,
  sessionId: string,
  before: number,
): Promise<TranscriptPage | undefined> {
  const agent = await deps.agentRecords.get(agentId);
  const session = agent ? findSession(agent.panel, sessionId) : undefined;
  const workItemId = session ? workItemIdOfSession(session) : undefined;
  const doc = workItemId ? await deps.workItems.get(workItemId) : undefined;
  if (!workItemId || !doc) return undefined;
  const looksOn = session?.consult !== undefined || session?.supervising !== undefined;
  if (doc.item.state === 'active' && doc.item.assignedAgentId !== agentId && !looksOn) return undefined;
  const page = await deps.messages.before(workItemId, before, TRANSCRIPT_PAGE);
  return { transcript: await transcriptEntries(deps, page), earlierMessages: (page[0]?.seq ?? 1) > 1 };
}

/**
 * KB suggestions follow the conversation: what the customer asked last; when that finds nothing ("thanks!"),
 * what they came with.
 */
function suggestions(
  deps: Pick<DeskPorts, 'kb'>,
  excerpt: TranscriptExcerpt,
): { query: string; results: KbArticleHit[] } {
  const latest = excerpt.latest?.text;
  for (const query of new Set([latest, excerpt.opening?.text])) {
    if (!query) continue;
    const results = deps.kb.search(query, DETAIL_KB_RESULTS);
    if (results.length > 0) return { query, results };
  }
  return { query: latest ?? '', results: [] };
}

/** The supervisors who joined an Active conversation, for the pane's line on them (none listed: no key). */
async function supervisorsIn(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  doc: WorkItemDocument,
  viewerId: string,
): Promise<{ supervisorsJoined?: readonly string[] }> {
  if (doc.item.state !== 'active') return {};
  const names = await joinedSupervisors(deps, doc.item.id, viewerId);
  return names.length > 0 ? { supervisorsJoined: names } : {};
}

/** Earlier conversations listed on the pane. */
export const PREVIOUS_LISTED = 10;

/** The same customer's other conversations, newest first: the one shown is left out. */
async function previousConversations(
  deps: Pick<DeskPorts, 'workItems'>,
  doc: WorkItemDocument,
): Promise<PreviousConversation[]> {
  const found = await deps.workItems.previousOf(doc.item.customerId, doc.item.id, PREVIOUS_LISTED);
  return found.map((other) => ({
    workItemId: other.item.id,
    startedAt: other.item.createdAt,
    state: other.item.state,
    preview: other.preview ?? '',
  }));
}

/** The transcript with each agent line's author named (an agent who has gone keeps their id as the name). */
export async function transcriptEntries(
  deps: Pick<DeskPorts, 'agentRecords'>,
  transcript: readonly StoredMessage[],
): Promise<TranscriptEntry[]> {
  const agentIds = [...new Set(transcript.flatMap((m) => (m.agentId ? [m.agentId] : [])))];
  const agents = await deps.agentRecords.getMany(agentIds);
  return transcript.map(({ seq, from, text, at, agentId, delivery }) => {
    if (from !== 'agent' || !agentId) return { seq, from, text, at };
    const agentName = agents.get(agentId)?.name || agentId;
    return { seq, from, text, at, agentId, agentName, ...(delivery ? { delivery } : {}) };
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
