import type { Desk } from '../app/desk';
import type { AgentView } from '../app/views';
import { CARD_DATA, INPUTS, TAB_VERBS, VERBS, isTabVerb, isVerb, type TabVerb, type Verb } from './verbs';

/** The use cases card actions reach. */
export type VerbDesk = Pick<
  Desk,
  | 'accept'
  | 'reject'
  | 'pick'
  | 'open'
  | 'focus'
  | 'end'
  | 'requestClose'
  | 'confirmClose'
  | 'cancelClose'
  | 'togglePanel'
  | 'reply'
  | 'setPresence'
  | 'searchKb'
  | 'saveDraft'
>;

/** The use cases the workspace tab's actions reach: the cards' ones and the tab-only verbs (TAB_VERBS). */
export type TabVerbDesk = VerbDesk & Pick<Desk, 'openCase' | 'saveCase'>;

/** The agent pressing the button (their AGENT_IDS entry). */
export interface VerbActor {
  readonly agentId: string;
}

/** A handled action's view, or why its data could not be used (a 400 for the caller). */
export type VerbOutcome =
  { readonly ok: true; readonly view: AgentView } | { readonly ok: false; readonly message: string };

export type CardData = Readonly<Record<string, unknown>>;

/** One card action: reads its data, then calls one use case. It never sees the invoke or the activity. */
export interface VerbHandler<D extends VerbDesk = VerbDesk> {
  readonly verb: Verb | TabVerb;
  handle(desk: D, actor: VerbActor, data: CardData): Promise<VerbOutcome>;
}

export const MAX_ID_CHARS = 200;

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

class BadData extends Error {}

function id(data: CardData, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new BadData(`"${key}" must be a non-empty string`);
  if (value.length > MAX_ID_CHARS) throw new BadData(`"${key}" is longer than ${MAX_ID_CHARS} characters`);
  return value;
}

/** An input's value: absent is fine (the use case answers an empty one), anything but a string is not. */
function input(data: CardData, key: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadData(`"${key}" must be a string`);
  return value;
}

function parse<T>(read: (data: CardData) => T, data: CardData): Parsed<T> {
  try {
    return { ok: true, value: read(data) };
  } catch (error) {
    if (error instanceof BadData) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * Unsent text in the reply box of the card an action came from. Cards with a reply box submit it with every
 * action and name their own session in `cardSessionId` (see CARD_DATA); absent that key there is nothing to keep.
 */
interface CarriedDraft {
  readonly cardSessionId: string;
  readonly text: string;
}

function carriedDraft(data: CardData): CarriedDraft | undefined {
  const key = CARD_DATA.cardSessionId;
  if (data[key] === undefined || data[key] === null) return undefined;
  const cardSessionId = id(data, key);
  const text = input(data, INPUTS.text);
  if (text === undefined || text.trim() === '') return undefined;
  return { cardSessionId, text };
}

/**
 * `keepsDraft`: before the use case runs, non-empty reply-box text is saved as the draft of the card's session
 * (Desk.saveDraft; a session the agent does not have is refused there and the action still runs). Every verb
 * but `reply` keeps it: a reply sends the text instead, and a sent reply clears the draft.
 */
function defineVerb<T, D extends VerbDesk = VerbDesk>(
  verb: Verb | TabVerb,
  read: (data: CardData) => T,
  run: (desk: D, actor: VerbActor, args: T) => Promise<AgentView>,
  options: { keepsDraft: boolean } = { keepsDraft: true },
): VerbHandler<D> {
  return {
    verb,
    async handle(desk, actor, data) {
      const parsed = parse(
        (d) => ({ args: read(d), draft: options.keepsDraft ? carriedDraft(d) : undefined }),
        data,
      );
      if (!parsed.ok) return { ok: false, message: `${verb}: ${parsed.message}` };
      const { args, draft } = parsed.value;
      if (draft) await desk.saveDraft(actor.agentId, draft.cardSessionId, { reply: draft.text });
      return { ok: true, view: await run(desk, actor, args) };
    },
  };
}

const offer = (data: CardData) => ({ workItemId: id(data, 'workItemId'), offerId: id(data, 'offerId') });
const workItem = (data: CardData) => id(data, 'workItemId');
const session = (data: CardData) => id(data, 'sessionId');

export const VERB_HANDLERS: readonly VerbHandler[] = [
  defineVerb(VERBS.accept, offer, (desk, { agentId }, args) => desk.accept({ agentId, ...args })),
  defineVerb(VERBS.reject, offer, (desk, { agentId }, args) => desk.reject({ agentId, ...args })),
  defineVerb(VERBS.pick, workItem, (desk, { agentId }, workItemId) => desk.pick(agentId, workItemId)),
  defineVerb(VERBS.open, workItem, (desk, { agentId }, workItemId) => desk.open(agentId, workItemId)),
  defineVerb(VERBS.focus, session, (desk, { agentId }, sessionId) => desk.focus(agentId, sessionId)),
  defineVerb(VERBS.end, session, (desk, { agentId }, sessionId) => desk.end(agentId, sessionId)),
  defineVerb(VERBS.close, session, (desk, { agentId }, sessionId) => desk.requestClose(agentId, sessionId)),
  defineVerb(VERBS.closeConfirm, session, (desk, { agentId }, sessionId) =>
    desk.confirmClose(agentId, sessionId),
  ),
  defineVerb(VERBS.closeCancel, session, (desk, { agentId }) => desk.cancelClose(agentId)),
  defineVerb(VERBS.togglePanel, session, (desk, { agentId }) => desk.togglePanel(agentId)),
  defineVerb(
    VERBS.reply,
    (data) => ({ sessionId: session(data), text: input(data, INPUTS.text) }),
    (desk, { agentId }, args) => desk.reply(agentId, args.sessionId, args.text),
    { keepsDraft: false },
  ),
  defineVerb(
    VERBS.presence,
    (data) => ({ sessionId: session(data), presence: input(data, INPUTS.presence) }),
    (desk, { agentId }, args) => desk.setPresence(agentId, args.presence),
  ),
  defineVerb(
    VERBS.kbSearch,
    (data) => ({ sessionId: session(data), query: input(data, INPUTS.query) }),
    (desk, { agentId }, args) => desk.searchKb(agentId, args.sessionId, args.query),
  ),
];

/**
 * The workspace tab's table (POST /api/agent/actions): every card verb with the very same handler, so the tab
 * and the cards share one path, plus the tab-only verbs.
 */
export const TAB_VERB_HANDLERS: readonly VerbHandler<TabVerbDesk>[] = [
  ...VERB_HANDLERS,
  defineVerb(TAB_VERBS.openCase, workItem, (desk: TabVerbDesk, { agentId }, workItemId) =>
    desk.openCase(agentId, workItemId),
  ),
  defineVerb(TAB_VERBS.saveCase, session, (desk: TabVerbDesk, { agentId }, sessionId) =>
    desk.saveCase(agentId, sessionId),
  ),
];

/** Verb → handler, checked once: every verb the cards use has exactly one handler. */
export class VerbTable<D extends VerbDesk = VerbDesk> {
  private readonly handlers: ReadonlyMap<Verb | TabVerb, VerbHandler<D>>;

  constructor(handlers: readonly VerbHandler<D>[] = VERB_HANDLERS) {
    const map = new Map<Verb | TabVerb, VerbHandler<D>>();
    for (const handler of handlers) {
      if (map.has(handler.verb)) throw new Error(`Two handlers for the verb "${handler.verb}"`);
      map.set(handler.verb, handler);
    }
    this.handlers = map;
  }

  get verbs(): readonly (Verb | TabVerb)[] {
    return [...this.handlers.keys()];
  }

  /** Runs the handler for `verb`; an unknown verb or data that is not an object is a bad request. */
  async dispatch(desk: D, actor: VerbActor, verb: unknown, data: unknown): Promise<VerbOutcome> {
    if (verb === undefined || verb === null || verb === '')
      return { ok: false, message: 'The action has no verb.' };
    const handler = isVerb(verb) || isTabVerb(verb) ? this.handlers.get(verb) : undefined;
    if (!handler) return { ok: false, message: `Unknown verb "${String(verb).slice(0, MAX_ID_CHARS)}".` };
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return { ok: false, message: `The "${verb}" action carries no data object.` };
    }
    return handler.handle(desk, actor, data as CardData);
  }
}
