import { HOME_SESSION_ID, findSession, type Session } from '../domain/agent-sessions';
import {
  QUICK_REPLY_LIMITS,
  QuickReplyNotFoundError,
  fillPlaceholders,
  searchQuickReplies,
  unfilledReason,
  type PlaceholderValues,
  type QuickReply,
} from '../domain/quick-replies';
import { NoLongerAvailableError, guarded, requireLiveSession } from './action-guards';
import { ensureAgent } from './agents';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { readQuickReplyFields } from './quick-reply-input';
import { reply, saveReplyDraft, type ReplyPorts } from './reply-actions';
import type { StoredQuickReply } from './repositories';
import { notice } from './view-builders';
import type { AgentView, QuickRepliesView, QuickReplyHit } from './views';

/** What finding and sending quick replies reads: the team's set (settings), the agent's own, the reply path. */
export type QuickReplyPorts = ReplyPorts & Pick<DeskPorts, 'quickReplies' | 'settings'>;

/** Matches a `/q` card lists. */
export const CARD_RESULTS = 5;
/** The most a search of the agent API answers with. */
export const MAX_RESULTS = 50;

function own(stored: StoredQuickReply): QuickReply {
  return { id: stored.id, title: stored.title, text: stored.text, tags: stored.tags, scope: 'own' };
}

/** The agent's own quick replies and the team's, as one list to search. */
async function everyQuickReply(deps: QuickReplyPorts, agentId: string): Promise<QuickReply[]> {
  const mine = await deps.quickReplies.list(agentId);
  return [...mine.map(own), ...(deps.settings.quickReplies ?? [])];
}

/** One of the agent's own by id, else one of the team's; another agent's is never found. */
async function quickReplyFor(deps: QuickReplyPorts, agentId: string, id: string): Promise<QuickReply> {
  const mine = await deps.quickReplies.get(agentId, id);
  const found = mine ? own(mine) : deps.settings.quickReplies?.find((shared) => shared.id === id);
  if (!found) throw new QuickReplyNotFoundError(id);
  return found;
}

/** The saved case's title, else the one the contacts directory gives the customer. */
function caseTitleOf(doc: WorkItemDocument | undefined): string | undefined {
  return doc?.case?.title.trim() || doc?.item.customer.caseTitle?.trim() || undefined;
}

/** {customerName} is the session's title, {agentName} the agent's display name, {caseTitle} the case's. */
function valuesFor(agent: AgentDocument, session?: Session, doc?: WorkItemDocument): PlaceholderValues {
  const caseTitle = caseTitleOf(doc);
  return {
    agentName: agent.name,
    ...(session ? { customerName: session.title } : {}),
    ...(caseTitle ? { caseTitle } : {}),
  };
}

function hitOf(reply: QuickReply, values: PlaceholderValues): QuickReplyHit {
  const filled = fillPlaceholders(reply.text, values);
  return { id: reply.id, title: reply.title, tags: reply.tags, scope: reply.scope, ...filled };
}

/** A conversation session the agent can still write in, or undefined (Home, a case session, a closed one). */
function writableSession(agent: AgentDocument, sessionId: string): Session | undefined {
  const session = sessionId === HOME_SESSION_ID ? undefined : findSession(agent.panel, sessionId);
  return session && session.kind === 'conversation' && !session.readOnly ? session : undefined;
}

/**
 * The best matches for the agent (their own and the team's), their placeholders filled for `sessionId` when
 * given; undefined when that session is not the agent's.
 */
export async function findQuickReplies(
  deps: QuickReplyPorts,
  agentId: string,
  query: string,
  options: { readonly sessionId?: string; readonly limit?: number } = {},
): Promise<QuickReplyHit[] | undefined> {
  const agent = await ensureAgent(deps, agentId);
  const session = options.sessionId === undefined ? undefined : findSession(agent.panel, options.sessionId);
  if (options.sessionId !== undefined && !session) return undefined;
  const doc = session?.kind === 'conversation' ? await deps.workItems.get(session.id) : undefined;
  const values = valuesFor(agent, session, doc);
  const limit = Math.min(options.limit ?? MAX_RESULTS, MAX_RESULTS);
  return searchQuickReplies(await everyQuickReply(deps, agentId), query, limit).map((found) =>
    hitOf(found, values),
  );
}

/** `/q <words|#tag>` in chat: a card of the best matches for the focused session (with Home, only a list). */
export async function quickRepliesCard(
  deps: QuickReplyPorts,
  agentId: string,
  query: string,
): Promise<QuickRepliesView> {
  const agent = await ensureAgent(deps, agentId);
  const session = writableSession(agent, agent.panel.focusedSessionId);
  const results = await findQuickReplies(deps, agentId, query, {
    ...(session ? { sessionId: session.id } : {}),
    limit: CARD_RESULTS,
  });
  return {
    kind: 'quick-replies',
    ...(session ? { sessionId: session.id, sessionTitle: session.title } : {}),
    query: query.trim(),
    results: results ?? [],
  };
}

/**
 * `quickReply` {sessionId, quickReplyId}: Send puts the reply through the very path of a typed one, its
 * placeholders filled; one it cannot fill is refused and nothing is sent. The agent's unsent draft stays.
 * With `insert`, the filled text is added to the session's reply draft instead (unfilled placeholders stay, for
 * the agent to fill in) and the answer is a reply box holding it.
 */
export function sendQuickReply(
  deps: QuickReplyPorts,
  agentId: string,
  request: { readonly sessionId: string; readonly quickReplyId: string; readonly insert?: boolean },
): Promise<AgentView> {
  const { sessionId, quickReplyId } = request;
  return guarded(deps, { agentId, sessionId, quickReplyId, action: 'quickReply' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const session = await requireLiveSession(deps, agent, sessionId);
    if (session.readOnly) throw new NoLongerAvailableError();
    if (session.kind !== 'conversation') {
      return notice('Not sent', 'Quick replies go to a conversation: select one first.', 'warning');
    }
    const chosen = await quickReplyFor(deps, agentId, quickReplyId);
    const doc = await deps.workItems.get(sessionId);
    const filled = fillPlaceholders(chosen.text, valuesFor(agent, session, doc));
    if (request.insert) return insertIntoDraft(deps, agentId, session, chosen.title, filled.text);
    if (filled.unfilled.length > 0) {
      deps.logger.info(
        { agentId, sessionId, quickReplyId, unfilled: filled.unfilled },
        'quick reply refused',
      );
      return notice(`Not sent: “${chosen.title}”`, unfilledReason(filled.unfilled), 'warning');
    }
    const view = await reply(deps, agentId, sessionId, filled.text);
    const keep = session.draft.reply;
    // A reply clears the session's draft; what the agent had typed there is not what went out, so it stays.
    if (keep.trim() !== '' && view.kind === 'notice' && view.tone === 'good') {
      await saveReplyDraft(deps, agentId, sessionId, { reply: keep });
    }
    return view;
  });
}

async function insertIntoDraft(
  deps: QuickReplyPorts,
  agentId: string,
  session: Session,
  title: string,
  text: string,
): Promise<AgentView> {
  const current = session.draft.reply.replace(/\s+$/, '');
  const draft = current === '' ? text : `${current}\n${text}`;
  const saved = await saveReplyDraft(deps, agentId, session.id, { reply: draft });
  if (saved.kind !== 'panel') return saved;
  // The draft as kept (cut at MAX_TEXT_CHARS), which the reply box must show.
  const agent = await ensureAgent(deps, agentId);
  return {
    kind: 'quick-replies',
    sessionId: session.id,
    sessionTitle: session.title,
    query: '',
    results: [],
    draft: findSession(agent.panel, session.id)?.draft.reply ?? draft,
    inserted: title,
  };
}

/** An own quick reply added, changed or removed, or why not (an HTTP status follows from `problem`). */
export type QuickReplyChange =
  | { readonly ok: true; readonly reply: StoredQuickReply }
  | {
      readonly ok: false;
      readonly problem: 'invalid' | 'missing' | 'conflict' | 'full';
      readonly message: string;
    };

type OwnPorts = Pick<DeskPorts, 'quickReplies' | 'clock' | 'ids'>;

const MISSING: QuickReplyChange = {
  ok: false,
  problem: 'missing',
  message: 'You have no quick reply with this id.',
};

/** The agent's own quick replies, A to Z. */
export function ownQuickReplies(
  deps: Pick<DeskPorts, 'quickReplies'>,
  agentId: string,
): Promise<StoredQuickReply[]> {
  return deps.quickReplies.list(agentId);
}

export async function addQuickReply(
  deps: OwnPorts,
  agentId: string,
  raw: unknown,
): Promise<QuickReplyChange> {
  const fields = readQuickReplyFields(raw);
  if (typeof fields === 'string') return { ok: false, problem: 'invalid', message: fields };
  const added = await deps.quickReplies.add(
    { ...fields, id: `qr-${deps.ids.next()}`, agentId, createdAt: deps.clock.now() },
    QUICK_REPLY_LIMITS.perAgent,
  );
  if (added === 'full') {
    const message = `You have ${QUICK_REPLY_LIMITS.perAgent} quick replies, the most an agent keeps: delete one first.`;
    return { ok: false, problem: 'full', message };
  }
  return { ok: true, reply: added };
}

/** Changes one of the agent's own, if it is still at the `version` the agent edited. */
export async function editQuickReply(
  deps: OwnPorts,
  agentId: string,
  request: { readonly quickReplyId: string; readonly version: number; readonly fields: unknown },
): Promise<QuickReplyChange> {
  const fields = readQuickReplyFields(request.fields);
  if (typeof fields === 'string') return { ok: false, problem: 'invalid', message: fields };
  const { quickReplyId, version } = request;
  const changed = await deps.quickReplies.update(agentId, quickReplyId, version, fields, deps.clock.now());
  if (changed === 'missing') return MISSING;
  if (changed === 'conflict') {
    const message = 'This quick reply was changed elsewhere since you opened it: reload it and edit again.';
    return { ok: false, problem: 'conflict', message };
  }
  return { ok: true, reply: changed };
}

/** Resolves true when the agent's own quick reply was there and is gone. */
export function deleteQuickReply(
  deps: Pick<DeskPorts, 'quickReplies'>,
  agentId: string,
  quickReplyId: string,
): Promise<boolean> {
  return deps.quickReplies.remove(agentId, quickReplyId);
}
