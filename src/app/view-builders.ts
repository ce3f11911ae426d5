import type { CsatAnswer } from '../domain/csat';
import { HOME_SESSION_ID, HOME_TITLE, findSession, panelRows } from '../domain/agent-sessions';
import { DomainError } from '../domain/errors';
import { PRESENCE_LABELS } from '../domain/presence';
import type { Offer } from '../domain/routing';
import { conversationSentiment, isSentimentAlert } from '../domain/sentiment';
import type { SentimentThreshold } from '../domain/sentiment';
import { sessionIcon } from '../domain/session-icon';
import type { SessionAccess } from '../domain/session-access';
import type { AgentDocument, TranscriptMessage, WorkItemDocument, WorkItemIndexEntry } from './documents';
import type { TranscriptExcerpt } from './transcripts';
import type {
  ActiveConversationView,
  CustomerMessageView,
  DashboardView,
  NoteLine,
  NoticeView,
  OfferStatus,
  OfferView,
  PanelView,
  WorkItemRow,
} from './views';

/** Lines of transcript the Active Conversation card summarises. */
export const SUMMARY_LINES = 6;

export function panelView(agent: AgentDocument, threshold: SentimentThreshold, notice?: string): PanelView {
  const focused = findSession(agent.panel, agent.panel.focusedSessionId);
  return {
    kind: 'panel',
    agentName: agent.name,
    presence: agent.presence,
    presenceLabel: PRESENCE_LABELS[agent.presence],
    mode: agent.panel.panelMode,
    rows: panelRows(agent.panel, threshold),
    focusedTitle: agent.panel.focusedSessionId === HOME_SESSION_ID || !focused ? HOME_TITLE : focused.title,
    ...(notice ? { notice } : {}),
  };
}

export function offerView(
  doc: WorkItemDocument,
  excerpt: TranscriptExcerpt,
  offer: Offer,
  status: OfferStatus,
  timeoutMs: number,
): OfferView {
  // A conversation resumed from Waiting is offered with what the customer wrote on coming back.
  const first = excerpt.sinceWaiting ?? excerpt.opening;
  return {
    kind: 'offer',
    workItemId: doc.item.id,
    offerId: offer.id,
    title: doc.item.title,
    icon: sessionIcon(doc.item.title),
    channel: doc.item.channelId,
    firstMessage: first?.text ?? '',
    waitingSince: doc.waitingSince,
    offeredAt: offer.offeredAt,
    expiresAt: offer.expiresAt,
    timeoutSeconds: Math.round(timeoutMs / 1000),
    prechat: doc.prechat,
    status,
    ...(doc.nameGiven ? { nameGiven: doc.nameGiven } : {}),
  };
}

/** The agent's saved reply draft for a session, '' if there is none (or no such session). */
export function replyDraft(agent: AgentDocument, sessionId: string): string {
  return findSession(agent.panel, sessionId)?.draft.reply ?? '';
}

/**
 * The Active Conversation view; `draft` is the session's saved reply draft (see replyDraft). `access` is read-only
 * or not, or the session's access with why it is read-only (sessionAccess).
 */
export function activeConversationView(
  doc: WorkItemDocument,
  excerpt: TranscriptExcerpt,
  access: boolean | Pick<SessionAccess, 'readOnly' | 'readOnlyReason'>,
  draft: string,
  teamwork: ConversationTeamwork = {},
): ActiveConversationView {
  const { item } = doc;
  const { readOnly, readOnlyReason } =
    typeof access === 'boolean' ? { readOnly: access, readOnlyReason: undefined } : access;
  return {
    kind: 'active-conversation',
    sessionId: item.id,
    title: item.title,
    ...(item.customer.contactName ? { contactName: item.customer.contactName } : {}),
    ...(item.customer.accountName ? { accountName: item.customer.accountName } : {}),
    ...(item.customer.caseTitle ? { caseTitle: item.customer.caseTitle } : {}),
    channel: item.channelId,
    startedAt: item.createdAt,
    summary: excerpt.recent.slice(-SUMMARY_LINES).map(({ from, text, at }) => ({ from, text, at })),
    sentiment: conversationSentiment(item.sentimentScores),
    prechat: doc.prechat,
    readOnly,
    ...(readOnly && readOnlyReason ? { readOnlyReason } : {}),
    state: item.state,
    draft,
    ...openingAndLatest(excerpt),
    ...(doc.nameGiven ? { nameGiven: doc.nameGiven } : {}),
    ...(item.customerLeftAt !== undefined ? { customerLeft: true } : {}),
    ...(teamwork.notes ? { notes: teamwork.notes } : {}),
    ...(teamwork.transferPendingTo !== undefined ? { transferPendingTo: teamwork.transferPendingTo } : {}),
    ...(teamwork.csat !== undefined ? { csat: teamwork.csat } : {}),
    ...(teamwork.supervisorsJoined !== undefined ? { supervisorsJoined: teamwork.supervisorsJoined } : {}),
  };
}

/**
 * What the session view shows of the team's work on a conversation: its notes, a transfer waiting, and once it
 * ended the customer's survey answer.
 */
export interface ConversationTeamwork {
  readonly notes?: readonly NoteLine[];
  readonly transferPendingTo?: string;
  readonly csat?: CsatAnswer;
  /** The supervisors in the conversation now (joined), by name. */
  readonly supervisorsJoined?: readonly string[];
}

/** The customer's first and latest messages: what the conversation is about, and where it stands. */
function openingAndLatest(excerpt: TranscriptExcerpt): Pick<ActiveConversationView, 'opening' | 'latest'> {
  const first = excerpt.opening;
  const last = excerpt.latest;
  const line = (message: TranscriptMessage) => ({
    from: message.from,
    text: message.text,
    at: message.at,
  });
  return {
    ...(first ? { opening: line(first) } : {}),
    ...(last && last.seq !== first?.seq ? { latest: line(last) } : {}),
  };
}

/** Characters of a customer's first message shown as an Open work item's preview. */
export const PREVIEW_CHARS = 140;

/** A message cut to `PREVIEW_CHARS` at a word where it can be, with an ellipsis when cut. */
export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= PREVIEW_CHARS) return flat;
  const cut = flat.slice(0, PREVIEW_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > PREVIEW_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** One customer message relayed to the agent holding the session, with their saved reply draft for it. */
export function customerMessageView(
  doc: WorkItemDocument,
  agent: AgentDocument,
  message: { text: string; truncated: boolean; sentAt: number },
  threshold: SentimentThreshold,
): CustomerMessageView {
  const sentiment = conversationSentiment(doc.item.sentimentScores);
  return {
    kind: 'customer-message',
    sessionId: doc.item.id,
    title: doc.item.title,
    icon: sessionIcon(doc.item.title),
    text: message.text,
    truncated: message.truncated,
    sentiment,
    alert: isSentimentAlert(sentiment, threshold),
    sentAt: message.sentAt,
    draft: replyDraft(agent, doc.item.id),
  };
}

export function dashboardView(entries: readonly WorkItemIndexEntry[], agentId: string): DashboardView {
  const row = (entry: WorkItemIndexEntry): WorkItemRow => ({
    workItemId: entry.workItemId,
    title: entry.title,
    channel: entry.channel,
    state: entry.state,
    since: entry.since,
    ...(entry.customerLeft ? { customerLeft: true } : {}),
    ...(entry.preview !== undefined && entry.state === 'open' ? { preview: entry.preview } : {}),
  });
  const newestFirst = [...entries].sort((a, b) => b.since - a.since);
  return {
    kind: 'dashboard',
    // Wrap-up is still the agent's work: it is listed with their Active conversations until they Finish.
    myItems: newestFirst
      .filter((e) => (e.state === 'active' || e.state === 'wrap-up') && e.agentId === agentId)
      .map(row),
    openItems: [...entries]
      .filter((e) => e.state === 'open')
      .sort((a, b) => a.since - b.since)
      .map(row),
    waitingItems: newestFirst.filter((e) => e.state === 'waiting').map(row),
    closedItems: newestFirst.filter((e) => e.state === 'closed').map(row),
  };
}

export function isAlert(doc: WorkItemDocument, threshold: SentimentThreshold): boolean {
  return isSentimentAlert(conversationSentiment(doc.item.sentimentScores), threshold);
}

export const NO_LONGER_AVAILABLE = 'This request is no longer available.';

export function notice(title: string, text: string, tone: NoticeView['tone'] = 'default'): NoticeView {
  return { kind: 'notice', title, text, tone };
}

/** The card a refused action gets; domain errors carry the words the agent should read. */
export function refusal(error: unknown): NoticeView {
  if (error instanceof DomainError) return notice('Not possible', error.message, 'attention');
  return notice('Something went wrong', 'The action could not be completed. Please try again.', 'attention');
}
