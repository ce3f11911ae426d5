import { sql, type Kysely, type Selectable } from 'kysely';
import type { QuickReplyRepository, StoredQuickReply } from '../../app/repositories';
import type { SqlDatabase } from './open-database';
import type { Database, QuickRepliesTable } from './schema';

type Row = Selectable<QuickRepliesTable>;

function tagsOf(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((tag): tag is string => typeof tag === 'string') : [];
}

function replyOf(row: Row): StoredQuickReply {
  return {
    id: row.id,
    agentId: row.agent_key,
    title: row.title,
    text: row.text,
    tags: tagsOf(row.tags),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * One agent's adds, one at a time: on PostgreSQL a transaction-scoped advisory lock on the agent, so two adds
 * racing for the last free place cannot both count room; SQLite's transactions already hold the write lock.
 */
async function lockAgent(database: SqlDatabase, trx: Kysely<Database>, agentId: string): Promise<void> {
  if (database.kind !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext(${`quick-replies:${agentId}`}))`.execute(trx);
}

function read(db: Kysely<Database>, agentId: string, id: string): Promise<Row | undefined> {
  return db
    .selectFrom('quick_replies')
    .selectAll()
    .where('agent_key', '=', agentId)
    .where('id', '=', id)
    .executeTakeFirst();
}

const add =
  (database: SqlDatabase): QuickReplyRepository['add'] =>
  (reply, max) =>
    database.transaction(async (trx) => {
      await lockAgent(database, trx, reply.agentId);
      const { count } = await trx
        .selectFrom('quick_replies')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
        .where('agent_key', '=', reply.agentId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= max) return 'full' as const;
      const row = await trx
        .insertInto('quick_replies')
        .values({
          id: reply.id,
          agent_key: reply.agentId,
          title: reply.title,
          text: reply.text,
          tags: JSON.stringify(reply.tags),
          version: 1,
          created_at: reply.createdAt,
          updated_at: reply.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return replyOf(row);
    });

const update =
  (database: SqlDatabase): QuickReplyRepository['update'] =>
  (agentId, id, version, fields, now) =>
    database.transaction(async (trx) => {
      const row = await trx
        .updateTable('quick_replies')
        .set({
          title: fields.title,
          text: fields.text,
          tags: JSON.stringify(fields.tags),
          version: version + 1,
          updated_at: now,
        })
        .where('agent_key', '=', agentId)
        .where('id', '=', id)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
      if (row) return replyOf(row);
      // Not changed: tell a stale version from a reply that is not this agent's at all.
      return (await read(trx, agentId, id)) ? ('conflict' as const) : ('missing' as const);
    });

/** The agents' own quick replies on the `quick_replies` table; every statement names the agent. */
export function createQuickReplyRepository(database: SqlDatabase): QuickReplyRepository {
  return {
    list: async (agentId) => {
      const rows = await database.db
        .selectFrom('quick_replies')
        .selectAll()
        .where('agent_key', '=', agentId)
        .execute();
      // Sorted here, not by the database: SQLite and PostgreSQL collate titles differently (case, accents).
      return rows
        .map(replyOf)
        .sort(
          (a, b) => a.title.localeCompare(b.title, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id),
        );
    },
    get: async (agentId, id) => {
      const row = await read(database.db, agentId, id);
      return row && replyOf(row);
    },
    add: add(database),
    update: update(database),
    remove: async (agentId, id) => {
      const result = await database.db
        .deleteFrom('quick_replies')
        .where('agent_key', '=', agentId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
