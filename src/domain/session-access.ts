import type { Session } from './agent-sessions';
import type { WorkItem } from './work-item';

/** Why a session shows its conversation without a reply box; undefined when the agent writes to the customer. */
export type ReadOnlyReason = 'closed' | 'monitoring' | 'consulting';

export interface SessionAccess {
  /** Someone else's Active conversation the session has no part in: nothing of it is shown. */
  readonly heldByOther: boolean;
  readonly readOnly: boolean;
  readonly readOnlyReason?: ReadOnlyReason;
}

/**
 * What the session's agent may do with the conversation behind it: read it at all, and write to the customer. A
 * consultant reads the colleague's conversation as it goes on, and writes once added; a supervisor reads what they
 * monitor, and writes once they joined it while it is Active. The tab's session view and the chat's conversation
 * card both ask here.
 */
export function sessionAccess(
  item: Pick<WorkItem, 'state' | 'assignedAgentId'>,
  session: Pick<Session, 'kind' | 'readOnly' | 'consult' | 'supervising'>,
  agentId: string,
): SessionAccess {
  const heldByOther =
    item.state === 'active' &&
    item.assignedAgentId !== agentId &&
    session.consult === undefined &&
    session.supervising === undefined;
  const joined = session.supervising === 'joined' && item.state === 'active';
  const readOnly =
    session.kind !== 'conversation' || (session.readOnly && session.consult !== 'added' && !joined);
  if (!readOnly) return { heldByOther, readOnly };
  const readOnlyReason: ReadOnlyReason =
    session.supervising !== undefined
      ? 'monitoring'
      : session.consult !== undefined
        ? 'consulting'
        : 'closed';
  return { heldByOther, readOnly, readOnlyReason };
}
