import type { CsatAnswer } from '../domain/csat';
import type { Draft, PanelMode, PanelRow, SessionKind } from '../domain/agent-sessions';
import type { PresenceStatus } from '../domain/presence';
import type { SentimentLevel } from '../domain/sentiment';
import type { WorkItemState } from '../domain/work-item';
import type { QuickReplyScope } from '../domain/quick-replies';
import type { SupervisingRole } from '../domain/supervising';
import type { ReadOnlyReason } from '../domain/session-access';
import type { FloorCardView } from './floor-view';

export type { FloorCardView, FloorConfirm } from './floor-view';

/** What the use cases ask the edge to show; the edge renders each view as an Adaptive Card. */

export interface PrechatAnswer {
  readonly question: string;
  readonly answer: string;
}

/** The session panel, kept as one card per agent and updated in place. */
export interface PanelView {
  readonly kind: 'panel';
  readonly agentName: string;
  readonly presence: PresenceStatus;
  readonly presenceLabel: string;
  readonly mode: PanelMode;
  /** Home first, then the sessions in opening order. */
  readonly rows: readonly PanelRow[];
  /** The title of the focused session ("Home" when Home is). */
  readonly focusedTitle: string;
  /** A one-line message shown at the top, e.g. a refusal or a hint. */
  readonly notice?: string;
  /**
   * Teams' rate limits are pacing delivery to the agent's chat, so messages are grouped: set by the edge when the
   * card is sent, never by a use case.
   */
  readonly paced?: boolean;
}

export type OfferStatus = 'pending' | 'accepted' | 'rejected' | 'missed' | 'unavailable';

/** An incoming conversation offered to one agent. */
export interface OfferView {
  readonly kind: 'offer';
  readonly workItemId: string;
  readonly offerId: string;
  readonly title: string;
  readonly icon: string;
  readonly channel: string;
  readonly firstMessage: string;
  /** When the customer started waiting (epoch ms). */
  readonly waitingSince: number;
  readonly offeredAt: number;
  readonly expiresAt: number;
  readonly timeoutSeconds: number;
  readonly prechat: readonly PrechatAnswer[];
  readonly status: OfferStatus;
  /** The name the customer gave themselves (web chat page); the title stays "Visitor N". */
  readonly nameGiven?: string;
  /** Set when a colleague hands over a conversation they are working on (a transfer), not a queued one. */
  readonly transfer?: TransferHandover;
}

/** One internal note, as agents read it (never the customer). */
export interface NoteLine {
  readonly authorName: string;
  readonly at: number;
  readonly text: string;
}

/** What a transfer offer says besides the conversation: who hands it over, why, and where it stands. */
export interface TransferHandover {
  readonly fromName: string;
  /** What the agent handing over wrote for the one taking over. */
  readonly note?: string;
  /** The customer's latest message, when it is not the first. */
  readonly latestMessage?: string;
  readonly sentiment: SentimentLevel;
  readonly notes: readonly NoteLine[];
}

/** A colleague a conversation can be transferred to: Available or Busy, with room for one more. */
export interface TransferTarget {
  readonly agentId: string;
  readonly name: string;
  readonly presence: PresenceStatus;
  readonly presenceLabel: string;
  /** Conversations they are working on, and how many they may have. */
  readonly conversations: number;
  readonly capacity: number;
}

/** Who the agent can hand a conversation to, with a box for a note; the queue is always a choice. */
export interface TransferPickerView {
  readonly kind: 'transfer-picker';
  readonly sessionId: string;
  readonly title: string;
  readonly targets: readonly TransferTarget[];
}

/** A colleague who can be asked to consult: Available or Busy (a consult takes no capacity). */
export interface ConsultTarget {
  readonly agentId: string;
  readonly name: string;
  readonly presence: PresenceStatus;
  readonly presenceLabel: string;
}

/** Who the agent can ask to consult on a conversation (`/c`, the tab's Consult button). */
export interface ConsultPickerView {
  readonly kind: 'consult-picker';
  readonly sessionId: string;
  readonly title: string;
  readonly targets: readonly ConsultTarget[];
  /** How many more consultants the conversation may have (MAX_CONSULTANTS less those it has). */
  readonly room: number;
}

/** One consultant of a conversation, as both sides see them. */
export interface ConsultantLine {
  readonly agentId: string;
  readonly name: string;
  /** Added to the conversation: they write to the customer too. */
  readonly added: boolean;
}

/**
 * A conversation's consult: who consults, and the private thread between its agent and them (never the
 * customer). `role` says whose card it is: the conversation's agent (Add / Remove per consultant) or a consultant
 * (Leave). A consultant follows the customer's messages in the tab; chat gets this card when the thread changes.
 */
export interface ConsultView {
  readonly kind: 'consult';
  readonly sessionId: string;
  readonly title: string;
  readonly role: 'agent' | 'consultant';
  /** The conversation's agent. */
  readonly agentName: string;
  readonly consultants: readonly ConsultantLine[];
  readonly thread: readonly NoteLine[];
  /** For a consultant: added to the conversation, so their replies reach the customer. */
  readonly added: boolean;
  /** A line on what just happened ("Ada asks for your help with Visitor 3."). */
  readonly headline?: string;
}

/** An ended conversation being wrapped up: the outcome to pick, an optional note, Finish. */
export interface WrapUpView {
  readonly kind: 'wrap-up';
  readonly sessionId: string;
  readonly title: string;
  readonly outcomes: readonly string[];
  /** When it closes by itself (outcome "Not set") if nobody finishes it. */
  readonly closesAt: number;
  /** Until when it counts against the agent's capacity; absent once released, Infinity until Finish. */
  readonly holdsUntil?: number;
}

/** A conversation's internal notes, with a box to add one. */
export interface NotesView {
  readonly kind: 'notes';
  readonly sessionId: string;
  readonly title: string;
  readonly notes: readonly NoteLine[];
}

/** One customer message relayed to the agent, with a reply box for that session. */
export interface CustomerMessageView {
  readonly kind: 'customer-message';
  readonly sessionId: string;
  readonly title: string;
  readonly icon: string;
  /** Already capped, ending in the visible "(truncated)" note when cut; the edge escapes it for display. */
  readonly text: string;
  readonly truncated: boolean;
  readonly sentiment: SentimentLevel;
  readonly alert: boolean;
  readonly sentAt: number;
  /** The agent's saved reply draft for this session ('' if none): the reply box starts with it. Agent text, literal. */
  readonly draft: string;
}

/**
 * Relayed customer messages that waited for the agent's chat while Teams' budget was short, as one card: per
 * session (in the order their first message came), each message in order, and a reply box per session.
 */
export interface MessageDigestView {
  readonly kind: 'message-digest';
  readonly sessions: readonly DigestSession[];
}

export interface DigestSession {
  readonly sessionId: string;
  readonly title: string;
  readonly icon: string;
  readonly sentiment: SentimentLevel;
  readonly alert: boolean;
  /** The session's saved reply draft, from its newest message. */
  readonly draft: string;
  readonly messages: readonly { readonly text: string; readonly sentAt: number }[];
}

export interface TranscriptLine {
  readonly from: 'customer' | 'agent';
  readonly text: string;
  readonly at: number;
}

/** How far an agent's message got: stored for sending, taken by the channel, or never (the customer has left). */
export type DeliveryState = 'sending' | 'delivered' | 'not-delivered';

/** A transcript line as the tab shows it: an agent's line says whose it is and how far it got. */
export interface TranscriptEntry extends TranscriptLine {
  /** The line's place in the conversation (1 for the first): the tab asks for the page before it by this. */
  readonly seq: number;
  /** The agent who wrote an agent line (their AGENT_IDS entry). */
  readonly agentId?: string;
  /** Their display name as the desk knows it. */
  readonly agentName?: string;
  /** An agent line's delivery, when the desk knows it. */
  readonly delivery?: DeliveryState;
}

/** The Active Conversation page loaded when a session starts. */
export interface ActiveConversationView {
  readonly kind: 'active-conversation';
  readonly sessionId: string;
  readonly title: string;
  readonly contactName?: string;
  readonly accountName?: string;
  readonly caseTitle?: string;
  readonly channel: string;
  readonly startedAt: number;
  readonly summary: readonly TranscriptLine[];
  readonly sentiment: SentimentLevel;
  readonly prechat: readonly PrechatAnswer[];
  readonly readOnly: boolean;
  /** Why it is read-only, when it is for another reason than being closed (monitoring, consulting). */
  readonly readOnlyReason?: ReadOnlyReason;
  readonly state: WorkItemState;
  /** The agent's saved reply draft for this session ('' if none): the reply box starts with it. Agent text, literal. */
  readonly draft: string;
  /** The customer's first message of this conversation: how it started. */
  readonly opening?: TranscriptLine;
  /** The customer's latest message, when it is not the first. */
  readonly latest?: TranscriptLine;
  /** The name the customer gave themselves (web chat page, pre-chat), shown beside the "Visitor N" title. */
  readonly nameGiven?: string;
  /** The customer has gone (their chat ended): nothing more reaches them. */
  readonly customerLeft?: boolean;
  /** The same customer's earlier conversations, newest first; each opens read-only with `open`. */
  readonly previous?: readonly PreviousConversation[];
  /** The conversation's internal notes, oldest first (the latest NOTES_SHOWN). */
  readonly notes?: readonly NoteLine[];
  /** The colleague a transfer of this conversation waits for. */
  readonly transferPendingTo?: string;
  /** Once it ended: the customer's answer to the survey (rating 1–5, comment). */
  readonly csat?: CsatAnswer;
  /** Supervisors who joined the conversation and are in it now, by name: they write to the customer too. */
  readonly supervisorsJoined?: readonly string[];
}

export interface PreviousConversation {
  readonly workItemId: string;
  readonly startedAt: number;
  readonly state: WorkItemState;
  /** The customer's first message in it, cut short. */
  readonly preview: string;
}

export interface KbArticleHit {
  readonly id: string;
  readonly title: string;
  readonly snippet: string;
}

/** One KB article in full (the tab reads it, and can insert it into a reply). Not a card. */
export interface KbArticleView {
  readonly kind: 'kb-article';
  readonly id: string;
  readonly title: string;
  /** The article's Markdown, as written: shown as text, never as HTML. */
  readonly body: string;
}

/** The KB search opened for a session. */
export interface KbSearchView {
  readonly kind: 'kb-search';
  readonly sessionId: string;
  readonly query: string;
  readonly results: readonly KbArticleHit[];
}

/** One quick reply as a search lists it, with its words as they would reach the session's customer. */
export interface QuickReplyHit {
  readonly id: string;
  readonly title: string;
  readonly tags: readonly string[];
  /** The team's shared set or the agent's own. */
  readonly scope: QuickReplyScope;
  /** The text with the session's placeholders filled; any it could not fill stay as written. */
  readonly text: string;
  /** The placeholders left as written: Send refuses the reply, Insert leaves them for the agent to fill in. */
  readonly unfilled: readonly string[];
}

/** `/q <words|#tag>`: the quick replies that match best, each to Send or Insert into reply for one session. */
export interface QuickRepliesView {
  readonly kind: 'quick-replies';
  /** The session Send and Insert act on (the focused one); absent with Home focused, when the card only lists. */
  readonly sessionId?: string;
  readonly sessionTitle?: string;
  readonly query: string;
  readonly results: readonly QuickReplyHit[];
  /** After Insert into reply: the session's reply draft, in a reply box to edit and send. Agent text, literal. */
  readonly draft?: string;
  /** The title of the quick reply just inserted into `draft`. */
  readonly inserted?: string;
}

export interface WorkItemRow {
  readonly workItemId: string;
  readonly title: string;
  readonly channel: string;
  readonly state: WorkItemState;
  /** When it entered its current state (epoch ms). */
  readonly since: number;
  /** The customer's first message, cut short: what the conversation is about. */
  readonly preview?: string;
  /** The customer has gone (their chat ended). */
  readonly customerLeft?: boolean;
}

/** Home: the agent dashboard. */
export interface DashboardView {
  readonly kind: 'dashboard';
  readonly myItems: readonly WorkItemRow[];
  readonly openItems: readonly WorkItemRow[];
  readonly waitingItems: readonly WorkItemRow[];
  readonly closedItems: readonly WorkItemRow[];
}

export interface CloseConfirmView {
  readonly kind: 'close-confirm';
  readonly sessionId: string;
  readonly title: string;
}

export type NoticeTone = 'default' | 'good' | 'warning' | 'attention';

/** A short statement: a refusal, "This request is no longer available.", a confirmation. */
export interface NoticeView {
  readonly kind: 'notice';
  readonly title: string;
  readonly text: string;
  readonly tone: NoticeTone;
}

export interface HelpView {
  readonly kind: 'help';
}

export type AgentView =
  | PanelView
  | OfferView
  | CustomerMessageView
  | MessageDigestView
  | ActiveConversationView
  | KbSearchView
  | QuickRepliesView
  | DashboardView
  | CloseConfirmView
  | NoticeView
  | HelpView
  | TransferPickerView
  | NotesView
  | WrapUpView
  | ConsultPickerView
  | ConsultView
  | FloorCardView;

/**
 * The agent workspace (the tab's panel and Home): the panel, the dashboard and the offers waiting for this
 * agent's answer. Not a card: the tab reads it over the agent API.
 */
export interface WorkspaceView {
  /** The server's time (epoch ms) when this was read: the tab's countdowns correct its own clock by it. */
  readonly now: number;
  readonly panel: PanelView;
  readonly dashboard: DashboardView;
  /** Offers to this agent still waiting for Accept / Reject, oldest first. */
  readonly offers: readonly OfferView[];
}

/** The conversation's sentiment level right after one customer message. */
export interface SentimentPoint {
  readonly at: number;
  readonly level: SentimentLevel;
}

/** A page of a transcript, oldest first, and whether there are lines before it. */
export interface TranscriptPage {
  readonly transcript: readonly TranscriptEntry[];
  readonly earlierMessages: boolean;
}

/** Everything the tab shows for one of the agent's sessions. Not a card. */
export interface SessionDetailView {
  readonly sessionId: string;
  readonly kind: SessionKind;
  /** The work item the session is on (a conversation session's id is its work item's id). */
  readonly workItemId: string;
  readonly conversation: ActiveConversationView;
  /** The latest lines (TRANSCRIPT_PAGE), oldest first; earlier ones come a page at a time. */
  readonly transcript: readonly TranscriptEntry[];
  /** Whether there are lines before the first one here. */
  readonly earlierMessages: boolean;
  /** The conversation's level after each customer message of `transcript`, oldest first. */
  readonly sentimentTrend: readonly SentimentPoint[];
  readonly draft: Draft;
  /** KB articles for the customer's latest message. */
  readonly kb: KbSearchView;
  /** The conversation has ended and is being wrapped up: its outcome form. */
  readonly wrapUp?: WrapUpView;
  /** The conversation's consult (while it has consultants, or for a consultant): who, and the private thread. */
  readonly consult?: ConsultView;
  /** A supervisor's session on a colleague's conversation: monitoring it (read-only), or joined to it. */
  readonly supervising?: SupervisingRole;
}
