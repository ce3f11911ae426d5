import type { AgentSessions, PanelRow, Session } from './agent-sessions';
import { unreadBadge, unreadTooltip } from './unread';
import { DomainError } from './errors';
import type { WorkItem, WorkItemState } from './work-item';

/**
 * A supervisor's session on a conversation (Omnichannel's monitor): 'monitoring' reads it live, read-only, and
 * nobody is told; 'joined' writes to the customer too, and the agent and the customer were told. It takes no
 * capacity, is no consult (the agent's consultants never list it) and leaves the panel when the conversation closes.
 */
export type SupervisingRole = 'monitoring' | 'joined';

/** What a row says while a supervisor monitors a conversation, and once they joined it. */
export const MONITOR_STATUS = 'Monitor';
export const JOINED_STATUS = 'Joined';

/** The states a conversation can be monitored in, and joined in. */
export const MONITORABLE_STATES: readonly WorkItemState[] = ['active', 'waiting', 'wrap-up'];
export const JOINABLE_STATES: readonly WorkItemState[] = ['active'];

export class NotSupervisableError extends DomainError {
  readonly code = 'not-supervisable';

  constructor(
    readonly workItemId: string,
    readonly state: WorkItemState,
    readonly action: 'monitor' | 'join',
  ) {
    super(
      action === 'monitor'
        ? `Only an Active, Waiting or Wrap-up conversation can be monitored; this one is ${state}.`
        : `Only an Active conversation can be joined; this one is ${state}.`,
    );
  }
}

export class OwnConversationError extends DomainError {
  readonly code = 'own-conversation';

  constructor() {
    super('This conversation is yours already: open it from your panel.');
  }
}

export class NotMonitoringError extends DomainError {
  readonly code = 'not-monitoring';

  constructor() {
    super('You are not monitoring this conversation.');
  }
}

/** Whether a supervisor may monitor (or join) the conversation now; the refusal says why not. */
export function requireSupervisable(item: WorkItem, supervisorId: string, action: 'monitor' | 'join'): void {
  const states = action === 'monitor' ? MONITORABLE_STATES : JOINABLE_STATES;
  if (!states.includes(item.state)) throw new NotSupervisableError(item.id, item.state, action);
  if (item.assignedAgentId === supervisorId) throw new OwnConversationError();
}

/** A joined supervisor writes to the customer while the conversation is Active. */
export function supervisorMayWrite(item: WorkItem, role: SupervisingRole | undefined): boolean {
  return role === 'joined' && item.state === 'active';
}

/**
 * A supervisor's look at a colleague's conversation: a badge of its new messages (as a consultant's session), no
 * alert (the agent acts on the sentiment), and what it is.
 */
export function supervisingRow(session: Session, base: Omit<PanelRow, 'alert' | 'tooltip'>): PanelRow {
  const joined = session.supervising === 'joined';
  const badge = unreadBadge(session.unread);
  const unreadText = badge ? unreadTooltip(session.title, session.unread) : undefined;
  return {
    ...base,
    alert: false,
    tooltip:
      unreadText ??
      (joined
        ? `${session.title}. Joined as a supervisor: you can write to the customer.`
        : `${session.title}. Monitoring: read-only, and nobody is told.`),
    ...(badge && unreadText ? { badge, unread: session.unread, unreadText } : {}),
    readOnly: true,
    statusText: joined ? JOINED_STATUS : MONITOR_STATUS,
  };
}

/** A message on a conversation the supervisor watches counts unread on their session, unless it is focused. */
export function countSupervisedMessage(panel: AgentSessions, sessionId: string): AgentSessions {
  const session = panel.sessions.find((candidate) => candidate.id === sessionId);
  if (session?.supervising === undefined || panel.focusedSessionId === sessionId) return panel;
  return {
    ...panel,
    sessions: panel.sessions.map((candidate) =>
      candidate.id === sessionId ? { ...candidate, unread: candidate.unread + 1 } : candidate,
    ),
  };
}
