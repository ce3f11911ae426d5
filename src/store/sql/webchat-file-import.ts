import { existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';

/** The file earlier releases kept web chats in, beside the SQLite store's file. */
export const WEBCHAT_FILE = 'webchat.db';
/** What the file is renamed to once its rows are in the desk's database, so they are imported only once. */
export const IMPORTED_SUFFIX = '.imported';
/** Rows per insert: well within both backends' bound parameters. */
const BATCH = 200;

interface WebchatFileRows {
  readonly conversations: Insertable<Database['webchat_conversations']>[];
  readonly activities: Insertable<Database['webchat_activities']>[];
  readonly tokens: Insertable<Database['webchat_tokens']>[];
}

export interface WebchatFileImport {
  readonly conversations: number;
  readonly activities: number;
  readonly tokens: number;
}

/** Where an earlier release of a desk on `sqlitePath` kept its web chats. */
export function webchatFileBeside(sqlitePath: string): string {
  return join(dirname(sqlitePath), WEBCHAT_FILE);
}

/**
 * Moves an earlier release's web chat file into the desk's tables (webchat_*) in one transaction, then renames
 * it `webchat.db.imported`; undefined when there is no such file. Rows already there are kept (an import cut
 * short before the rename is simply run again). The file is opened for writing, so SQLite first takes in what
 * its WAL still held.
 */
export async function importWebchatFile(
  database: SqlDatabase,
  path: string,
): Promise<WebchatFileImport | undefined> {
  if (!existsSync(path)) return undefined;
  const rows = readWebchatFile(path);
  await database.transaction(async (trx) => {
    await insertAll(trx, 'webchat_conversations', rows.conversations);
    await insertAll(trx, 'webchat_activities', rows.activities);
    await insertAll(trx, 'webchat_tokens', rows.tokens);
  });
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${path}${IMPORTED_SUFFIX}${suffix}`);
  }
  return {
    conversations: rows.conversations.length,
    activities: rows.activities.length,
    tokens: rows.tokens.length,
  };
}

function readWebchatFile(path: string): WebchatFileRows {
  const file = new BetterSqlite3(path, { fileMustExist: true, timeout: 5000 });
  try {
    const tables = new Set(
      file
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((table) => table.name),
    );
    const all = <Row>(table: string, query: string): Row[] =>
      tables.has(table) ? file.prepare<[], Row>(query).all() : [];
    const conversations = all<Insertable<Database['webchat_conversations']>>(
      'conversations',
      'SELECT id, user_id, last_used_at, next_seq FROM conversations',
    );
    const activities = all<Insertable<Database['webchat_activities']>>(
      'activities',
      'SELECT conversation_id, seq, activity_id, relaydesk_id, json, bytes FROM activities',
    );
    const tokens = all<{ token_id: string; conversation_id: string; digest: Buffer; expires_at: number }>(
      'tokens',
      'SELECT token_id, conversation_id, digest, expires_at FROM tokens ORDER BY conversation_id, rowid',
    );
    return { conversations, activities, tokens: inIssueOrder(tokens) };
  } finally {
    file.close();
  }
}

/** The file's tokens, in rowid (issue) order per conversation, numbered 0, 1, … within it; digests as hex. */
function inIssueOrder(
  tokens: readonly { token_id: string; conversation_id: string; digest: Buffer; expires_at: number }[],
): Insertable<Database['webchat_tokens']>[] {
  const issued = new Map<string, number>();
  return tokens.map((token) => {
    const order = issued.get(token.conversation_id) ?? 0;
    issued.set(token.conversation_id, order + 1);
    return {
      token_id: token.token_id,
      conversation_id: token.conversation_id,
      digest: Buffer.from(token.digest).toString('hex'),
      expires_at: token.expires_at,
      issued_order: order,
    };
  });
}

type WebchatTable = 'webchat_conversations' | 'webchat_activities' | 'webchat_tokens';

async function insertAll<T extends WebchatTable>(
  trx: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    // Kysely cannot relate a generic table name to its row type; the caller's rows are checked against it.
    await trx
      .insertInto(table as 'webchat_tokens')
      .values(rows.slice(start, start + BATCH) as Insertable<Database['webchat_tokens']>[])
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}
