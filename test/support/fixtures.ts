import type { KyselyPlugin } from 'kysely';
import type { AgentDocument } from '../../src/app/documents';
import type { AgentRepository } from '../../src/app/repositories';
import type {
  ActiveConversationView,
  AgentView,
  ConsultPickerView,
  ConsultView,
  CloseConfirmView,
  CustomerMessageView,
  FloorCardView,
  DashboardView,
  HelpView,
  KbSearchView,
  QuickRepliesView,
  NoticeView,
  OfferStatus,
  OfferView,
  PanelView,
  NoteLine,
  NotesView,
  TransferHandover,
  TransferPickerView,
  TransferTarget,
  WrapUpView,
} from '../../src/app/views';
import {
  type AgentSessions,
  type Session,
  emptyAgentSessions,
  focusSession,
  openSession,
  panelRows,
  recordCustomerMessage,
} from '../../src/domain/agent-sessions';
import type { FloorConversation } from '../../src/domain/floor';
import { PRESENCE_LABELS } from '../../src/domain/presence';
import type { SentimentLevel } from '../../src/domain/sentiment';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import type { TestAgent } from './activities';

/**
 * The test data the specs share, written out in full so that a change of wording or layout fails them:
 * - the people most HTTP, web and browser specs use (two Teams agents in AGENT_IDS) and the customer wording;
 * - one view of every kind of agent card, built with the domain rules, for the card specs;
 * - stored agent documents for the repository specs.
 */

export const alex: TestAgent = {
  aadObjectId: 'aad-alex',
  userId: '29:alex',
  name: 'Alex Agent',
  conversationId: 'a:chat-alex',
};

export const bea: TestAgent = {
  aadObjectId: 'aad-bea',
  userId: '29:bea',
  name: 'Bea Agent',
  conversationId: 'a:chat-bea',
};

/** A supervisor who takes no work (SUPERVISOR_IDS), as the supervision specs name him. */
export const samSupervisor: TestAgent = {
  aadObjectId: 'aad-sam',
  userId: '29:sam',
  name: 'Sam Supervisor',
  conversationId: 'a:chat-sam',
};

export const cleo: TestAgent = {
  aadObjectId: 'aad-cleo',
  userId: '29:cleo',
  name: 'Cleo Agent',
  conversationId: 'a:chat-cleo',
};

export const QUEUED = "Thanks! You're in the queue; an agent will be with you shortly.";
/** The post-conversation survey's question, asked after an End (CSAT_SURVEY=on, the default). */
export const SURVEY = 'How did we do? (1–5)';
/** What a customer queued while no agent is at work (all Away, Offline or Inactive, or none seen yet) is told. */
export const NOBODY_AT_WORK =
  'Thanks! Nobody is available right now. Your message is kept in the queue, and an agent will answer as soon as one is free.';

/**
 * 2025-11-24 14:05:00 UTC, the fixtures' reference moment; their "now" is 10 minutes later on the same day.
 * Past 2^32 ms, so a column that only took 32 bits would show it.
 */
export const T0 = Date.UTC(2025, 10, 24, 14, 5, 0);
export const NOW = T0 + 10 * 60_000;

function receive(
  panel: AgentSessions,
  sessionId: string,
  count: number,
  level: SentimentLevel,
): AgentSessions {
  let next = panel;
  for (let index = 0; index < count; index++) next = recordCustomerMessage(next, sessionId, level);
  return next;
}

/**
 * The reference's own examples, built with the domain rules: Visitor 7 needs urgent attention, Kenny Smith
 * has 5 new updates, Adele Vance 12 (badge "9+"), and the case session "Broken router" is focused.
 */
export function seededSessions(): AgentSessions {
  const limits = { maxSessions: 10, now: T0 };
  let panel = emptyAgentSessions();
  panel = openSession(panel, { id: 'wi-visitor-7', kind: 'conversation', title: 'Visitor 7' }, limits);
  panel = openSession(panel, { id: 'wi-kenny', kind: 'conversation', title: 'Kenny Smith' }, limits);
  panel = openSession(panel, { id: 'wi-adele', kind: 'conversation', title: 'Adele Vance' }, limits);
  panel = openSession(panel, { id: 'case-1042', kind: 'case', title: 'Broken router' }, limits);
  panel = focusSession(panel, 'home');
  panel = receive(panel, 'wi-visitor-7', 1, 'Negative');
  panel = receive(panel, 'wi-kenny', 5, 'Neutral');
  panel = receive(panel, 'wi-adele', 12, 'Slightly positive');
  return focusSession(panel, 'case-1042');
}

export const SEED_TOOLTIPS = {
  home: 'Home',
  'wi-visitor-7': 'Visitor 7. Urgent attention is needed in your conversation.',
  'wi-kenny': 'Kenny Smith. 5 new updates in your conversation.',
  'wi-adele': 'Adele Vance. 12 new updates in your conversation.',
  'case-1042': 'Broken router',
} as const;

export function panelView(overrides: Partial<PanelView> = {}): PanelView {
  return {
    kind: 'panel',
    agentName: 'Megan Bowen',
    presence: 'busy',
    presenceLabel: PRESENCE_LABELS.busy,
    mode: 'expanded',
    rows: panelRows(seededSessions(), 'slightly-negative'),
    focusedTitle: 'Broken router',
    ...overrides,
  };
}

export function offerView(status: OfferStatus = 'pending', overrides: Partial<OfferView> = {}): OfferView {
  return {
    kind: 'offer',
    workItemId: 'wi-visitor-8',
    offerId: 'offer-31',
    title: 'Visitor 8',
    icon: 'Vi',
    channel: 'webchat',
    firstMessage: 'Hi, my order has not arrived yet.',
    waitingSince: T0,
    offeredAt: T0 + 5_000,
    expiresAt: T0 + 125_000,
    timeoutSeconds: 120,
    prechat: [
      { question: 'Your name', answer: 'Sam' },
      { question: 'Order number', answer: '40-1187' },
    ],
    status,
    ...overrides,
  };
}

export function customerMessageView(overrides: Partial<CustomerMessageView> = {}): CustomerMessageView {
  return {
    kind: 'customer-message',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    icon: 'Ke',
    text: 'The router still blinks red after the reset.',
    truncated: false,
    sentiment: 'Slightly negative',
    alert: true,
    sentAt: T0 + 60_000,
    draft: '',
    ...overrides,
  };
}

export function activeConversationView(
  overrides: Partial<ActiveConversationView> = {},
): ActiveConversationView {
  return {
    kind: 'active-conversation',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    contactName: 'Kenny Smith',
    accountName: 'Contoso Ltd',
    caseTitle: 'Broken router',
    channel: 'msteams',
    startedAt: T0,
    summary: [
      { from: 'customer', text: 'My router is broken.', at: T0 },
      { from: 'agent', text: 'Sorry to hear that. Did you try a reset?', at: T0 + 30_000 },
      { from: 'customer', text: 'Yes, it still blinks red.', at: T0 + 60_000 },
    ],
    sentiment: 'Slightly negative',
    prechat: [{ question: 'Topic', answer: 'Hardware' }],
    readOnly: false,
    state: 'active',
    draft: '',
    ...overrides,
  };
}

/** A Closed item opened for its history: an unauthenticated visitor, no names, nothing said yet. */
export function readOnlyVisitorConversation(): ActiveConversationView {
  return {
    kind: 'active-conversation',
    sessionId: 'wi-old',
    title: 'Visitor 2',
    channel: 'webchat',
    startedAt: T0 - 2 * 24 * 3_600_000,
    summary: [],
    sentiment: 'Neutral',
    prechat: [],
    readOnly: true,
    state: 'closed',
    draft: '',
  };
}

export function kbSearchView(overrides: Partial<KbSearchView> = {}): KbSearchView {
  return {
    kind: 'kb-search',
    sessionId: 'wi-kenny',
    query: 'router reset',
    results: [
      { id: 'kb-1', title: 'Reset a router', snippet: 'Hold the reset button for 10 seconds.' },
      { id: 'kb-2', title: 'Router lights', snippet: 'A red light means no connection.' },
    ],
    ...overrides,
  };
}

export function quickRepliesView(overrides: Partial<QuickRepliesView> = {}): QuickRepliesView {
  return {
    kind: 'quick-replies',
    sessionId: 'wi-kenny',
    sessionTitle: 'Kenny Smith',
    query: 'refund',
    results: [
      {
        id: 'refund-started',
        title: 'Refund started',
        tags: ['billing', 'refund'],
        scope: 'shared',
        text: 'Hi Kenny Smith, your refund is on its way.',
        unfilled: [],
      },
      {
        id: 'qr-order',
        title: 'Refund for an order',
        tags: [],
        scope: 'own',
        text: 'The refund for order {orderNumber} is on its way.',
        unfilled: ['{orderNumber}'],
      },
    ],
    ...overrides,
  };
}

/** `/q` with Home focused: the card lists, with nothing to send to. */
export function quickRepliesWithHomeFocused(): QuickRepliesView {
  const { sessionId: _id, sessionTitle: _title, ...listed } = quickRepliesView({ query: '' });
  return listed;
}

export function dashboardView(overrides: Partial<DashboardView> = {}): DashboardView {
  return {
    kind: 'dashboard',
    myItems: [
      { workItemId: 'wi-kenny', title: 'Kenny Smith', channel: 'msteams', state: 'active', since: T0 },
    ],
    openItems: [
      {
        workItemId: 'wi-visitor-8',
        title: 'Visitor 8',
        channel: 'webchat',
        state: 'open',
        since: T0 + 1_000,
      },
      { workItemId: 'wi-visitor-9', title: 'Visitor 9', channel: 'sms', state: 'open', since: T0 + 2_000 },
    ],
    waitingItems: [
      {
        workItemId: 'wi-lee',
        title: 'Lee Gu',
        channel: 'facebook',
        state: 'waiting',
        since: T0 - 3 * 24 * 3_600_000,
      },
    ],
    closedItems: [
      { workItemId: 'wi-old', title: 'Visitor 2', channel: 'webchat', state: 'closed', since: T0 - 60_000 },
    ],
    ...overrides,
  };
}

export const closeConfirmView: CloseConfirmView = {
  kind: 'close-confirm',
  sessionId: 'wi-kenny',
  title: 'Kenny Smith',
};

export const noticeView: NoticeView = {
  kind: 'notice',
  title: 'Maximum sessions reached',
  text: 'Maximum sessions reached. Close a session before opening another.',
  tone: 'warning',
};

export const helpView: HelpView = { kind: 'help' };

/** One or more representative views of every kind. */
export const NOTES: readonly NoteLine[] = [
  { authorName: 'Ada Lovelace', at: NOW - 600_000, text: 'Order 1234 — refund <approved> *pending* finance' },
  { authorName: 'Grace Hopper', at: NOW - 60_000, text: 'Customer prefers email follow-up' },
];

export function transferOfferView(
  status: OfferStatus,
  handover: Partial<TransferHandover> = {},
  withNote = true,
): OfferView {
  const transfer: TransferHandover = {
    fromName: 'Ada Lovelace',
    note: 'Wants a refund for order 1234; I am off shift',
    latestMessage: 'Any news on my refund?',
    sentiment: 'Slightly negative',
    notes: NOTES,
    ...handover,
  };
  const { note, ...rest } = transfer;
  return offerView(status, { transfer: withNote && note !== undefined ? transfer : rest });
}

export function consultPickerView(overrides: Partial<ConsultPickerView> = {}): ConsultPickerView {
  return {
    kind: 'consult-picker',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    targets: [
      { agentId: 'agent-grace', name: 'Grace Hopper', presence: 'available', presenceLabel: 'Available' },
      { agentId: 'agent-linus', name: 'Linus <b>T</b>', presence: 'busy', presenceLabel: 'Busy' },
    ],
    room: 5,
    ...overrides,
  };
}

export function consultView(role: ConsultView['role'], overrides: Partial<ConsultView> = {}): ConsultView {
  return {
    kind: 'consult',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    role,
    agentName: 'Ada Lovelace',
    consultants: [
      { agentId: 'agent-grace', name: 'Grace Hopper', added: false },
      { agentId: 'agent-linus', name: 'Linus <b>T</b>', added: true },
    ],
    thread: NOTES,
    added: false,
    ...overrides,
  };
}

export function transferPickerView(targets?: readonly TransferTarget[]): TransferPickerView {
  return {
    kind: 'transfer-picker',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    targets: targets ?? [
      {
        agentId: 'agent-grace',
        name: 'Grace Hopper',
        presence: 'available',
        presenceLabel: 'Available',
        conversations: 0,
        capacity: 10,
      },
      {
        agentId: 'agent-linus',
        name: 'Linus <b>T</b>',
        presence: 'busy',
        presenceLabel: 'Busy',
        conversations: 3,
        capacity: 10,
      },
    ],
  };
}

export function wrapUpView(holdsUntil: number | undefined): WrapUpView {
  return {
    kind: 'wrap-up',
    sessionId: 'wi-kenny',
    title: 'Kenny Smith',
    outcomes: ['Resolved', 'Follow-up needed', 'Escalated', 'No response'],
    closesAt: NOW + 900_000,
    ...(holdsUntil !== undefined ? { holdsUntil } : {}),
  };
}

export function notesView(notes: readonly NoteLine[]): NotesView {
  return { kind: 'notes', sessionId: 'wi-kenny', title: 'Kenny Smith', notes };
}

export function representativeViews(): Array<[string, AgentView]> {
  return [
    ['panel, expanded', panelView()],
    ['panel, collapsed', panelView({ mode: 'collapsed' })],
    [
      'panel with a notice, presence Inactive',
      panelView({
        notice: 'Maximum sessions reached. Close a session before opening another.',
        presence: 'inactive',
        presenceLabel: 'Inactive',
      }),
    ],
    ['offer, pending', offerView('pending')],
    ['offer, pending without pre-chat', offerView('pending', { prechat: [] })],
    ['offer, accepted', offerView('accepted')],
    ['offer, rejected', offerView('rejected')],
    ['offer, missed', offerView('missed')],
    ['offer, unavailable', offerView('unavailable')],
    ['customer message', customerMessageView()],
    [
      'customer message, truncated, no alert',
      customerMessageView({ truncated: true, alert: false, sentiment: 'Neutral' }),
    ],
    ['active conversation', activeConversationView()],
    [
      'active conversation with a reply draft',
      activeConversationView({ draft: 'Thanks, Kenny. "Reset" means:\nhold the button for 10 s' }),
    ],
    ['active conversation, read only, visitor', readOnlyVisitorConversation()],
    [
      'active conversation, closed, with the customer’s survey answer',
      activeConversationView({
        state: 'closed',
        readOnly: true,
        csat: { rating: 4, comment: 'Quick and kind', answeredAt: NOW },
      }),
    ],
    ['kb search with results', kbSearchView()],
    ['kb search, nothing found', kbSearchView({ query: 'warranty', results: [] })],
    ['kb search, not searched yet', kbSearchView({ query: '', results: [] })],
    ['quick replies found', quickRepliesView()],
    ['quick replies, nothing found', quickRepliesView({ query: 'warranty', results: [] })],
    ['quick replies with Home focused', quickRepliesWithHomeFocused()],
    [
      'quick reply inserted into the reply',
      quickRepliesView({
        query: '',
        results: [],
        draft: 'Hi Kenny,\nyour refund is on its way.',
        inserted: 'Refund started',
      }),
    ],
    ['transfer offer, pending', transferOfferView('pending')],
    ['transfer offer without a note or notes', transferOfferView('pending', { notes: [] }, false)],
    ['transfer offer, accepted', transferOfferView('accepted')],
    [
      'active conversation with notes and a transfer pending',
      activeConversationView({ notes: NOTES, transferPendingTo: 'Grace Hopper' }),
    ],
    ['transfer picker', transferPickerView()],
    ['transfer picker, nobody free', transferPickerView([])],
    ['notes', notesView(NOTES)],
    ['notes, none yet', notesView([])],
    ['dashboard', dashboardView()],
    ['dashboard, empty', dashboardView({ myItems: [], openItems: [], waitingItems: [], closedItems: [] })],
    ['close confirm', closeConfirmView],
    ['notice', noticeView],
    ['help', helpView],
    ['wrap-up, capacity held', wrapUpView(NOW + 60_000)],
    ['wrap-up, held until Finish', wrapUpView(Infinity)],
    ['wrap-up, capacity released', wrapUpView(undefined)],
    ['consult picker', consultPickerView()],
    ['consult picker, five consultants already', consultPickerView({ room: 0 })],
    ['consult, the agent with two consultants', consultView('agent')],
    [
      'consult, a consultant invited',
      consultView('consultant', { headline: 'Ada asks for your help with Kenny.' }),
    ],
    ['consult, a consultant added, nothing written', consultView('consultant', { added: true, thread: [] })],
    ['floor', floorCardView()],
    ['floor, nobody waiting', floorCardView({ longestWaits: [] })],
    [
      'floor, monitoring one and asking to confirm an Assign over capacity',
      floorCardView({
        active: [floorActiveRow('Visitor 4', 'monitoring'), floorActiveRow('Visitor 5', 'joined')],
        notice: { text: 'You are monitoring Visitor 4.', tone: 'good' },
        confirm: {
          kind: 'assign',
          workItemId: 'wi-waiting-4980000',
          title: 'Visitor 7',
          agentId: 'aad-ada',
          agentName: 'Ada Lovelace',
          text: 'Ada Lovelace has 3 of 3 conversations; assigning makes 4.',
        },
      }),
    ],
    [
      'floor, asking to confirm a Force close',
      floorCardView({
        confirm: {
          kind: 'forceClose',
          workItemId: 'wi-Visitor 4',
          title: 'Visitor 4',
          agentName: 'Ada Lovelace',
        },
      }),
    ],
  ];
}

/** An Active row of the floor, Ada's, that the reading supervisor may monitor (or does). */
export function floorActiveRow(title: string, supervising?: 'monitoring' | 'joined'): FloorConversation {
  return {
    workItemId: `wi-${title}`,
    title,
    channel: 'msteams',
    state: 'active',
    since: NOW - 600_000,
    agentId: 'aad-ada',
    agentName: 'Ada Lovelace',
    sentiment: 'Neutral',
    ...(supervising !== undefined ? { supervising } : {}),
  };
}

/** A supervisor's `floor` card: two waiting (one not in the queue yet), one agent busy, a supervisor taking no work. */
export function floorCardView(extra: Partial<FloorCardView> = {}): FloorCardView {
  const waiting = (title: string, waitMs: number, position?: number) => ({
    workItemId: `wi-waiting-${waitMs}`,
    title,
    channel: 'webchat',
    state: 'open' as const,
    since: NOW - waitMs,
    waitMs,
    ...(position !== undefined ? { position } : {}),
    sentiment: 'Neutral' as const,
  });
  return {
    kind: 'floor',
    counts: { open: 2, active: 1, waiting: 0, 'wrap-up': 1 },
    longestWaits: [waiting('Visitor 7', 4_980_000, 1), waiting('Kenny <b>Lee</b>', 45_000)],
    active: [floorActiveRow('Visitor 4')],
    csatToday: { answers: 3, average: 4.3 },
    agents: [
      {
        agentId: 'aad-ada',
        name: 'Ada Lovelace',
        presence: 'busy',
        usedUnits: 1,
        capacityUnits: 3,
        takesWork: true,
        supervisor: false,
        lastMessageAt: NOW - 60_000,
      },
      {
        agentId: 'aad-sam',
        name: 'Sam Supervisor',
        presence: 'available',
        usedUnits: 0,
        capacityUnits: 3,
        takesWork: false,
        supervisor: true,
      },
    ],
    ...extra,
  };
}

/** A panel session as the agent repository stores it. */
export function session(id: string, extra: Partial<Session> = {}): Session {
  const draft = { reply: '', caseFields: {} };
  return {
    id,
    kind: 'conversation',
    title: id,
    openedAt: T0,
    unread: 0,
    sentiment: 'Neutral',
    readOnly: false,
    draft,
    ...extra,
  };
}

/** An agent's stored document, `sessions` on its panel. */
export function agent(id: string, sessions: readonly Session[] = []): AgentDocument {
  const panel = { sessions, focusedSessionId: 'home', panelMode: 'expanded' as const };
  return { id, name: `Agent ${id}`, presence: 'available', panel, firstSeenAt: T0 };
}

/** The change `repo.update` makes to store `doc` when the agent has no document yet. */
export const create = (doc: AgentDocument) => (current: AgentDocument | undefined) => current ?? doc;

/** `repo.update` with a change that opens nothing and closes nothing, only counts one more unread on `sessionId`. */
export const countUnread = (repo: AgentRepository, agentId: string, sessionId: string) =>
  repo.update(
    agentId,
    (current) =>
      current && {
        ...current,
        panel: {
          ...current.panel,
          sessions: current.panel.sessions.map((s) =>
            s.id === sessionId ? { ...s, unread: s.unread + 1 } : s,
          ),
        },
      },
  );

/** The statements a database runs on `table`, by kind (InsertQueryNode, UpdateQueryNode, DeleteQueryNode). */
export function recording(db: SqlDatabase, table: string): { db: SqlDatabase; writes: string[] } {
  const writes: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      const named = JSON.stringify(node).includes(`"name":"${table}"`);
      if (named && node.kind !== 'SelectQueryNode') writes.push(node.kind);
      return node;
    },
    transformResult: ({ result }) => Promise.resolve(result),
  };
  return {
    db: { ...db, transaction: (work) => db.transaction((trx) => work(trx.withPlugin(plugin))) },
    writes,
  };
}
