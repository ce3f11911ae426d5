import type { Kysely } from 'kysely';
import type { AgentDocument } from '../../app/documents';
import type { AgentRepository, AgentRoutingState } from '../../app/repositories';
import type { PresenceStatus } from '../../domain/presence';
import type { SessionKind } from '../../domain/agent-sessions';
import {
  agentColumns,
  agentOf,
  openedOrders,
  sameSession,
  sessionColumns,
  type AgentRow,
  type StoredSession,
} from './agent-rows';
import { changedColumns } from './changed-columns';
import { compiledOnce } from './compiled-once';
import type { SqlDatabase } from './open-database';
import { versionedUpdate } from './versioned-update';
import { requireInserted, transactWithRetry } from './retrying-transaction';
import type { Database } from './schema';

const updateAgentRow = versionedUpdate('agents', 'agent_key', 'revision');

type Trx = Kysely<Database>;

/** An agent as read: the row and its sessions by id, which a write compares with to change only what changed. */
interface Read {
  readonly row: AgentRow;
  readonly sessions: ReadonlyMap<string, StoredSession>;
}

/** A non-null column of a left-joined session, null only when the agent has no session at all. */
function present<T>(value: T | null, column: string): T {
  if (value === null) throw new Error(`agent_sessions.${column} is null on a session row.`);
  return value;
}

/** Agents joined to their sessions, every column of both. */
function withSessions(db: Trx) {
  return db
    .selectFrom('agents')
    .leftJoin('agent_sessions', 'agent_sessions.agent_key', 'agents.agent_key')
    .selectAll('agents')
    .select([
      'agent_sessions.session_id',
      'agent_sessions.kind',
      'agent_sessions.title',
      'agent_sessions.read_only',
      'agent_sessions.unread',
      'agent_sessions.sentiment',
      'agent_sessions.opened_at',
      'agent_sessions.opened_order',
      'agent_sessions.draft_reply',
      'agent_sessions.draft_case_fields',
      'agent_sessions.name_given',
      'agent_sessions.transfer_pending_to',
      'agent_sessions.wrap_up_since',
      'agent_sessions.consult',
      'agent_sessions.supervising',
    ]);
}

function inSessionOrder<Q extends ReturnType<typeof withSessions>>(query: Q): Q {
  return query.orderBy('agents.agent_key').orderBy('agent_sessions.opened_order') as Q;
}

/** The usual read, one agent: compiled once. */
const oneAgentStatement = compiledOnce((db, v: { id: string }) =>
  withSessions(db).where('agents.agent_key', '=', v.id).$call(inSessionOrder),
);

/** The agents and their sessions in one statement, so a reader sees both as one write left them. */
async function readMany(db: Trx, ids: readonly string[]): Promise<Map<string, Read>> {
  const found = new Map<string, { row: AgentRow; sessions: Map<string, StoredSession> }>();
  if (ids.length === 0) return found;
  const [only] = ids;
  const rows =
    ids.length === 1 && only !== undefined
      ? (await oneAgentStatement(db, { id: only })).rows
      : await withSessions(db).where('agents.agent_key', 'in', ids).$call(inSessionOrder).execute();
  for (const joined of rows) {
    const { session_id, kind, title, read_only, unread, sentiment, opened_at, opened_order, ...more } =
      joined;
    const { draft_reply, draft_case_fields, name_given, transfer_pending_to, ...rest } = more;
    const { wrap_up_since, consult, supervising, ...row } = rest;
    const entry = found.get(row.agent_key) ?? { row, sessions: new Map<string, StoredSession>() };
    found.set(row.agent_key, entry);
    // An agent without sessions comes back once, its session columns all null.
    if (session_id === null) continue;
    entry.sessions.set(session_id, {
      session_id,
      kind: present(kind, 'kind'),
      title: present(title, 'title'),
      read_only: present(read_only, 'read_only'),
      unread: present(unread, 'unread'),
      sentiment: present(sentiment, 'sentiment'),
      opened_at: present(opened_at, 'opened_at'),
      opened_order: present(opened_order, 'opened_order'),
      draft_reply: present(draft_reply, 'draft_reply'),
      draft_case_fields: present(draft_case_fields, 'draft_case_fields'),
      name_given,
      transfer_pending_to,
      wrap_up_since,
      consult,
      supervising,
    });
  }
  return found;
}

function documentOf(read: Read): AgentDocument {
  return agentOf(read.row, [...read.sessions.values()]);
}

/** Writes the agent's row as revision `read.revision + 1`, conditional on nobody having written it since. */
async function writeAgentRow(
  trx: Trx,
  id: string,
  read: Read | undefined,
  next: AgentDocument,
): Promise<number> {
  if (read === undefined) {
    const result = await trx
      .insertInto('agents')
      .values({ agent_key: id, ...agentColumns(next), revision: 1 })
      .onConflict((conflict) => conflict.column('agent_key').doNothing())
      .executeTakeFirst();
    requireInserted(result, `Agent ${id}`);
    return 1;
  }
  const revision = read.row.revision + 1;
  const write = { key: id, version: read.row.revision, next: revision };
  await updateAgentRow(trx, changedColumns(read.row, agentColumns(next)), write, `Agent ${id}`);
  return revision;
}

/** Rewrites only the session rows that changed: the agent's row is written first, so its lock guards these. */
async function writeSessions(
  trx: Trx,
  id: string,
  stored: ReadonlyMap<string, StoredSession>,
  next: AgentDocument,
) {
  const sessions = next.panel.sessions;
  const kept = new Set(sessions.map((session) => session.id));
  const gone = [...stored.keys()].filter((sessionId) => !kept.has(sessionId));
  if (gone.length > 0) {
    await trx
      .deleteFrom('agent_sessions')
      .where('agent_key', '=', id)
      .where('session_id', 'in', gone)
      .execute();
  }
  const orders = openedOrders(sessions, stored);
  const added = [];
  for (const [index, session] of sessions.entries()) {
    const columns = sessionColumns(session, orders[index] ?? index + 1);
    const before = stored.get(session.id);
    if (before === undefined) added.push({ agent_key: id, session_id: session.id, ...columns });
    else if (!sameSession(before, columns)) {
      await trx
        .updateTable('agent_sessions')
        .set(columns)
        .where('agent_key', '=', id)
        .where('session_id', '=', session.id)
        .execute();
    }
  }
  if (added.length > 0) await trx.insertInto('agent_sessions').values(added).execute();
}

/** One attempt at a change: the agent read (locked on PostgreSQL), `change` run on it, what changed written. */
async function changeAgent(
  trx: Trx,
  database: SqlDatabase,
  id: string,
  change: (current: AgentDocument | undefined) => AgentDocument | undefined,
): Promise<AgentDocument | undefined> {
  // PostgreSQL: the row lock makes a concurrent writer wait here instead of failing its update and retrying.
  if (database.kind === 'postgres') {
    await trx.selectFrom('agents').select('agent_key').where('agent_key', '=', id).forUpdate().execute();
  }
  const read = (await readMany(trx, [id])).get(id);
  const current = read && documentOf(read);
  const next = change(current);
  if (next === undefined || next === current) return current;
  if (next.id !== id) throw new Error(`A change of agent ${id} returned agent ${next.id}.`);
  const revision = await writeAgentRow(trx, id, read, next);
  await writeSessions(trx, id, read?.sessions ?? new Map(), next);
  return { ...next, revision };
}

type RoutingState = AgentRoutingState & { sessions: AgentRoutingState['sessions'][number][] };

/** What routing weighs of the agents, in one statement and without their drafts. */
async function readRouting(db: Trx, ids: readonly string[]): Promise<AgentRoutingState[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('agents')
    .leftJoin('agent_sessions', 'agent_sessions.agent_key', 'agents.agent_key')
    .select([
      'agents.agent_key',
      'agents.presence',
      'agents.last_offered_at',
      'agent_sessions.session_id',
      'agent_sessions.kind',
      'agent_sessions.read_only',
    ])
    .where('agents.agent_key', 'in', [...new Set(ids)])
    .orderBy('agents.agent_key')
    .orderBy('agent_sessions.opened_order')
    .execute();
  const byId = new Map<string, RoutingState>();
  for (const row of rows) {
    const state: RoutingState = byId.get(row.agent_key) ?? {
      id: row.agent_key,
      presence: row.presence as PresenceStatus,
      ...(row.last_offered_at !== null ? { lastOfferedAt: row.last_offered_at } : {}),
      sessions: [],
    };
    byId.set(row.agent_key, state);
    if (row.session_id === null) continue;
    state.sessions.push({
      id: row.session_id,
      kind: present(row.kind, 'kind') as SessionKind,
      readOnly: present(row.read_only, 'read_only') === 1,
    });
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function createAgentRepository(database: SqlDatabase): AgentRepository {
  return {
    get: async (id) => {
      const read = (await readMany(database.db, [id])).get(id);
      return read && documentOf(read);
    },

    getMany: async (ids) => {
      const found = await readMany(database.db, [...new Set(ids)]);
      return new Map([...found].map(([id, read]) => [id, documentOf(read)]));
    },

    update: (id, change) => transactWithRetry(database, (trx) => changeAgent(trx, database, id, change)),

    forRouting: (ids) => readRouting(database.db, ids),
  };
}
