import { z } from 'zod';
import type { ClaimPorts } from '../app/claims';
import type { DeskPorts } from '../app/desk-context';
import type { QuickReplyPorts } from '../app/quick-replies';
import type { ConsultPorts } from '../app/consults';
import { saveReplyDraft } from '../app/reply-actions';
import type { SupervisionPorts } from '../app/supervision';
import type { TransferPorts } from '../app/transfers';
import type { AgentView } from '../app/views';
import { CARD_DATA, INPUTS, type TabVerb, type Verb } from './verbs';

/**
 * The ports every card and tab action's use case reads between them. End asks the customer's survey (CSAT_SURVEY)
 * in its transaction, so the verbs reach the surveys too; the supervisor verbs reach what the floor reads.
 */
export type VerbPorts = ClaimPorts &
  QuickReplyPorts &
  TransferPorts &
  ConsultPorts &
  SupervisionPorts &
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
export const id = z
  .string({ error: 'must be a non-empty string' })
  .refine((value) => value.trim() !== '', { error: 'must be a non-empty string' })
  .max(MAX_ID_CHARS, { error: `is longer than ${MAX_ID_CHARS} characters` });

/** An input's value: absent is fine (the use case answers an empty one), anything but a string is not. */
export const input = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((value) => value ?? undefined);

/** Every action on the panel or a session's card names that card's session, Home included. */
export const sessionData = z.object({ sessionId: id });

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
export function problemOf(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'the data could not be read';
  return issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message}` : issue.message;
}

/**
 * `keepsDraft`: before the use case runs, non-empty reply-box text is saved as the draft of the card's session
 * (saveReplyDraft; a session the agent does not have is refused there and the action still runs). Every verb
 * but `reply` keeps it: a reply sends the text instead, and a sent reply clears the draft.
 */
export function defineVerb<S extends z.ZodType>(
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
