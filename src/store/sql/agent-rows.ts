import type { Selectable } from 'kysely';
import type { AgentDocument } from '../../app/documents';
import type { ConsultRole } from '../../domain/consult';
import type { PanelMode, Session, SessionKind } from '../../domain/agent-sessions';
import type { PresenceStatus } from '../../domain/presence';
import type { SupervisingRole } from '../../domain/supervising';
import type { SentimentLevel } from '../../domain/sentiment';
import type { AgentSessionsTable, AgentsTable } from './schema';

export type AgentRow = Selectable<AgentsTable>;

/** The columns an agent's write sets: everything but the key and the revision. */
export type AgentColumns = Omit<AgentRow, 'agent_key' | 'revision'>;

/** A session row's columns besides its keys. */
export type SessionColumns = Omit<Selectable<AgentSessionsTable>, 'agent_key' | 'session_id'>;

/** A session as stored: its id and its columns. */
export type StoredSession = SessionColumns & { readonly session_id: string };

export function agentColumns(agent: AgentDocument): AgentColumns {
  return {
    name: agent.name,
    presence: agent.presence,
    panel_mode: agent.panel.panelMode,
    focused_session_id: agent.panel.focusedSessionId,
    last_offered_at: agent.lastOfferedAt ?? null,
    first_seen_at: agent.firstSeenAt,
  };
}

export function sessionColumns(session: Session, openedOrder: number): SessionColumns {
  return {
    kind: session.kind,
    title: session.title,
    read_only: session.readOnly ? 1 : 0,
    unread: session.unread,
    sentiment: session.sentiment,
    opened_at: session.openedAt,
    opened_order: openedOrder,
    draft_reply: session.draft.reply,
    draft_case_fields: JSON.stringify(session.draft.caseFields),
    name_given: session.nameGiven ?? null,
    transfer_pending_to: session.transferPendingTo ?? null,
    wrap_up_since: session.wrapUpSince ?? null,
    consult: session.consult ?? null,
    supervising: session.supervising ?? null,
  };
}

export function sessionOf(row: StoredSession): Session {
  return {
    id: row.session_id,
    kind: row.kind as SessionKind,
    title: row.title,
    openedAt: row.opened_at,
    unread: row.unread,
    sentiment: row.sentiment as SentimentLevel,
    readOnly: row.read_only === 1,
    draft: {
      reply: row.draft_reply,
      caseFields: JSON.parse(row.draft_case_fields) as Record<string, string>,
    },
    ...(row.name_given !== null ? { nameGiven: row.name_given } : {}),
    ...(row.transfer_pending_to !== null ? { transferPendingTo: row.transfer_pending_to } : {}),
    ...(row.wrap_up_since !== null ? { wrapUpSince: row.wrap_up_since } : {}),
    ...(row.consult !== null ? { consult: row.consult as ConsultRole } : {}),
    ...(row.supervising !== null ? { supervising: row.supervising as SupervisingRole } : {}),
  };
}

/** `sessions` in their opening order. */
export function agentOf(row: AgentRow, sessions: readonly StoredSession[]): AgentDocument {
  return {
    id: row.agent_key,
    name: row.name,
    presence: row.presence as PresenceStatus,
    panel: {
      sessions: sessions.map(sessionOf),
      focusedSessionId: row.focused_session_id,
      panelMode: row.panel_mode as PanelMode,
    },
    firstSeenAt: row.first_seen_at,
    ...(row.last_offered_at !== null ? { lastOfferedAt: row.last_offered_at } : {}),
    revision: row.revision,
  };
}

/**
 * Each session's `opened_order`: a stored one is kept while it still ascends, so opening one appends a row and
 * closing one rewrites no other; a session out of place takes the next number after the one before it.
 */
export function openedOrders(
  sessions: readonly Session[],
  stored: ReadonlyMap<string, StoredSession>,
): number[] {
  let last = 0;
  return sessions.map((session) => {
    const kept = stored.get(session.id)?.opened_order;
    last = kept !== undefined && kept > last ? kept : last + 1;
    return last;
  });
}

/** Whether a stored session already holds these columns, so writing it would change nothing. */
export function sameSession(stored: SessionColumns, next: SessionColumns): boolean {
  return (Object.keys(next) as (keyof SessionColumns)[]).every((column) => stored[column] === next[column]);
}
