/** Card action verbs: the public contract between the cards and the bot, defined once. */
export const VERBS = {
  accept: 'accept',
  reject: 'reject',
  focus: 'focus',
  end: 'end',
  close: 'close',
  closeConfirm: 'closeConfirm',
  closeCancel: 'closeCancel',
  reply: 'reply',
  togglePanel: 'togglePanel',
  presence: 'presence',
  open: 'open',
  pick: 'pick',
  kbSearch: 'kbSearch',
  /** `{ sessionId, quickReplyId }`, and `insert: true` for Insert into reply (src/app/quick-replies.ts). */
  quickReply: 'quickReply',
  /**
   * `{ sessionId }` shows who can take the conversation; `{ sessionId, toAgentId }` (input `note`) offers it to
   * them; `{ sessionId, toQueue: true }` hands it back to the queue (src/app/transfers.ts).
   */
  transfer: 'transfer',
  /** `{ sessionId }` shows the conversation's internal notes; with input `text`, adds one (src/app/notes.ts). */
  note: 'note',
  /** `{ sessionId }` with inputs `outcome` and optional `note`: Finish the wrap-up of an ended conversation. */
  wrapUp: 'wrapUp',
  /**
   * `{ sessionId }` shows who can be asked to consult (`/c`); `{ sessionId, agentId }` asks that colleague, who
   * gets a read-only consult session, no capacity used (src/app/consults.ts).
   */
  consult: 'consult',
  /** `{ sessionId, agentId }`, by the conversation's agent: that consultant may write to the customer too. */
  consultAdd: 'consultAdd',
  /**
   * `{ sessionId }`: the consultant pressing it leaves. `{ sessionId, agentId }`: the conversation's agent removes
   * that consultant (a consultant naming themselves leaves). Either way the consultant's session closes.
   */
  consultLeave: 'consultLeave',
  /** `{ sessionId }` shows the private consult thread; with input `text`, adds a line (src/app/consult-thread.ts). */
  consultNote: 'consultNote',
  /** `{}`: the supervisor's floor card again, read now (Refresh, and Cancel of what it asked). */
  floor: 'floor',
  /**
   * Supervisors only, on the floor card (src/app/floor-chat.ts), each the use case of the tab's Floor:
   * `{ sessionId }` (the conversation's work item id) opens it read-only on the supervisor's panel, nobody told.
   */
  monitor: 'monitor',
  /** `{ sessionId }`: the supervisor joins the Active conversation; the agent and the customer are told. */
  join: 'join',
  /** `{ sessionId }`: the supervisor's monitoring (or joined) session on it closes. */
  stopMonitor: 'stopMonitor',
  /**
   * `{ workItemId, agentId }`: an Open conversation offered to that agent. The floor card's Assign submits the
   * agent chosen in the card's input `assignTo` instead; `overCapacity: true` confirms going over capacity.
   */
  assign: 'assign',
  /** `{ sessionId }` asks to confirm; `{ sessionId, confirmed: true }` closes the conversation whatever its state. */
  forceClose: 'forceClose',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly Verb[] = Object.values(VERBS);

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (ALL_VERBS as readonly string[]).includes(value);
}

/** Input ids on the cards. */
export const INPUTS = {
  text: 'text',
  presence: 'presence',
  query: 'query',
  /** The handover note on the transfer picker, the wrap-up's note. */
  note: 'note',
  /** The wrap-up's outcome (one of WRAP_UP_OUTCOMES). */
  outcome: 'outcome',
  /** The floor card's agent choice: the agent a row's Assign offers the conversation to. */
  assignTo: 'assignTo',
} as const;

/**
 * The reply box of one session on a card that has several (the message digest): input ids must be unique on a
 * card, so each is named by its session, and `reply` reads the one of the session it names.
 */
export function sessionTextInput(sessionId: string): string {
  return `${INPUTS.text}.${sessionId}`;
}

/**
 * Data keys besides the ids of the settled contract (`sessionId`, `workItemId`, `offerId`).
 *
 * `cardSessionId` is the session of the card the action was pressed on. Every action on a card with a reply
 * box (customer-message, active-conversation) carries it, and on those cards every action's `sessionId` is
 * that same session (Reply, Open session / focus, End, Close all act on the card's own session). Each such
 * action also submits the reply box (input `text`): for any verb but `reply`, the bot first keeps a non-empty
 * `text` as the reply draft of `cardSessionId`, then performs the action, so typed text survives a switch.
 */
export const CARD_DATA = {
  cardSessionId: 'cardSessionId',
  /**
   * `true` on the actions of a card that must stay as it is when one is pressed (the message digest, which lists
   * several sessions): the answer is a short message, and a card the action shows is posted below, not put over it.
   */
  keepCard: 'keepCard',
} as const;

/**
 * Verbs only the agent workspace tab sends so far (POST /api/agent/actions, through the same verb table as
 * the cards). No card carries them yet, so they stay out of VERBS, every verb of which some card must use;
 * a card that gains one of them moves it into VERBS.
 */
export const TAB_VERBS = {
  /** `{ workItemId }`: open (or focus) a case session on a work item (src/app/case-sessions.ts). */
  openCase: 'openCase',
  /** `{ sessionId }` of a case session: save its form on the conversation (a title is required). */
  saveCase: 'saveCase',
} as const;

export type TabVerb = (typeof TAB_VERBS)[keyof typeof TAB_VERBS];

export function isTabVerb(value: unknown): value is TabVerb {
  return typeof value === 'string' && (Object.values(TAB_VERBS) as readonly string[]).includes(value);
}
