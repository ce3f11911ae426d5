import { findSession, type Session } from '../domain/agent-sessions';
import { DomainError, SessionNotFoundError } from '../domain/errors';
import type { EnsureAgentPorts } from './agents';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { NO_LONGER_AVAILABLE, refusal } from './view-builders';
import type { AgentView } from './views';
import { announceWorkItemChange } from './work-item-index';

/** An action on a work item the agent no longer holds (ended, moved, taken by someone else). */
export class NoLongerAvailableError extends DomainError {
  readonly code = 'no-longer-available';

  constructor() {
    super(NO_LONGER_AVAILABLE);
  }
}

/** What every agent action reads: the agent (created on first contact), and the log for a refusal. */
export type ActionPorts = EnsureAgentPorts & Pick<DeskPorts, 'logger'>;

export function threshold(deps: Pick<DeskPorts, 'settings'>) {
  return deps.settings.workstream.sentimentThreshold;
}

/** Runs an action, turning a refused one into a clear card and a log line instead of a thrown error. */
export async function guarded(
  deps: Pick<DeskPorts, 'logger'>,
  fields: Record<string, unknown>,
  action: () => Promise<AgentView>,
): Promise<AgentView> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    deps.logger.info({ ...fields, reason: error.code }, 'agent action refused');
    return refusal(error);
  }
}

export function requireSession(agent: AgentDocument, sessionId: string): Session {
  const session = findSession(agent.panel, sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  return session;
}

/**
 * The agent's session for an action on a conversation; a session that has already gone (ended, closed, or
 * taken elsewhere) while its work item still exists is a stale action, not an unknown id.
 */
export async function requireLiveSession(
  deps: Pick<DeskPorts, 'workItems'>,
  agent: AgentDocument,
  sessionId: string,
): Promise<Session> {
  const session = findSession(agent.panel, sessionId);
  if (session) return session;
  if (await deps.workItems.get(sessionId)) throw new NoLongerAvailableError();
  throw new SessionNotFoundError(sessionId);
}

/** Changes a work item only while it is Active and assigned to this agent; keeps the dashboard index in step. */
export async function updateOwnedItem(
  deps: Pick<DeskPorts, 'workItems' | 'notifier'>,
  agentId: string,
  workItemId: string,
  change: (doc: WorkItemDocument) => WorkItemDocument,
): Promise<WorkItemDocument> {
  const doc = await deps.workItems.update(workItemId, (current) => {
    if (!current || current.item.state !== 'active' || current.item.assignedAgentId !== agentId) {
      throw new NoLongerAvailableError();
    }
    return change(current);
  });
  if (!doc) throw new NoLongerAvailableError();
  await announceWorkItemChange(deps);
  return doc;
}
