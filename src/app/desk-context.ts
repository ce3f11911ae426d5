import type { QueueLimits } from '../domain/overflow';
import type { OperatingHours } from '../domain/operating-hours';
import type { WorkstreamSettings } from '../domain/workstream';
import type { QuickReply } from '../domain/quick-replies';
import type { TurnQueue } from './keyed-queue';
import type { Clock, IdGenerator, Logger, SentimentScorer } from './ports';
import type {
  AgentRepository,
  CustomerRepository,
  MessageLog,
  NoteLog,
  ConsultRepository,
  QueueRepository,
  QuickReplyRepository,
  UnitOfWork,
  WorkItemRepository,
  ContactDirectory,
  VisitorNumbers,
  PositionNotices,
  AwayMarks,
  CsatSurveys,
} from './repositories';
import type { AgentView, KbArticleHit } from './views';

/**
 * A card an agent keeps seeing updated in place: their panel, or the card of one offer. The edge decides how it
 * remembers each one (the teams edge: cardSlotKey).
 */
export type AgentCardTarget =
  { readonly kind: 'panel' } | { readonly kind: 'offer'; readonly offerId: string };

export const PANEL_CARD: AgentCardTarget = { kind: 'panel' };

export function offerCard(offerId: string): AgentCardTarget {
  return { kind: 'offer', offerId };
}

export interface AgentSendOptions {
  readonly target?: AgentCardTarget;
  readonly version?: number;
}

/**
 * What a message to a customer is, for channels that can show it (the web chat page marks a refused message
 * "Not sent", signs an agent's words with their name, offers a new conversation once one has ended).
 */
export type CustomerNoticeKind =
  | 'queued'
  | 'position'
  | 'joined'
  | 'ended'
  | 'rate-limited'
  | 'agent-message'
  /** The post-conversation survey's question. */
  | 'survey'
  /** The desk's answer to a survey answer: thanks, or why it was not recorded. */
  | 'survey-reply';

/** The survey a `survey` notice asks: what an answer must carry back. */
export interface SurveyAsked {
  readonly workItemId: string;
  readonly surveyId: string;
}

export interface CustomerNotice {
  readonly kind: CustomerNoticeKind;
  /** The agent the message is from or about (joined, ended, agent-message): their display name. */
  readonly agentName?: string;
  /** The customer's activity this answers: a rate-limited message is the one refused. */
  readonly replyToId?: string;
  /** The send's stable id, chosen by the use case so the delivery can be traced back to the transcript line. */
  readonly deliveryId?: string;
  /** A `survey` notice's survey: channels that show cards get it as one, the web chat page inline. */
  readonly survey?: SurveyAsked;
  /**
   * A `survey-reply` thanking for an answer pressed on the survey card: the card's activity id (updated in place
   * with the thank-you card, or a new one posted when it is gone) and the answer it shows.
   */
  readonly answeredCard?: { readonly activityId: string; readonly answer: SurveyGiven };
}

/** An answer as it was kept: what the thank-you card repeats. */
export interface SurveyGiven {
  readonly rating: number;
  readonly comment?: string;
}

/** Where the desk's messages go; the edge renders views as cards and keeps the activity ids. */
export interface Notifier {
  /** A plain message to the customer of a work item; `notice` says what it is. */
  toCustomer(customerId: string, text: string, notice?: CustomerNotice): Promise<void>;
  /**
   * A view to an agent. With a `target`, the card sent before to the same target is updated in place
   * (the panel, an offer's card) instead of a new one being posted. With a `version` too (the revision of the
   * row it was rendered from), a view older than one already sent to the target is not sent.
   */
  toAgent(agentId: string, view: AgentView, options?: AgentSendOptions): Promise<void>;
  /**
   * The work items on the Home dashboard changed (one was queued, assigned, moved to Waiting, closed). Chat
   * cards are not re-sent for it; a live view (the workspace tab) refreshes. Optional: notifiers without
   * live views leave it out.
   */
  workItemsChanged?(): Promise<void>;
  /**
   * Something only live views show changed for this agent (a message's delivery state): the tab refreshes, the
   * chat gets nothing. Optional, as workItemsChanged.
   */
  agentChanged?(agentId: string): Promise<void>;
}

export interface KnowledgeBase {
  search(query: string, limit?: number): KbArticleHit[];
  /** One article in full (Markdown body), or undefined for an unknown id. */
  article?(id: string): { readonly id: string; readonly title: string; readonly body: string } | undefined;
}

export interface KnownAgent {
  readonly id: string;
  readonly name: string;
}

export interface DeskSettings {
  readonly workstream: WorkstreamSettings;
  readonly maxTextChars: number;
  /** 0 turns the per-customer limit off. */
  readonly rateLimitPerMinute: number;
  /** Display names from AGENT_NAMES, by agent key: used until Teams or a sign-in gives a name. */
  readonly agentNames?: ReadonlyMap<string, string>;
  /** The team's shared quick replies (QUICK_REPLIES_FILE), read at start; none when absent. */
  readonly quickReplies?: readonly QuickReply[];
  /** The supervisors' keys (SUPERVISOR_IDS): they see the floor and act on any conversation. */
  readonly supervisors?: ReadonlySet<string>;
  /** When the desk is open (OPERATING_HOURS); absent: always. */
  readonly operatingHours?: OperatingHours;
  /** Overflow: MAX_QUEUE_LENGTH / MAX_QUEUE_WAIT_S and their actions; absent: no limits. */
  readonly queueLimits?: QueueLimits;
  /** The post-conversation survey after an End (CSAT_SURVEY=on); absent or false: nobody is asked. */
  readonly csatSurvey?: boolean;
}

/**
 * Every port the desk's use cases read. Only the composition root builds the whole set; each use case names the
 * few it needs (a Pick of these), so no use case reaches for a global or for more than it uses.
 */
export interface DeskPorts {
  readonly workItems: WorkItemRepository;
  readonly messages: MessageLog;
  readonly queue: QueueRepository;
  /** The agents' records (name, presence, panel); `agents` below is who may be offered work. */
  readonly agentRecords: AgentRepository;
  readonly customers: CustomerRepository;
  readonly contacts: ContactDirectory;
  readonly visitorNumbers: VisitorNumbers;
  readonly positionNotices: PositionNotices;
  readonly awayMarks: AwayMarks;
  /** The post-conversation surveys asked and their answers (CSAT). */
  readonly surveys: CsatSurveys;
  /** A workspace tab of the agent's is open, here or on another instance (they are not silent). */
  readonly hasOpenTab: (agentId: string) => Promise<boolean>;
  /** Each agent's own quick replies (the team's shared set is `settings.quickReplies`). */
  readonly quickReplies: QuickReplyRepository;
  /** Internal notes on conversations (agents only). */
  readonly notes: NoteLog;
  /** Consultants of conversations and their private consult threads (agents only). */
  readonly consults: ConsultRepository;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly scorer: SentimentScorer;
  readonly kb: KnowledgeBase;
  readonly logger: Logger;
  readonly settings: DeskSettings;
  /** Agents routing may offer work to (AGENT_IDS), whether or not they have written yet. */
  readonly agents: () => Promise<readonly string[]>;
  /** Whether an offer can be delivered to the agent (the bot holds a conversation reference for them). */
  readonly canReach: (agentId: string) => Promise<boolean>;
  /**
   * One customer's messages are handled one at a time, in the order the server accepted them, so the transcript
   * and the relayed cards keep that order; different customers run concurrently.
   */
  readonly customerTurns: TurnQueue;
  /** Makes one use case one transaction (the customer's message with everything it changes and queues). */
  readonly unitOfWork: UnitOfWork;
}
