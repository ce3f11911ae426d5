import {
  HOME_SESSION_ID,
  clearReplyDraft,
  closeSession,
  findSession,
  focusSession,
  openSession,
  retitleSession,
  saveDraft,
  togglePanelMode,
} from '../domain/agent-sessions';
import type { Session } from '../domain/agent-sessions';
import {
  CaseNotAllowedError,
  CaseTitleMissingError,
  DomainError,
  HomeSessionNotClosableError,
  MaxSessionsReachedError,
  OfferNotFoundError,
  SessionNotFoundError,
} from '../domain/errors';
import { SELECTABLE_PRESENCE, isPresenceStatus } from '../domain/presence';
import { pickFromQueue } from '../domain/routing';
import { conversationSentiment } from '../domain/sentiment';
import { endWorkItem, moveWorkItemToWaiting, resumeWorkItemByAgent } from '../domain/work-item';
import { ensureAgent, panelVersion, refreshPanel, updateAgent } from './agents';
import {
  caseSessionId,
  caseSessionTitle,
  initialCaseFields,
  mayOpenCase,
  workItemIdOfSession,
} from './case-sessions';
import { capText, customerWording } from './customer-wording';
import type { DeskContext } from './desk-context';
import type { AgentDocument, SavedCase, WorkItemDocument } from './documents';
import { dispatchOffers, finishClaim, readWorkItem, showKb } from './routing';
import { readExcerpt } from './transcripts';
import {
  NO_LONGER_AVAILABLE,
  SUMMARY_LINES,
  activeConversationView,
  dashboardView,
  notice,
  offerView,
  panelView,
  refusal,
  replyDraft,
} from './view-builders';
import type { AgentView } from './views';
import { announceWorkItemChange, readWorkItemIndex } from './work-item-index';

/** An action on a work item the agent no longer holds (ended, moved, taken by someone else). */
class NoLongerAvailableError extends DomainError {
  readonly code = 'no-longer-available';

  constructor() {
    super(NO_LONGER_AVAILABLE);
  }
}

function threshold(ctx: DeskContext) {
  return ctx.settings.workstream.sentimentThreshold;
}

/** Runs an action, turning a refused one into a clear card and a log line instead of a thrown error. */
async function guarded(
  ctx: DeskContext,
  fields: Record<string, unknown>,
  action: () => Promise<AgentView>,
): Promise<AgentView> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    ctx.logger.info({ ...fields, reason: error.code }, 'agent action refused');
    return refusal(error);
  }
}

function requireSession(agent: AgentDocument, sessionId: string): Session {
  const session = findSession(agent.panel, sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  return session;
}

/**
 * The agent's session for an action on a conversation; a session that has already gone (ended, closed, or
 * taken elsewhere) while its work item still exists is a stale action, not an unknown id.
 */
async function requireLiveSession(
  ctx: DeskContext,
  agent: AgentDocument,
  sessionId: string,
): Promise<Session> {
  const session = findSession(agent.panel, sessionId);
  if (session) return session;
  if (await readWorkItem(ctx, sessionId)) throw new NoLongerAvailableError();
  throw new SessionNotFoundError(sessionId);
}

/** Changes a work item only while it is Active and assigned to this agent; keeps the dashboard index in step. */
async function updateOwnedItem(
  ctx: DeskContext,
  agentId: string,
  workItemId: string,
  change: (doc: WorkItemDocument) => WorkItemDocument,
): Promise<WorkItemDocument> {
  const doc = await ctx.workItems.update(workItemId, (current) => {
    if (!current || current.item.state !== 'active' || current.item.assignedAgentId !== agentId) {
      throw new NoLongerAvailableError();
    }
    return change(current);
  });
  if (!doc) throw new NoLongerAvailableError();
  await announceWorkItemChange(ctx);
  return doc;
}

export async function showPanel(ctx: DeskContext, agentId: string, name?: string): Promise<AgentView> {
  const agent = await ensureAgent(ctx, agentId, name);
  await refreshPanel(ctx, agent);
  return panelView(agent, threshold(ctx));
}

export async function showDashboard(ctx: DeskContext, agentId: string): Promise<AgentView> {
  return dashboardView(await readWorkItemIndex(ctx), agentId);
}

/**
 * Focus a session (from the panel, a card or "open" on the agent's own Active item). Focusing a conversation
 * session also sends its Active Conversation view again, its reply box pre-filled with the saved draft, so
 * switching back in chat shows the unsaved reply. The answer stays the panel.
 */
export function focus(ctx: DeskContext, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'focus' }, async () => {
    await ensureAgent(ctx, agentId);
    const agent = await updateAgent(ctx, agentId, (current) => ({
      ...current,
      panel: focusSession(current.panel, sessionId),
    }));
    await refreshPanel(ctx, agent);
    const session = findSession(agent.panel, sessionId);
    if (session?.kind === 'conversation') {
      const doc = await readWorkItem(ctx, sessionId);
      if (doc) {
        const excerpt = await readExcerpt(ctx, doc, SUMMARY_LINES);
        const view = activeConversationView(doc, excerpt, session.readOnly, replyDraft(agent, sessionId));
        await ctx.notifier.toAgent(agentId, view);
      }
    }
    return panelView(agent, threshold(ctx));
  });
}

export function togglePanel(ctx: DeskContext, agentId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, action: 'togglePanel' }, async () => {
    await ensureAgent(ctx, agentId);
    const agent = await updateAgent(ctx, agentId, (current) => ({
      ...current,
      panel: togglePanelMode(current.panel),
    }));
    await refreshPanel(ctx, agent);
    return panelView(agent, threshold(ctx));
  });
}

export function setPresence(ctx: DeskContext, agentId: string, status: unknown): Promise<AgentView> {
  return guarded(ctx, { agentId, action: 'presence', status }, async () => {
    if (!isPresenceStatus(status) || !SELECTABLE_PRESENCE.includes(status)) {
      return notice('Unknown presence', `Choose one of: ${SELECTABLE_PRESENCE.join(', ')}.`, 'warning');
    }
    await ensureAgent(ctx, agentId);
    // The agent's own choice is kept as is; the capacity rule applies again at the next session start or end.
    const agent = await ctx.agentRecords.update(agentId, (current) =>
      current ? { ...current, presence: status } : current,
    );
    if (!agent) throw new SessionNotFoundError(HOME_SESSION_ID);
    ctx.logger.info({ agentId, presence: status }, 'presence set');
    await refreshPanel(ctx, agent);
    await dispatchOffers(ctx);
    return panelView(agent, threshold(ctx));
  });
}

/** Close asks first; nothing changes until closeConfirm. */
export function requestClose(ctx: DeskContext, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'close' }, async () => {
    const agent = await ensureAgent(ctx, agentId);
    if (sessionId === HOME_SESSION_ID) throw new HomeSessionNotClosableError();
    const session = await requireLiveSession(ctx, agent, sessionId);
    return { kind: 'close-confirm', sessionId, title: session.title };
  });
}

export function cancelClose(ctx: DeskContext, agentId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, action: 'closeCancel' }, async () => {
    const agent = await ensureAgent(ctx, agentId);
    return panelView(agent, threshold(ctx), 'Close cancelled.');
  });
}

/** Closing a conversation without ending it moves it to Waiting (persistent chat) and frees capacity. */
export function confirmClose(ctx: DeskContext, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'closeConfirm' }, async () => {
    const now = ctx.clock.now();
    if (sessionId === HOME_SESSION_ID) throw new HomeSessionNotClosableError();
    const before = await ensureAgent(ctx, agentId);
    const session = await requireLiveSession(ctx, before, sessionId);
    if (session.kind === 'conversation' && !session.readOnly) {
      const doc = await readWorkItem(ctx, sessionId);
      if (doc?.item.state === 'active' && doc.item.assignedAgentId === agentId) {
        await updateOwnedItem(ctx, agentId, sessionId, (d) => ({
          ...d,
          item: moveWorkItemToWaiting(d.item, now),
        }));
      }
    }
    const agent = await updateAgent(ctx, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: closeSession(current.panel, sessionId) }
        : current,
    );
    ctx.logger.info({ agentId, sessionId }, 'session closed');
    await refreshPanel(ctx, agent);
    await dispatchOffers(ctx);
    return notice(
      `${session.title} closed`,
      session.kind === 'conversation' && !session.readOnly
        ? 'The conversation is Waiting; the customer can pick it up again.'
        : 'The session is closed.',
      'good',
    );
  });
}

/** End finishes the conversation: the customer is told, and their next message starts afresh. */
export function end(ctx: DeskContext, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'end' }, async () => {
    const now = ctx.clock.now();
    const before = await ensureAgent(ctx, agentId);
    const session = await requireLiveSession(ctx, before, sessionId);
    const doc = await updateOwnedItem(ctx, agentId, session.id, (d) => ({
      ...d,
      item: endWorkItem(d.item, now),
    }));
    const agent = await updateAgent(ctx, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: closeSession(current.panel, sessionId) }
        : current,
    );
    ctx.logger.info({ agentId, sessionId }, 'conversation ended');
    await ctx.notifier.toCustomer(doc.item.customerId, customerWording.ended(agent.name), {
      kind: 'ended',
      agentName: agent.name,
    });
    await refreshPanel(ctx, agent);
    await dispatchOffers(ctx);
    return notice(`${session.title} ended`, 'The conversation is closed.', 'good');
  });
}

/** A reply to one session's customer, without changing focus. */
export function reply(
  ctx: DeskContext,
  agentId: string,
  sessionId: string,
  rawText: unknown,
): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'reply' }, async () => {
    const text = typeof rawText === 'string' ? rawText.trim() : '';
    if (!text) return notice('Nothing to send', 'Type a reply first.', 'warning');
    const now = ctx.clock.now();
    const agent = await ensureAgent(ctx, agentId);
    const session = await requireLiveSession(ctx, agent, sessionId);
    if (session.readOnly) throw new NoLongerAvailableError();
    const capped = capText(text, ctx.settings.maxTextChars).text;
    const deliveryId = ctx.ids.next();
    const recorded = await ctx.workItems.record(sessionId, (current) => {
      if (!current || current.item.state !== 'active' || current.item.assignedAgentId !== agentId) {
        throw new NoLongerAvailableError();
      }
      const message = {
        from: 'agent',
        text: capped,
        at: now,
        agentId,
        deliveryId,
        delivery: 'sending',
      } as const;
      return { doc: current, message };
    });
    if (!recorded) throw new NoLongerAvailableError();
    const { doc } = recorded;
    await announceWorkItemChange(ctx);
    const updated = await updateAgent(ctx, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: clearReplyDraft(current.panel, sessionId) }
        : current,
    );
    await ctx.notifier.toCustomer(doc.item.customerId, capped, {
      kind: 'agent-message',
      agentName: updated.name,
      deliveryId,
    });
    return notice(`Sending to ${session.title}`, capped, 'good');
  });
}

/** Plain text from the agent goes to the focused session; with Home focused they get the panel and a hint. */
export async function agentText(
  ctx: DeskContext,
  agentId: string,
  text: string,
  name?: string,
): Promise<AgentView> {
  const agent = await ensureAgent(ctx, agentId, name);
  const focused = agent.panel.focusedSessionId;
  if (focused === HOME_SESSION_ID) {
    const view = panelView(
      agent,
      threshold(ctx),
      'Home is focused: select a session to reply to its customer, or type "help".',
    );
    await ctx.notifier.toAgent(agentId, view, { slot: 'panel', version: panelVersion(agent) });
    return view;
  }
  return reply(ctx, agentId, focused, text);
}

/**
 * Keeps unsaved work of a session (refused with a card for a session the agent does not have). A reply draft
 * longer than MAX_TEXT_CHARS is cut there without a note: a reply is capped at that length anyway, and the
 * draft goes back into the cards' reply boxes, which must stay small.
 */
export function saveReplyDraft(
  ctx: DeskContext,
  agentId: string,
  sessionId: string,
  change: { reply?: string; caseFields?: Readonly<Record<string, string>> },
): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'draft' }, async () => {
    await ensureAgent(ctx, agentId);
    const capped =
      change.reply === undefined
        ? change
        : { ...change, reply: capDraft(change.reply, ctx.settings.maxTextChars) };
    const agent = await updateAgent(ctx, agentId, (current) => ({
      ...current,
      panel: saveDraft(current.panel, sessionId, capped),
    }));
    return panelView(agent, threshold(ctx));
  });
}

function capDraft(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // Never cut a surrogate pair in half.
  return text.slice(0, /[\uDC00-\uDFFF]/.test(text.charAt(maxChars)) ? maxChars - 1 : maxChars);
}

async function startSession(ctx: DeskContext, agentId: string, doc: WorkItemDocument, readOnly: boolean) {
  const now = ctx.clock.now();
  const agent = await updateAgent(ctx, agentId, (current) => ({
    ...current,
    panel: openSession(
      current.panel,
      {
        id: doc.item.id,
        kind: 'conversation',
        title: doc.item.title,
        readOnly,
        sentiment: conversationSentiment(doc.item.sentimentScores),
        ...(doc.nameGiven ? { nameGiven: doc.nameGiven } : {}),
      },
      { maxSessions: ctx.settings.workstream.maxSessions, now },
    ),
  }));
  if (!readOnly) {
    await ctx.notifier.toCustomer(doc.item.customerId, customerWording.joined(agent.name), {
      kind: 'joined',
      agentName: agent.name,
    });
  }
  const excerpt = await readExcerpt(ctx, doc, SUMMARY_LINES);
  await ctx.notifier.toAgent(
    agentId,
    activeConversationView(doc, excerpt, readOnly, replyDraft(agent, doc.item.id)),
  );
  if (!readOnly) await showKb(ctx, agentId, doc);
  await refreshPanel(ctx, agent);
  return agent;
}

function assertRoomForSession(ctx: DeskContext, agent: AgentDocument, workItemId: string): void {
  if (
    !findSession(agent.panel, workItemId) &&
    agent.panel.sessions.length >= ctx.settings.workstream.maxSessions
  ) {
    throw new MaxSessionsReachedError();
  }
}

/** Pick an Open item from the queue; a live offer of it to someone else is withdrawn. */
export function pick(ctx: DeskContext, agentId: string, workItemId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, workItemId, action: 'pick' }, async () => {
    const now = ctx.clock.now();
    assertRoomForSession(ctx, await ensureAgent(ctx, agentId), workItemId);
    const workstream = ctx.settings.workstream.name;
    let cancelled: ReturnType<typeof pickFromQueue>['cancelledOffer'];
    await ctx.queue.update(workstream, (queue) => {
      const picked = pickFromQueue(queue, workItemId, { agentId, now });
      cancelled = picked.cancelledOffer;
      return picked.queue;
    });
    const doc = await readWorkItem(ctx, workItemId);
    if (cancelled && doc) {
      const view = offerView(
        doc,
        await readExcerpt(ctx, doc, 0),
        cancelled,
        'unavailable',
        ctx.settings.workstream.notificationTimeoutMs,
      );
      await ctx.notifier.toAgent(cancelled.agentId, view, { slot: `offer:${cancelled.id}` });
    }
    const finished = await finishClaim(ctx, workItemId, { agentId, at: now, via: 'pick' });
    if (finished.kind === 'no-room') throw new MaxSessionsReachedError();
    if (finished.kind === 'gone') throw new OfferNotFoundError(workItemId);
    ctx.logger.info({ agentId, workItemId }, 'picked');
    return panelView(finished.agent, threshold(ctx));
  });
}

/** Open a Waiting item (it becomes Active again), the agent's own Active one, or a Closed one read-only. */
export function open(ctx: DeskContext, agentId: string, workItemId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, workItemId, action: 'open' }, async () => {
    const now = ctx.clock.now();
    const agent = await ensureAgent(ctx, agentId);
    const existing = await readWorkItem(ctx, workItemId);
    if (!existing) throw new NoLongerAvailableError();
    const { item } = existing;
    if (item.state === 'open') return pick(ctx, agentId, workItemId);
    if (item.state === 'active') {
      if (item.assignedAgentId !== agentId) throw new NoLongerAvailableError();
      return focus(ctx, agentId, workItemId);
    }
    assertRoomForSession(ctx, agent, workItemId);
    if (item.state === 'closed' || item.state === 'wrap-up') {
      return panelView(await startSession(ctx, agentId, existing, true), threshold(ctx));
    }
    const doc = await ctx.workItems.update(workItemId, (current) =>
      current ? { ...current, item: resumeWorkItemByAgent(current.item, agentId, now) } : current,
    );
    if (!doc) throw new NoLongerAvailableError();
    await announceWorkItemChange(ctx);
    ctx.logger.info({ agentId, workItemId }, 'opened waiting item');
    return panelView(await startSession(ctx, agentId, doc, false), threshold(ctx));
  });
}

export function searchKb(
  ctx: DeskContext,
  agentId: string,
  sessionId: string,
  query: unknown,
): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'kbSearch' }, async () => {
    const agent = await ensureAgent(ctx, agentId);
    requireSession(agent, sessionId);
    const text = typeof query === 'string' ? query.slice(0, 500) : '';
    return { kind: 'kb-search', sessionId, query: text, results: ctx.kb.search(text, 5) };
  });
}

/**
 * Opens (or focuses) a case session on a work item: the seed's "open a case record" session. It uses no
 * capacity (it still counts towards MAX_SESSIONS); its case form starts from the work item and its unsaved
 * fields are kept in the session's draft. Refused for a work item another agent is working on.
 */
export function openCase(ctx: DeskContext, agentId: string, workItemId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, workItemId, action: 'openCase' }, async () => {
    const now = ctx.clock.now();
    const before = await ensureAgent(ctx, agentId);
    const doc = await readWorkItem(ctx, workItemId);
    if (!doc) throw new NoLongerAvailableError();
    if (!mayOpenCase(doc.item, agentId, findSession(before.panel, workItemId) !== undefined)) {
      throw new CaseNotAllowedError();
    }
    const sessionId = caseSessionId(workItemId);
    const agent = await updateAgent(ctx, agentId, (current) => {
      if (findSession(current.panel, sessionId)) {
        return { ...current, panel: focusSession(current.panel, sessionId) };
      }
      const opened = openSession(
        current.panel,
        { id: sessionId, kind: 'case', title: caseSessionTitle(doc.item, doc.case) },
        { maxSessions: ctx.settings.workstream.maxSessions, now },
      );
      const caseFields = initialCaseFields(doc.item, doc.case);
      return { ...current, panel: saveDraft(opened, sessionId, { caseFields }) };
    });
    ctx.logger.info({ agentId, workItemId, sessionId }, 'case session opened');
    await refreshPanel(ctx, agent);
    return panelView(agent, threshold(ctx));
  });
}

/**
 * Saves a case session's form on its conversation (the explicit Save; typing only keeps a draft). A case needs a
 * title; once saved, the session takes it as its title and a later case session starts from it.
 */
export function saveCase(ctx: DeskContext, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(ctx, { agentId, sessionId, action: 'saveCase' }, async () => {
    const now = ctx.clock.now();
    const agent = await ensureAgent(ctx, agentId);
    const session = findSession(agent.panel, sessionId);
    const workItemId = session?.kind === 'case' ? workItemIdOfSession(session) : undefined;
    if (!session || !workItemId) throw new SessionNotFoundError(sessionId);
    const fields = session.draft.caseFields;
    const title = (fields['title'] ?? '').trim();
    if (!title) throw new CaseTitleMissingError();
    const saved: SavedCase = {
      title,
      description: (fields['description'] ?? '').trim(),
      priority: fields['priority'] || 'normal',
      savedAt: now,
      savedBy: agentId,
    };
    const doc = await ctx.workItems.update(workItemId, (current) =>
      current ? { ...current, case: saved } : current,
    );
    if (!doc) throw new NoLongerAvailableError();
    const updated = await updateAgent(ctx, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: retitleSession(current.panel, sessionId, caseSessionTitle(doc.item, saved)) }
        : current,
    );
    ctx.logger.info({ agentId, workItemId, sessionId }, 'case saved');
    await refreshPanel(ctx, updated);
    return notice('Case saved', `${title} is saved on ${doc.item.title}'s conversation.`, 'good');
  });
}
