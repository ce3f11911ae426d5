import type {
  ActiveConversationView,
  AgentView,
  CloseConfirmView,
  CustomerMessageView,
  DashboardView,
  HelpView,
  KbSearchView,
  NoticeView,
  OfferView,
  PanelView,
  PrechatAnswer,
  WorkItemRow,
} from '../app/views';
import type { PanelRow } from '../domain/agent-sessions';
import { ratingText } from '../domain/csat';
import { PRESENCE_LABELS, SELECTABLE_PRESENCE } from '../domain/presence';
import { escapeCardText, plainCardText, stripControlCharacters } from './escape';
import type {
  ActiveConversationCardData,
  CardDataByKind,
  CardKind,
  CloseConfirmCardData,
  CustomerMessageCardData,
  DashboardCardData,
  DashboardSectionData,
  DataOptions,
  FactData,
  HelpCardData,
  KbSearchCardData,
  NoticeCardData,
  OfferCardData,
  PanelCardData,
  PanelRowData,
  WorkItemRowData,
} from './card-data-types';
import {
  NOTICE_COLORS,
  OFFER_STATUS_COLORS,
  OFFER_STATUS_TEXT,
  PRESENCE_COLORS,
  WORK_ITEM_STATE_LABELS,
  channelLabel,
  formatMoment,
  readOnlyText,
} from './format';

import { messageDigestData } from './digest-data';
import { quickRepliesData } from './quick-replies-data';
import { floorData } from './floor-data';
import { consultData, consultPickerData } from './consult-data';
import { handoverData, noteLinesData, notesData, transferPickerData, wrapUpData } from './teamwork-data';

export type * from './card-data-types';

/** How each template's data is built from its view; what the data holds is in card-data-types. */

/** The conversation summary shows at most this many of the latest lines. */
export const SUMMARY_MAX_LINES = 20;

const text = escapeCardText;

/** The session card shows the latest few notes; the Notes button shows them all. */
const NOTES_ON_CARD = 3;

/**
 * The value of a reply box (Input.Text, not markdown): the agent's saved draft as typed, so that pressing
 * Reply sends exactly it. Only control characters go (CR LF becomes LF, a tab a space); `<`, `*`, `${…}` and
 * quotes stay, as templating and JSON carry data values literally.
 */
export function replyBoxValue(draft: string): string {
  return stripControlCharacters(draft);
}

function prechatFacts(prechat: readonly PrechatAnswer[]): FactData[] {
  return prechat.map((answer) => ({ title: text(answer.question), value: text(answer.answer) }));
}

function panelRowData(row: PanelRow, expanded: boolean): PanelRowData {
  return {
    id: row.id,
    icon: text(row.icon),
    iconStyle: row.focused ? 'accent' : 'emphasis',
    title: text(row.title),
    titleWeight: row.focused ? 'Bolder' : 'Default',
    tooltip: plainCardText(row.tooltip),
    hasBadge: row.badge !== undefined,
    badge: row.badge ?? '',
    alert: row.alert,
    expanded,
    showUnreadText: expanded && row.unreadText !== undefined,
    unreadText: text(row.unreadText ?? ''),
    showAlertText: expanded && row.alertText !== undefined,
    alertText: text(row.alertText ?? ''),
    showStatusText: expanded && row.statusText !== undefined,
    statusText: text(row.statusText ?? ''),
    showClose: expanded && row.closable && row.kind !== 'home',
  };
}

export function panelData(view: PanelView, options: DataOptions = {}): PanelCardData {
  const expanded = view.mode === 'expanded';
  const notice = view.notice ?? '';
  return {
    hasNotice: notice.trim() !== '',
    notice: text(notice),
    agentName: text(view.agentName),
    presenceLabel: text(view.presenceLabel),
    presenceColor: PRESENCE_COLORS[view.presence],
    focusedTitle: text(view.focusedTitle),
    expanded,
    toggleTooltip: expanded ? 'Collapse the session list' : 'Expand the session list',
    rows: view.rows.map((row) => panelRowData(row, expanded)),
    presenceValue: SELECTABLE_PRESENCE.includes(view.presence) ? view.presence : '',
    presenceChoices: SELECTABLE_PRESENCE.map((status) => ({ title: PRESENCE_LABELS[status], value: status })),
    paced: view.paced === true,
    tabUrl: options.tabUrl ?? '',
  };
}

export function offerData(view: OfferView, options: DataOptions): OfferCardData {
  const pending = view.status === 'pending';
  return {
    workItemId: view.workItemId,
    offerId: view.offerId,
    title: text(view.title),
    icon: text(view.icon),
    channel: text(channelLabel(view.channel)),
    firstMessage: text(view.firstMessage),
    waitingSince: formatMoment(view.waitingSince, options.now),
    hasPrechat: view.prechat.length > 0 || view.nameGiven !== undefined,
    prechat: [
      ...(view.nameGiven !== undefined ? [{ title: 'Name given', value: text(view.nameGiven) }] : []),
      ...prechatFacts(view.prechat),
    ],
    pending,
    timeoutSeconds: view.timeoutSeconds,
    statusText: view.status === 'pending' ? '' : OFFER_STATUS_TEXT[view.status],
    statusColor: view.status === 'pending' ? 'Default' : OFFER_STATUS_COLORS[view.status],
    ...handoverData(view, options),
  };
}

export function customerMessageData(
  view: CustomerMessageView,
  options: DataOptions,
): CustomerMessageCardData {
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    icon: text(view.icon),
    text: text(view.text),
    sentiment: view.sentiment,
    alert: view.alert,
    sentAt: formatMoment(view.sentAt, options.now),
    draft: replyBoxValue(view.draft),
  };
}

export function activeConversationData(
  view: ActiveConversationView,
  options: DataOptions,
): ActiveConversationCardData {
  const facts: FactData[] = [
    { title: 'Customer', value: text(view.contactName ?? view.title) },
    ...(view.nameGiven !== undefined ? [{ title: 'Name given', value: text(view.nameGiven) }] : []),
    { title: 'Account', value: view.accountName !== undefined ? text(view.accountName) : '—' },
    { title: 'Case', value: view.caseTitle !== undefined ? text(view.caseTitle) : '—' },
    { title: 'Channel', value: text(channelLabel(view.channel)) },
    { title: 'Started', value: formatMoment(view.startedAt, options.now) },
    { title: 'Sentiment', value: view.sentiment },
    { title: 'Status', value: WORK_ITEM_STATE_LABELS[view.state] },
    ...(view.csat !== undefined
      ? [
          { title: 'Customer rating', value: ratingText(view.csat.rating) },
          ...(view.csat.comment !== undefined
            ? [{ title: 'Customer comment', value: text(view.csat.comment) }]
            : []),
        ]
      : []),
  ];
  const summary = view.summary.slice(-SUMMARY_MAX_LINES).map((line) => ({
    label: line.from === 'customer' ? 'Customer' : 'You',
    text: text(line.text),
    at: formatMoment(line.at, options.now),
  }));
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    facts,
    hasPrechat: view.prechat.length > 0,
    prechat: prechatFacts(view.prechat),
    hasSummary: summary.length > 0,
    summary,
    readOnly: view.readOnly,
    readOnlyText: readOnlyText(view.readOnlyReason),
    canReply: !view.readOnly && view.state !== 'wrap-up',
    draft: view.readOnly ? '' : replyBoxValue(view.draft),
    canTransfer: !view.readOnly && view.state === 'active' && view.transferPendingTo === undefined,
    transferPending: view.transferPendingTo !== undefined,
    transferPendingText: text(
      `Transfer to ${view.transferPendingTo ?? ''} pending: the conversation stays yours until they accept.`,
    ),
    hasNotes: (view.notes ?? []).length > 0,
    notes: noteLinesData((view.notes ?? []).slice(-NOTES_ON_CARD), options),
    notesButton: (view.notes ?? []).length > 0 ? `Notes (${(view.notes ?? []).length})` : 'Notes',
  };
}

export function kbSearchData(view: KbSearchView): KbSearchCardData {
  const searched = view.query.trim() !== '';
  return {
    sessionId: view.sessionId,
    queryValue: plainCardText(view.query),
    query: text(view.query),
    hasResults: view.results.length > 0,
    results: view.results.map((hit) => ({ id: hit.id, title: text(hit.title), snippet: text(hit.snippet) })),
    showNoResults: searched && view.results.length === 0,
    showPrompt: !searched && view.results.length === 0,
  };
}

function workItemRowData(row: WorkItemRow, options: DataOptions): WorkItemRowData {
  return {
    workItemId: row.workItemId,
    title: text(row.title),
    details: `${text(channelLabel(row.channel))} · ${WORK_ITEM_STATE_LABELS[row.state]} since ${formatMoment(row.since, options.now)}`,
  };
}

function section(rows: readonly WorkItemRow[], options: DataOptions): DashboardSectionData {
  return {
    count: rows.length,
    isEmpty: rows.length === 0,
    items: rows.map((row) => workItemRowData(row, options)),
  };
}

export function dashboardData(view: DashboardView, options: DataOptions): DashboardCardData {
  return {
    my: section(view.myItems, options),
    open: section(view.openItems, options),
    waiting: section(view.waitingItems, options),
    closed: section(view.closedItems, options),
  };
}

export function closeConfirmData(view: CloseConfirmView): CloseConfirmCardData {
  return { sessionId: view.sessionId, title: text(view.title) };
}

export function noticeData(view: NoticeView): NoticeCardData {
  return { title: text(view.title), text: text(view.text), color: NOTICE_COLORS[view.tone] };
}

export function helpData(_view: HelpView): HelpCardData {
  return {};
}

/** The template data for a view: the one place that decides what each card shows. */
export function cardDataFor(view: AgentView, options: DataOptions = {}): CardDataByKind[CardKind] {
  switch (view.kind) {
    case 'panel':
      return panelData(view, options);
    case 'offer':
      return offerData(view, options);
    case 'customer-message':
      return customerMessageData(view, options);
    case 'message-digest':
      return messageDigestData(view, options);
    case 'active-conversation':
      return activeConversationData(view, options);
    case 'kb-search':
      return kbSearchData(view);
    case 'quick-replies':
      return quickRepliesData(view);
    case 'dashboard':
      return dashboardData(view, options);
    case 'close-confirm':
      return closeConfirmData(view);
    case 'notice':
      return noticeData(view);
    case 'help':
      return helpData(view);
    case 'transfer-picker':
      return transferPickerData(view);
    case 'notes':
      return notesData(view, options);
    case 'wrap-up':
      return wrapUpData(view, options);
    case 'consult-picker':
      return consultPickerData(view);
    case 'consult':
      return consultData(view, options);
    case 'floor':
      return floorData(view, options);
  }
}
