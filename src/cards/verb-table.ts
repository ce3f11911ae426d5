import { z } from 'zod';
import type { ClaimPorts } from '../app/claims';
import type { DeskPorts } from '../app/desk-context';
import { searchKb } from '../app/knowledge';
import { sendQuickReply, type QuickReplyPorts } from '../app/quick-replies';
import { consultNote } from '../app/consult-thread';
import { consult, consultAdd, consultLeave, consultPicker, type ConsultPorts } from '../app/consults';
import { note } from '../app/notes';
import { acceptOffer, rejectOffer } from '../app/transfer-answers';
import { transfer, transferPicker, type TransferPorts } from '../app/transfers';
import { setPresence, togglePanel } from '../app/panel-actions';
import { reply, saveReplyDraft } from '../app/reply-actions';
import { cancelClose, confirmClose, focus, requestClose } from '../app/session-actions';
import { end, finish } from '../app/wrap-up';
import type { AgentView } from '../app/views';
import { open, openCase, pick, saveCase } from '../app/work-item-actions';
import { isObject } from '../shared/json';
import {
  CARD_DATA,
  INPUTS,
  TAB_VERBS,
  VERBS,
  isTabVerb,
  isVerb,
  sessionTextInput,
  type TabVerb,
  type Verb,
} from './verbs';

/** The ports every card and tab action's use case reads between them. */
/** End asks the customer's survey (CSAT_SURVEY) in its transaction, so the verbs reach the surveys too. */
export type VerbPorts = ClaimPorts &
  QuickReplyPorts &
  TransferPorts &
  ConsultPorts &
  Pick<DeskPorts, 'surveys'>;

/** The agent pressing the button (their AGENT_IDS entry). */
export interface VerbActor {
  readonly agentId: string;
}

/** A handled action's view, or why its data could not be used (a 400 for the caller). */
export type VerbOutcome =
  { readonly ok: true; readonly view: AgentView } | { readonly ok: false; readonly message: string };

export type CardData = Readonly<Record<string, unknown>>;

/** One card action: reads its data, then calls one use case. It never sees the invoke or the activity. */
export interface VerbHandler {
  readonly verb: Verb | TabVerb;
  handle(ports: VerbPorts, actor: VerbActor, data: CardData): Promise<VerbOutcome>;
}

export const MAX_ID_CHARS = 200;

/** An id the cards carry (`sessionId`, `workItemId`, `offerId`, `cardSessionId`). */
const id = z
  .string({ error: 'must be a non-empty string' })
  .refine((value) => value.trim() !== '', { error: 'must be a non-empty string' })
  .max(MAX_ID_CHARS, { error: `is longer than ${MAX_ID_CHARS} characters` });

/** An input's value: absent is fine (the use case answers an empty one), anything but a string is not. */
const input = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((value) => value ?? undefined);

const offerData = z.object({ workItemId: id, offerId: id });
const workItemData = z.object({ workItemId: id });
/** Every action on the panel or a session's card names that card's session, Home included. */
const sessionData = z.object({ sessionId: id });
/** A digest card's Reply carries its session's own box (sessionTextInput); a session card's, `text`. */
const replyData = z.preprocess(withSessionText, sessionData.extend({ [INPUTS.text]: input }));

function withSessionText(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const data = raw as Record<string, unknown>;
  if (typeof data['sessionId'] !== 'string') return raw;
  const own = data[sessionTextInput(data['sessionId'])];
  return own === undefined ? raw : { ...data, [INPUTS.text]: own };
}
const presenceData = sessionData.extend({ [INPUTS.presence]: input });
const kbSearchData = sessionData.extend({ [INPUTS.query]: input });
/** Send, or with `insert: true` Insert into reply; the id is checked to be the agent's own or the team's. */
const quickReplyData = sessionData.extend({
  quickReplyId: id,
  insert: z.boolean({ error: 'must be true or false' }).optional(),
});

/**
 * `transfer`: no destination shows the picker; `toQueue: true` or a `toAgentId` (with the picker's `note`) is the
 * transfer itself. Naming both is refused rather than guessed.
 */
const transferData = sessionData
  .extend({
    toAgentId: id.optional(),
    toQueue: z.literal(true, { error: 'must be true when given' }).optional(),
    [INPUTS.note]: input,
  })
  .refine((data) => !(data.toAgentId !== undefined && data.toQueue), {
    error: 'names both an agent and the queue: choose one',
  });
/** `wrapUp`: Finish with the chosen `outcome` and an optional `note`; a missing outcome is answered with a card. */
const wrapUpData = sessionData.extend({ [INPUTS.outcome]: input, [INPUTS.note]: input });
/** `note`: without `text` the notes are shown; with it (even empty, which is refused) a note is added. */
const noteData = sessionData.extend({ [INPUTS.text]: z.string({ error: 'must be a string' }).optional() });
/** `consult`, `consultAdd`, `consultLeave`: the colleague is `agentId` (optional where the verb allows). */
const consultData = sessionData.extend({ agentId: id.optional() });
const consultAddData = sessionData.extend({ agentId: id });

/**
 * Unsent text in the reply box of the card an action came from. Cards with a reply box submit it with every
 * action and name their own session in `cardSessionId` (see CARD_DATA); absent that key there is nothing to keep.
 */
const carriedDraft = z
  .object({ [CARD_DATA.cardSessionId]: id.nullish(), [INPUTS.text]: input })
  .transform(({ cardSessionId, text }) =>
    cardSessionId && text !== undefined && text.trim() !== '' ? { cardSessionId, text } : undefined,
  );

/** The first thing wrong with the data, named by its key: `"sessionId" must be a non-empty string`. */
function problemOf(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'the data could not be read';
  return issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message}` : issue.message;
}

/**
 * `keepsDraft`: before the use case runs, non-empty reply-box text is saved as the draft of the card's session
 * (saveReplyDraft; a session the agent does not have is refused there and the action still runs). Every verb
 * but `reply` keeps it: a reply sends the text instead, and a sent reply clears the draft.
 */
function defineVerb<S extends z.ZodType>(
  verb: Verb | TabVerb,
  schema: S,
  run: (ports: VerbPorts, agentId: string, data: z.output<S>) => Promise<AgentView>,
  options: { keepsDraft: boolean } = { keepsDraft: true },
): VerbHandler {
  return {
    verb,
    async handle(ports, { agentId }, data) {
      const args = schema.safeParse(data);
      if (!args.success) return { ok: false, message: `${verb}: ${problemOf(args.error)}` };
      const draft = options.keepsDraft ? carriedDraft.safeParse(data) : undefined;
      if (draft && !draft.success) return { ok: false, message: `${verb}: ${problemOf(draft.error)}` };
      if (draft?.data) {
        await saveReplyDraft(ports, agentId, draft.data.cardSessionId, { reply: draft.data.text });
      }
      return { ok: true, view: await run(ports, agentId, args.data) };
    },
  };
}

export const VERB_HANDLERS: readonly VerbHandler[] = [
  defineVerb(VERBS.accept, offerData, (ports, agentId, ids) => acceptOffer(ports, { agentId, ...ids })),
  defineVerb(VERBS.reject, offerData, (ports, agentId, ids) => rejectOffer(ports, { agentId, ...ids })),
  defineVerb(VERBS.pick, workItemData, (ports, agentId, { workItemId }) => pick(ports, agentId, workItemId)),
  defineVerb(VERBS.open, workItemData, (ports, agentId, { workItemId }) => open(ports, agentId, workItemId)),
  defineVerb(VERBS.focus, sessionData, (ports, agentId, { sessionId }) => focus(ports, agentId, sessionId)),
  defineVerb(VERBS.end, sessionData, (ports, agentId, { sessionId }) => end(ports, agentId, sessionId)),
  defineVerb(VERBS.close, sessionData, (ports, agentId, { sessionId }) =>
    requestClose(ports, agentId, sessionId),
  ),
  defineVerb(VERBS.closeConfirm, sessionData, (ports, agentId, { sessionId }) =>
    confirmClose(ports, agentId, sessionId),
  ),
  defineVerb(VERBS.closeCancel, sessionData, (ports, agentId) => cancelClose(ports, agentId)),
  defineVerb(VERBS.togglePanel, sessionData, (ports, agentId) => togglePanel(ports, agentId)),
  defineVerb(
    VERBS.reply,
    replyData,
    (ports, agentId, { sessionId, text }) => reply(ports, agentId, sessionId, text),
    { keepsDraft: false },
  ),
  defineVerb(VERBS.presence, presenceData, (ports, agentId, { presence }) =>
    setPresence(ports, agentId, presence),
  ),
  defineVerb(VERBS.kbSearch, kbSearchData, (ports, agentId, { sessionId, query }) =>
    searchKb(ports, agentId, sessionId, query),
  ),
  defineVerb(VERBS.transfer, transferData, (ports, agentId, { sessionId, toAgentId, toQueue, note }) => {
    if (toQueue) return transfer(ports, agentId, sessionId, { toQueue: true });
    if (toAgentId === undefined) return transferPicker(ports, agentId, sessionId);
    return transfer(ports, agentId, sessionId, { toAgentId, ...(note !== undefined ? { note } : {}) });
  }),
  defineVerb(
    VERBS.note,
    noteData,
    (ports, agentId, { sessionId, text }) => note(ports, agentId, sessionId, text),
    { keepsDraft: false },
  ),
  defineVerb(
    VERBS.wrapUp,
    wrapUpData,
    (ports, agentId, { sessionId, outcome, note }) =>
      finish(ports, agentId, sessionId, {
        ...(outcome !== undefined ? { outcome } : {}),
        ...(note !== undefined ? { note } : {}),
      }),
    { keepsDraft: false },
  ),
  defineVerb(VERBS.consult, consultData, (ports, agentId, { sessionId, agentId: toAgentId }) =>
    toAgentId === undefined
      ? consultPicker(ports, agentId, sessionId)
      : consult(ports, agentId, sessionId, toAgentId),
  ),
  defineVerb(VERBS.consultAdd, consultAddData, (ports, agentId, data) =>
    consultAdd(ports, agentId, data.sessionId, data.agentId),
  ),
  defineVerb(VERBS.consultLeave, consultData, (ports, agentId, data) =>
    consultLeave(ports, agentId, data.sessionId, data.agentId),
  ),
  defineVerb(
    VERBS.consultNote,
    noteData,
    (ports, agentId, { sessionId, text }) => consultNote(ports, agentId, sessionId, text),
    { keepsDraft: false },
  ),
  defineVerb(VERBS.quickReply, quickReplyData, (ports, agentId, { sessionId, quickReplyId, insert }) =>
    sendQuickReply(ports, agentId, { sessionId, quickReplyId, insert: insert === true }),
  ),
];

/**
 * The workspace tab's table (POST /api/agent/actions): every card verb with the very same handler, so the tab
 * and the cards share one path, plus the tab-only verbs.
 */
export const TAB_VERB_HANDLERS: readonly VerbHandler[] = [
  ...VERB_HANDLERS,
  defineVerb(TAB_VERBS.openCase, workItemData, (ports, agentId, { workItemId }) =>
    openCase(ports, agentId, workItemId),
  ),
  defineVerb(TAB_VERBS.saveCase, sessionData, (ports, agentId, { sessionId }) =>
    saveCase(ports, agentId, sessionId),
  ),
];

/** How an unknown verb is named back: a string as sent (cut short), anything else by its JSON. */
function verbShown(verb: unknown): string {
  const shown = typeof verb === 'string' ? verb : (JSON.stringify(verb) ?? typeof verb);
  return shown.slice(0, MAX_ID_CHARS);
}

/** Verb → handler, checked once: every verb the cards use has exactly one handler. */
export class VerbTable {
  private readonly handlers: ReadonlyMap<Verb | TabVerb, VerbHandler>;

  constructor(handlers: readonly VerbHandler[] = VERB_HANDLERS) {
    const map = new Map<Verb | TabVerb, VerbHandler>();
    for (const handler of handlers) {
      if (map.has(handler.verb)) throw new Error(`Two handlers for the verb "${handler.verb}"`);
      map.set(handler.verb, handler);
    }
    this.handlers = map;
  }

  get verbs(): readonly (Verb | TabVerb)[] {
    return [...this.handlers.keys()];
  }

  /** Runs the handler for `verb` with `ports`; an unknown verb or data that is not an object is a bad request. */
  async dispatch(ports: VerbPorts, actor: VerbActor, verb: unknown, data: unknown): Promise<VerbOutcome> {
    if (verb === undefined || verb === null || verb === '')
      return { ok: false, message: 'The action has no verb.' };
    const handler = isVerb(verb) || isTabVerb(verb) ? this.handlers.get(verb) : undefined;
    if (!handler) return { ok: false, message: `Unknown verb "${verbShown(verb)}".` };
    if (!isObject(data))
      return { ok: false, message: `The "${handler.verb}" action carries no data object.` };
    return handler.handle(ports, actor, data);
  }
}
