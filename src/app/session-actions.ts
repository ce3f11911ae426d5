import { HOME_SESSION_ID, closeSession, findSession, focusSession } from '../domain/agent-sessions';
import { HomeSessionNotClosableError, WrapUpOpenError } from '../domain/errors';
import { sessionAccess } from '../domain/session-access';
import { moveWorkItemToWaiting } from '../domain/work-item';
import { guarded, requireLiveSession, threshold, updateOwnedItem, type ActionPorts } from './action-guards';
import { ensureAgent, lockAgents, refreshPanel, updateAgent } from './agents';
import { surveyAnswerOf } from './csat-survey';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import { dispatchOffers, type OfferPorts } from './offers';
import { teamworkOf } from './notes';
import { dismissConsultants, refuseConsultant } from './consult-thread';
import { tellSupervisorLeft } from './monitor-sessions';
import { withdrawnTransferCard } from './transfer-answers';
import { wrapUpView } from './wrap-up';
import { readExcerpt } from './transcripts';
import { SUMMARY_LINES, activeConversationView, notice, panelView, replyDraft } from './view-builders';
import type { AgentView } from './views';

/**
 * Focus a session (from the panel, a card or "open" on the agent's own Active item). Focusing a conversation
 * session also sends its Active Conversation view again, its reply box pre-filled with the saved draft, so
 * switching back in chat shows the unsaved reply. The answer stays the panel.
 */
export function focus(
  deps: ActionPorts & Pick<DeskPorts, 'notifier' | 'workItems' | 'messages' | 'notes' | 'surveys'>,
  agentId: string,
  sessionId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'focus' }, async () => {
    await ensureAgent(deps, agentId);
    const agent = await updateAgent(deps, agentId, (current) => ({
      ...current,
      panel: focusSession(current.panel, sessionId),
    }));
    await refreshPanel(deps, agent);
    const session = findSession(agent.panel, sessionId);
    if (session?.wrapUpSince !== undefined) {
      // Ended: what the agent does next is the wrap-up, so that is the card they get.
      await deps.notifier.toAgent(
        agentId,
        wrapUpView(session, deps.settings.workstream.wrapUp, deps.clock.now()),
      );
    } else if (session?.kind === 'conversation') {
      const doc = await deps.workItems.get(sessionId);
      if (doc) {
        const excerpt = await readExcerpt(deps, doc, SUMMARY_LINES);
        // A joined supervisor and an added consultant write to the customer here too, as in the tab.
        const access = sessionAccess(doc.item, session, agentId);
        const draft = access.readOnly ? '' : replyDraft(agent, sessionId);
        const view = activeConversationView(doc, excerpt, access, draft, {
          ...(await teamworkOf(deps, sessionId, session)),
          ...(await surveyAnswerOf(deps, doc)),
        });
        await deps.notifier.toAgent(agentId, view);
      }
    }
    return panelView(agent, threshold(deps));
  });
}

/** Close asks first; nothing changes until closeConfirm. */
export function requestClose(
  deps: ActionPorts & Pick<DeskPorts, 'workItems'>,
  agentId: string,
  sessionId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'close' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    if (sessionId === HOME_SESSION_ID) throw new HomeSessionNotClosableError();
    const session = await requireLiveSession(deps, agent, sessionId);
    refuseConsultant(agent, sessionId, 'close the conversation');
    if (session.wrapUpSince !== undefined) throw new WrapUpOpenError();
    return { kind: 'close-confirm', sessionId, title: session.title };
  });
}

export function cancelClose(deps: ActionPorts, agentId: string): Promise<AgentView> {
  return guarded(deps, { agentId, action: 'closeCancel' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    return panelView(agent, threshold(deps), 'Close cancelled.');
  });
}

/** Closing a conversation without ending it moves it to Waiting (persistent chat) and frees capacity. */
export function confirmClose(
  deps: OfferPorts & Pick<DeskPorts, 'notes' | 'consults' | 'unitOfWork'>,
  agentId: string,
  sessionId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'closeConfirm' }, () =>
    // One transaction: the item, the panel and the cards queued commit together or not at all.
    deps.unitOfWork.run(async () => {
      const now = deps.clock.now();
      if (sessionId === HOME_SESSION_ID) throw new HomeSessionNotClosableError();
      const before = await ensureAgent(deps, agentId);
      // The agent's row before the item's, the order a transfer takes them in: the two never wait on each other.
      await lockAgents(deps, [agentId]);
      const session = await requireLiveSession(deps, before, sessionId);
      refuseConsultant(before, sessionId, 'close the conversation');
      if (session.wrapUpSince !== undefined) throw new WrapUpOpenError();
      if (session.kind === 'conversation' && !session.readOnly) {
        const doc = await deps.workItems.get(sessionId);
        if (doc?.item.state === 'active' && doc.item.assignedAgentId === agentId) {
          let prior: WorkItemDocument | undefined;
          await updateOwnedItem(deps, agentId, sessionId, (d) => {
            prior = d;
            return { ...d, item: moveWorkItemToWaiting(d.item, now) };
          });
          // A transfer it had waiting is void: the colleague's offer card says so; its consults end.
          await withdrawnTransferCard(deps, prior);
          if (prior)
            await dismissConsultants(deps, prior, prior.item.consultants, 'the conversation is Waiting');
        }
      }
      const agent = await updateAgent(deps, agentId, (current) =>
        findSession(current.panel, sessionId)
          ? { ...current, panel: closeSession(current.panel, sessionId) }
          : current,
      );
      deps.logger.info({ agentId, sessionId }, 'session closed');
      // A supervisor who had joined the conversation leaves it so, and its agent hears of it.
      if (session.supervising === 'joined') await tellSupervisorLeft(deps, agent.name, sessionId);
      await refreshPanel(deps, agent);
      await dispatchOffers(deps);
      return notice(
        `${session.title} closed`,
        session.kind === 'conversation' && !session.readOnly
          ? 'The conversation is Waiting; the customer can pick it up again.'
          : 'The session is closed.',
        'good',
      );
    }),
  );
}
