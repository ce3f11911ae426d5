import type { Session } from '../domain/agent-sessions';
import type { WorkItem } from '../domain/work-item';

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

/** The case title if the customer has one, else "Case: <the work item's title>". */
export function caseSessionTitle(item: WorkItem): string {
  const caseTitle = item.customer.caseTitle?.trim();
  return caseTitle ? caseTitle : `Case: ${item.title}`;
}

/** What the form starts with when a case session opens. */
export function initialCaseFields(item: WorkItem): Record<CaseFieldKey, string> {
  return { title: item.customer.caseTitle?.trim() ?? '', description: '', priority: 'normal' };
}
