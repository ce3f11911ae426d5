import {
  dropSupervising,
  findSession,
  focusSession,
  openSession,
  retitleSession,
  saveDraft,
} from '../domain/agent-sessions';
import {
  CaseNotAllowedError,
  CaseTitleMissingError,
  MaxSessionsReachedError,
  OfferNotFoundError,
  SessionNotFoundError,
} from '../domain/errors';
import { pickFromQueue } from '../domain/routing';
import { resumeWorkItemByAgent } from '../domain/work-item';
import { NoLongerAvailableError, guarded, threshold, type ActionPorts } from './action-guards';
import { ensureAgent, refreshPanel, updateAgent, type EnsureAgentPorts } from './agents';
import {
  caseSessionId,
  caseSessionTitle,
  initialCaseFields,
  mayOpenCase,
  workItemIdOfSession,
} from './case-sessions';
import { conversationSession, finishClaim, type ClaimPorts } from './claims';
import { teamworkOf } from './notes';
import { customerWording } from './customer-wording';
import { offerCard, type DeskPorts } from './desk-context';
import type { AgentDocument, SavedCase, WorkItemDocument } from './documents';
import { showKb } from './knowledge';
import { focus } from './session-actions';
import { readExcerpt } from './transcripts';
import {
  SUMMARY_LINES,
  activeConversationView,
  notice,
  offerView,
  panelView,
  replyDraft,
} from './view-builders';
import type { AgentView } from './views';
import { announceWorkItemChange } from './work-item-index';
import { surveyAnswerOf } from './csat-survey';

async function startSession(
  deps: EnsureAgentPorts & Pick<DeskPorts, 'notifier' | 'messages' | 'kb' | 'notes' | 'surveys'>,
  agentId: string,
  doc: WorkItemDocument,
  readOnly: boolean,
) {
  const now = deps.clock.now();
  const agent = await updateAgent(deps, agentId, (current) => ({
    ...current,
    // Resumed by a supervisor who monitors it: it is theirs to work on now, not to look at.
    panel: openSession(
      readOnly ? current.panel : dropSupervising(current.panel, doc.item.id),
      conversationSession(doc, readOnly),
      {
        maxSessions: deps.settings.workstream.maxSessions,
        now,
      },
    ),
  }));
  if (!readOnly) {
    await deps.notifier.toCustomer(doc.item.customerId, customerWording.joined(agent.name), {
      kind: 'joined',
      agentName: agent.name,
    });
  }
  const excerpt = await readExcerpt(deps, doc, SUMMARY_LINES);
  await deps.notifier.toAgent(
    agentId,
    activeConversationView(doc, excerpt, readOnly, replyDraft(agent, doc.item.id), {
      ...(await teamworkOf(deps, doc.item.id, findSession(agent.panel, doc.item.id))),
      ...(await surveyAnswerOf(deps, doc)),
    }),
  );
  if (!readOnly) await showKb(deps, agentId, doc);
  await refreshPanel(deps, agent);
  return agent;
}

function assertRoomForSession(
  deps: Pick<DeskPorts, 'settings'>,
  agent: AgentDocument,
  workItemId: string,
): void {
  if (
    !findSession(agent.panel, workItemId) &&
    agent.panel.sessions.length >= deps.settings.workstream.maxSessions
  ) {
    throw new MaxSessionsReachedError();
  }
}

/** Pick an Open item from the queue; a live offer of it to someone else is withdrawn. */
export function pick(deps: ClaimPorts, agentId: string, workItemId: string): Promise<AgentView> {
  return guarded(deps, { agentId, workItemId, action: 'pick' }, async () => {
    const now = deps.clock.now();
    assertRoomForSession(deps, await ensureAgent(deps, agentId), workItemId);
    const workstream = deps.settings.workstream.name;
    let cancelled: ReturnType<typeof pickFromQueue>['cancelledOffer'];
    await deps.queue.update(workstream, (queue) => {
      const picked = pickFromQueue(queue, workItemId, { agentId, now });
      cancelled = picked.cancelledOffer;
      return picked.queue;
    });
    const doc = await deps.workItems.get(workItemId);
    if (cancelled && doc) {
      const view = offerView(
        doc,
        await readExcerpt(deps, doc, 0),
        cancelled,
        'unavailable',
        deps.settings.workstream.notificationTimeoutMs,
      );
      await deps.notifier.toAgent(cancelled.agentId, view, { target: offerCard(cancelled.id) });
    }
    const finished = await finishClaim(deps, workItemId, { agentId, at: now, via: 'pick' });
    if (finished.kind === 'no-room') throw finished.error;
    if (finished.kind === 'gone') throw new OfferNotFoundError(workItemId);
    deps.logger.info({ agentId, workItemId }, 'picked');
    return panelView(finished.agent, threshold(deps));
  });
}

/** Open a Waiting item (it becomes Active again), the agent's own Active one, or a Closed one read-only. */
export function open(deps: ClaimPorts, agentId: string, workItemId: string): Promise<AgentView> {
  return guarded(deps, { agentId, workItemId, action: 'open' }, async () => {
    const now = deps.clock.now();
    const agent = await ensureAgent(deps, agentId);
    const existing = await deps.workItems.get(workItemId);
    if (!existing) throw new NoLongerAvailableError();
    const { item } = existing;
    if (item.state === 'open') return pick(deps, agentId, workItemId);
    if (item.state === 'active') {
      if (item.assignedAgentId !== agentId) throw new NoLongerAvailableError();
      return focus(deps, agentId, workItemId);
    }
    assertRoomForSession(deps, agent, workItemId);
    if (item.state === 'closed' || item.state === 'wrap-up') {
      return panelView(await startSession(deps, agentId, existing, true), threshold(deps));
    }
    const doc = await deps.workItems.update(workItemId, (current) =>
      current ? { ...current, item: resumeWorkItemByAgent(current.item, agentId, now) } : current,
    );
    if (!doc) throw new NoLongerAvailableError();
    await announceWorkItemChange(deps);
    deps.logger.info({ agentId, workItemId }, 'opened waiting item');
    return panelView(await startSession(deps, agentId, doc, false), threshold(deps));
  });
}

/**
 * Opens (or focuses) a case session on a work item: the seed's "open a case record" session. It uses no
 * capacity (it still counts towards MAX_SESSIONS); its case form starts from the work item and its unsaved
 * fields are kept in the session's draft. Refused for a work item another agent is working on.
 */
export function openCase(
  deps: ActionPorts & Pick<DeskPorts, 'workItems' | 'notifier'>,
  agentId: string,
  workItemId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, workItemId, action: 'openCase' }, async () => {
    const now = deps.clock.now();
    const before = await ensureAgent(deps, agentId);
    const doc = await deps.workItems.get(workItemId);
    if (!doc) throw new NoLongerAvailableError();
    if (!mayOpenCase(doc.item, agentId, findSession(before.panel, workItemId) !== undefined)) {
      throw new CaseNotAllowedError();
    }
    const sessionId = caseSessionId(workItemId);
    const agent = await updateAgent(deps, agentId, (current) => {
      if (findSession(current.panel, sessionId)) {
        return { ...current, panel: focusSession(current.panel, sessionId) };
      }
      const opened = openSession(
        current.panel,
        { id: sessionId, kind: 'case', title: caseSessionTitle(doc.item, doc.case) },
        { maxSessions: deps.settings.workstream.maxSessions, now },
      );
      const caseFields = initialCaseFields(doc.item, doc.case);
      return { ...current, panel: saveDraft(opened, sessionId, { caseFields }) };
    });
    deps.logger.info({ agentId, workItemId, sessionId }, 'case session opened');
    await refreshPanel(deps, agent);
    return panelView(agent, threshold(deps));
  });
}

/**
 * Saves a case session's form on its conversation (the explicit Save; typing only keeps a draft). A case needs a
 * title; once saved, the session takes it as its title and a later case session starts from it.
 */
export function saveCase(
  deps: ActionPorts & Pick<DeskPorts, 'workItems' | 'notifier'>,
  agentId: string,
  sessionId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'saveCase' }, async () => {
    const now = deps.clock.now();
    const agent = await ensureAgent(deps, agentId);
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
    const doc = await deps.workItems.update(workItemId, (current) =>
      current ? { ...current, case: saved } : current,
    );
    if (!doc) throw new NoLongerAvailableError();
    const updated = await updateAgent(deps, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: retitleSession(current.panel, sessionId, caseSessionTitle(doc.item, saved)) }
        : current,
    );
    deps.logger.info({ agentId, workItemId, sessionId }, 'case saved');
    await refreshPanel(deps, updated);
    return notice('Case saved', `${title} is saved on ${doc.item.title}'s conversation.`, 'good');
  });
}
