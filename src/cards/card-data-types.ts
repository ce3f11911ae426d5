import type { FloorCardData } from './floor-data';
import type { AgentView } from '../app/views';
import type { CardColor } from './format';
import type {
  HandoverData,
  NoteLineData,
  NotesCardData,
  TransferPickerCardData,
  WrapUpCardData,
} from './teamwork-data';
import type { QuickRepliesCardData } from './quick-replies-data';
import type { ConsultCardData, ConsultPickerCardData } from './consult-data';

/*
 * The data each template in cards/ is expanded with. Every field a template refers to is always present
 * (adaptivecards-templating leaves `${field}` in the card when a field is undefined), optional parts are
 * switched with booleans read by `$when`, and every string that came from a customer (or any other
 * outside source) is already escaped with escapeCardText. Tooltips and input values are plain text
 * (plainCardText); ids are passed through as they are. The reply box's value (the agent's own saved draft)
 * only loses its control characters (replyBoxValue): it comes back as the reply, so it must stay literal.
 */

export type ContainerStyle = 'default' | 'emphasis' | 'accent' | 'good' | 'attention' | 'warning';

export interface FactData {
  readonly title: string;
  readonly value: string;
}

export interface PanelRowData {
  readonly id: string;
  readonly icon: string;
  readonly iconStyle: ContainerStyle;
  readonly title: string;
  readonly titleWeight: 'Bolder' | 'Default';
  readonly tooltip: string;
  readonly hasBadge: boolean;
  readonly badge: string;
  readonly alert: boolean;
  /** Expanded mode: the title and the texts that apply are shown. */
  readonly expanded: boolean;
  readonly showUnreadText: boolean;
  readonly unreadText: string;
  readonly showAlertText: boolean;
  readonly alertText: string;
  /** "Closed" on a read-only row. */
  readonly showStatusText: boolean;
  readonly statusText: string;
  /** Expanded mode and a closable row (never Home). */
  readonly showClose: boolean;
}

export interface PanelCardData {
  readonly hasNotice: boolean;
  readonly notice: string;
  readonly agentName: string;
  readonly presenceLabel: string;
  readonly presenceColor: CardColor;
  readonly focusedTitle: string;
  readonly expanded: boolean;
  readonly toggleTooltip: string;
  readonly rows: readonly PanelRowData[];
  /** The current presence if the agent may choose it, else "" (Inactive is set by the system only). */
  readonly presenceValue: string;
  readonly presenceChoices: readonly FactData[];
  /** Delivery to the chat is paced: the card says messages are grouped and points to the tab. */
  readonly paced: boolean;
  readonly tabUrl: string;
}

/** A queued conversation's offer, or a transfer's (HandoverData says which). */
export interface OfferCardData extends HandoverData {
  readonly workItemId: string;
  readonly offerId: string;
  readonly title: string;
  readonly icon: string;
  readonly channel: string;
  readonly firstMessage: string;
  readonly waitingSince: string;
  readonly hasPrechat: boolean;
  readonly prechat: readonly FactData[];
  readonly pending: boolean;
  readonly timeoutSeconds: number;
  readonly statusText: string;
  readonly statusColor: CardColor;
}

export interface CustomerMessageCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly icon: string;
  readonly text: string;
  readonly sentiment: string;
  readonly alert: boolean;
  readonly sentAt: string;
  /** The reply box's starting value: the session's saved draft (replyBoxValue). */
  readonly draft: string;
}

export interface DigestSessionData {
  readonly sessionId: string;
  readonly title: string;
  readonly icon: string;
  readonly alert: boolean;
  readonly subtitle: string;
  readonly messages: readonly { readonly sentAt: string; readonly text: string }[];
  /** The reply box's id: one per session on the card (sessionTextInput). */
  readonly inputId: string;
  readonly draft: string;
}

export interface MessageDigestCardData {
  readonly heading: string;
  readonly sessions: readonly DigestSessionData[];
  readonly tabUrl: string;
}

export interface TranscriptLineData {
  readonly label: string;
  readonly text: string;
  readonly at: string;
}

export interface ActiveConversationCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly facts: readonly FactData[];
  readonly hasPrechat: boolean;
  readonly prechat: readonly FactData[];
  readonly hasSummary: boolean;
  readonly summary: readonly TranscriptLineData[];
  readonly readOnly: boolean;
  /** What the card says instead of a reply box: closed, monitoring or consulting. */
  readonly readOnlyText: string;
  readonly canReply: boolean;
  /** The reply box's starting value: the session's saved draft (replyBoxValue). */
  readonly draft: string;
  /** The agent's own Active conversation: Transfer is offered (not while one is pending). */
  readonly canTransfer: boolean;
  readonly transferPending: boolean;
  readonly transferPendingText: string;
  readonly hasNotes: boolean;
  readonly notes: readonly NoteLineData[];
  readonly notesButton: string;
}

export interface KbResultData {
  readonly id: string;
  readonly title: string;
  readonly snippet: string;
}

export interface KbSearchCardData {
  readonly sessionId: string;
  /** The query as the value of the query input: plain text, not markdown. */
  readonly queryValue: string;
  readonly query: string;
  readonly hasResults: boolean;
  readonly results: readonly KbResultData[];
  readonly showNoResults: boolean;
  readonly showPrompt: boolean;
}

export interface WorkItemRowData {
  readonly workItemId: string;
  readonly title: string;
  readonly details: string;
}

export interface DashboardSectionData {
  readonly count: number;
  readonly isEmpty: boolean;
  readonly items: readonly WorkItemRowData[];
}

export interface DashboardCardData {
  readonly my: DashboardSectionData;
  readonly open: DashboardSectionData;
  readonly waiting: DashboardSectionData;
  readonly closed: DashboardSectionData;
}

export interface CloseConfirmCardData {
  readonly sessionId: string;
  readonly title: string;
}

export interface NoticeCardData {
  readonly title: string;
  readonly text: string;
  readonly color: CardColor;
}

export type HelpCardData = Readonly<Record<string, never>>;

export interface CardDataByKind {
  readonly panel: PanelCardData;
  readonly offer: OfferCardData;
  readonly 'customer-message': CustomerMessageCardData;
  readonly 'message-digest': MessageDigestCardData;
  readonly 'active-conversation': ActiveConversationCardData;
  readonly 'kb-search': KbSearchCardData;
  readonly 'quick-replies': QuickRepliesCardData;
  readonly dashboard: DashboardCardData;
  readonly 'close-confirm': CloseConfirmCardData;
  readonly notice: NoticeCardData;
  readonly help: HelpCardData;
  readonly 'transfer-picker': TransferPickerCardData;
  readonly notes: NotesCardData;
  readonly 'wrap-up': WrapUpCardData;
  readonly 'consult-picker': ConsultPickerCardData;
  readonly consult: ConsultCardData;
  readonly floor: FloorCardData;
}

export type CardKind = AgentView['kind'];

export interface DataOptions {
  /** Epoch ms used to shorten times on the same UTC day to "HH:MM UTC". */
  readonly now?: number;
  /** Where the agent opens the workspace tab (a Teams deep link); cards that point to the tab link it. */
  readonly tabUrl?: string;
}
