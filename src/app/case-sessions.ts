import type { Session } from '../domain/agent-sessions';
import type { WorkItem } from '../domain/work-item';
import type { SavedCase } from './documents';

/**
 * Case sessions (Omnichannel's "open a case record" session): opened on a work item, they show its case form
 * and use no capacity. The form's unsaved fields live in the session's draft (`draft.caseFields`).
 */

export const CASE_SESSION_PREFIX = 'case:';

/** The fields of the case form, in the order the form shows them. */
export const CASE_FIELD_KEYS = ['title', 'description', 'priority'] as const;
export type CaseFieldKey = (typeof CASE_FIELD_KEYS)[number];

export const CASE_PRIORITIES = ['low', 'normal', 'high'] as const;

/** The longest value each field keeps; `description` is capped at MAX_TEXT_CHARS instead. */
export const CASE_FIELD_MAX_CHARS = { title: 200, priority: 20 } as const;

export function caseSessionId(workItemId: string): string {
  return `${CASE_SESSION_PREFIX}${workItemId}`;
}

/** The work item a session is on: a conversation session's own id, a case session's id after the prefix. */
export function workItemIdOfSession(session: Pick<Session, 'id' | 'kind'>): string | undefined {
  if (session.kind === 'conversation') return session.id;
  if (session.kind === 'case' && session.id.startsWith(CASE_SESSION_PREFIX)) {
    const id = session.id.slice(CASE_SESSION_PREFIX.length);
    return id === '' ? undefined : id;
  }
  return undefined;
}

/** The saved case's title, else the customer's case title, else "Case: <the work item's title>". */
export function caseSessionTitle(item: WorkItem, saved?: SavedCase): string {
  const caseTitle = saved?.title.trim() || item.customer.caseTitle?.trim();
  return caseTitle ? caseTitle : `Case: ${item.title}`;
}

/** What the form starts with when a case session opens: the saved case, else what the work item knows. */
export function initialCaseFields(item: WorkItem, saved?: SavedCase): Record<CaseFieldKey, string> {
  if (saved) return { title: saved.title, description: saved.description, priority: saved.priority };
  return { title: item.customer.caseTitle?.trim() ?? '', description: '', priority: 'normal' };
}

/**
 * An agent may open a case on a conversation they have: assigned to them, in their panel, or last handled by
 * them. A queued item, or another agent's, is not theirs to file.
 */
export function mayOpenCase(item: WorkItem, agentId: string, inPanel: boolean): boolean {
  if (item.state === 'open') return false;
  return (
    inPanel || item.assignedAgentId === agentId || (item.state !== 'active' && item.lastAgentId === agentId)
  );
}
