import type { KyselyPlugin, OperationNode } from 'kysely';
import type { AgentDocument } from '../../src/app/documents';
import type { AgentRepository } from '../../src/app/repositories';
import type { Session } from '../../src/domain/agent-sessions';
import type { SqlDatabase } from '../../src/store/sql/open-database';

/** Agents and sessions for the repository specs, and a way to see which statements a write ran. */

/** Epoch ms past 2^32, so a column that only took 32 bits would show it. */
export const T0 = 1_767_225_600_000;
export function session(id: string, extra: Partial<Session> = {}): Session {
  const draft = { reply: '', caseFields: {} };
  return {
    id,
    kind: 'conversation',
    title: id,
    openedAt: T0,
    unread: 0,
    sentiment: 'Neutral',
    readOnly: false,
    draft,
    ...extra,
  };
}

export function agent(id: string, sessions: readonly Session[] = []): AgentDocument {
  const panel = { sessions, focusedSessionId: 'home', panelMode: 'expanded' as const };
  return { id, name: `Agent ${id}`, presence: 'available', panel, firstSeenAt: T0 };
}

export const create = (doc: AgentDocument) => (current: AgentDocument | undefined) => current ?? doc;

/** `repo.update` with a change that opens nothing and closes nothing, only counts one more unread on `sessionId`. */
export const countUnread = (repo: AgentRepository, agentId: string, sessionId: string) =>
  repo.update(
    agentId,
    (current) =>
      current && {
        ...current,
        panel: {
          ...current.panel,
          sessions: current.panel.sessions.map((s) =>
            s.id === sessionId ? { ...s, unread: s.unread + 1 } : s,
          ),
        },
      },
  );

/** The statements a database runs on `table`, by kind (InsertQueryNode, UpdateQueryNode, DeleteQueryNode). */
export function recording(db: SqlDatabase, table: string): { db: SqlDatabase; writes: string[] } {
  const writes: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      const named = JSON.stringify(node as OperationNode).includes(`"name":"${table}"`);
      if (named && node.kind !== 'SelectQueryNode') writes.push(node.kind);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return {
    db: { ...db, transaction: (work) => db.transaction((trx) => work(trx.withPlugin(plugin))) },
    writes,
  };
}
