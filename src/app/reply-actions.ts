import { HOME_SESSION_ID, clearReplyDraft, findSession, saveDraft } from '../domain/agent-sessions';
import { mayWriteToCustomer } from '../domain/consult';
import { supervisorMayWrite } from '../domain/supervising';
import {
  NoLongerAvailableError,
  guarded,
  requireLiveSession,
  threshold,
  type ActionPorts,
} from './action-guards';
import { ensureAgent, panelVersion, updateAgent } from './agents';
import { capText } from './customer-wording';
import { countForSupervisors } from './monitor-sessions';
import { PANEL_CARD, type DeskPorts } from './desk-context';
import { notice, panelView } from './view-builders';
import type { AgentView } from './views';
import { announceWorkItemChange } from './work-item-index';

/** What sending a reply reads: the agent's session, the work item, a delivery id, the customer's channel. */
export type ReplyPorts = ActionPorts &
  Pick<DeskPorts, 'workItems' | 'notifier' | 'ids' | 'consults' | 'unitOfWork'>;

/** A reply to one session's customer, without changing focus. */
export function reply(
  deps: ReplyPorts,
  agentId: string,
  sessionId: string,
  rawText: unknown,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'reply' }, async () => {
    const text = typeof rawText === 'string' ? rawText.trim() : '';
    if (!text) return notice('Nothing to send', 'Type a reply first.', 'warning');
    const now = deps.clock.now();
    const agent = await ensureAgent(deps, agentId);
    const session = await requireLiveSession(deps, agent, sessionId);
    // A consultant added to the conversation writes through the same path, signed with their own name.
    const asConsultant = session.consult === 'added';
    // So does a supervisor who joined it.
    const asSupervisor = session.supervising === 'joined';
    if (session.readOnly && !asConsultant && !asSupervisor) throw new NoLongerAvailableError();
    const consultants = asConsultant ? await deps.consults.of(sessionId) : [];
    const capped = capText(text, deps.settings.maxTextChars).text;
    const deliveryId = deps.ids.next();
    // The supervisors watching it count it unread in the reply's own transaction.
    const recorded = await deps.unitOfWork.run(async () => {
      const written = await deps.workItems.record(sessionId, (current) => {
        const mayWrite = asConsultant
          ? current !== undefined && mayWriteToCustomer(current.item, consultants, agentId)
          : asSupervisor
            ? current !== undefined && supervisorMayWrite(current.item, session.supervising)
            : current?.item.state === 'active' && current.item.assignedAgentId === agentId;
        if (!current || !mayWrite) throw new NoLongerAvailableError();
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
      if (written) await countForSupervisors(deps, sessionId, agentId);
      return written;
    });
    if (!recorded) throw new NoLongerAvailableError();
    const { doc } = recorded;
    await announceWorkItemChange(deps);
    const updated = await updateAgent(deps, agentId, (current) =>
      findSession(current.panel, sessionId)
        ? { ...current, panel: clearReplyDraft(current.panel, sessionId) }
        : current,
    );
    await deps.notifier.toCustomer(doc.item.customerId, capped, {
      kind: 'agent-message',
      agentName: updated.name,
      deliveryId,
    });
    // The conversation's agent sees a consultant's reply in their tab at once.
    const ownerId = doc.item.assignedAgentId;
    if ((asConsultant || asSupervisor) && ownerId !== undefined) await deps.notifier.agentChanged?.(ownerId);
    return notice(`Sending to ${session.title}`, capped, 'good');
  });
}

/** Plain text from the agent goes to the focused session; with Home focused they get the panel and a hint. */
export async function agentText(
  deps: ReplyPorts,
  agentId: string,
  text: string,
  name?: string,
): Promise<AgentView> {
  const agent = await ensureAgent(deps, agentId, name);
  const focused = agent.panel.focusedSessionId;
  if (focused === HOME_SESSION_ID) {
    const view = panelView(
      agent,
      threshold(deps),
      'Home is focused: select a session to reply to its customer, or type "help".',
    );
    await deps.notifier.toAgent(agentId, view, { target: PANEL_CARD, version: panelVersion(agent) });
    return view;
  }
  return reply(deps, agentId, focused, text);
}

/**
 * Keeps unsaved work of a session (refused with a card for a session the agent does not have). A reply draft
 * longer than MAX_TEXT_CHARS is cut there without a note: a reply is capped at that length anyway, and the
 * draft goes back into the cards' reply boxes, which must stay small.
 */
export function saveReplyDraft(
  deps: ActionPorts,
  agentId: string,
  sessionId: string,
  change: { reply?: string; caseFields?: Readonly<Record<string, string>> },
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'draft' }, async () => {
    await ensureAgent(deps, agentId);
    const capped =
      change.reply === undefined
        ? change
        : { ...change, reply: capDraft(change.reply, deps.settings.maxTextChars) };
    const agent = await updateAgent(deps, agentId, (current) => ({
      ...current,
      panel: saveDraft(current.panel, sessionId, capped),
    }));
    return panelView(agent, threshold(deps));
  });
}

function capDraft(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // Never cut a surrogate pair in half.
  return text.slice(0, /[\uDC00-\uDFFF]/.test(text.charAt(maxChars)) ? maxChars - 1 : maxChars);
}
