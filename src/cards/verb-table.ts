import { z } from 'zod';
import { searchKb } from '../app/knowledge';
import { sendQuickReply } from '../app/quick-replies';
import { consultNote } from '../app/consult-thread';
import { consult, consultAdd, consultLeave, consultPicker } from '../app/consults';
import { note } from '../app/notes';
import { acceptOffer, rejectOffer } from '../app/transfer-answers';
import { transfer, transferPicker } from '../app/transfers';
import { setPresence, togglePanel } from '../app/panel-actions';
import { reply } from '../app/reply-actions';
import { cancelClose, confirmClose, focus, requestClose } from '../app/session-actions';
import { end, finish } from '../app/wrap-up';
import { open, openCase, pick, saveCase } from '../app/work-item-actions';
import { isObject } from '../shared/json';
import { SUPERVISOR_VERB_HANDLERS } from './supervisor-verbs';
import {
  MAX_ID_CHARS,
  defineVerb,
  id,
  input,
  sessionData,
  type VerbActor,
  type VerbHandler,
  type VerbOutcome,
  type VerbPorts,
} from './verb-definition';
import {
  INPUTS,
  TAB_VERBS,
  VERBS,
  isTabVerb,
  isVerb,
  sessionTextInput,
  type TabVerb,
  type Verb,
} from './verbs';

export {
  MAX_ID_CHARS,
  type CardData,
  type VerbActor,
  type VerbHandler,
  type VerbOutcome,
  type VerbPorts,
} from './verb-definition';

const offerData = z.object({ workItemId: id, offerId: id });
const workItemData = z.object({ workItemId: id });
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
  ...SUPERVISOR_VERB_HANDLERS,
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
