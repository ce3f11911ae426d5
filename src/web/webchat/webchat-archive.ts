import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

/** How long a write waits for another connection holding the write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export interface ArchivedActivity {
  readonly seq: number;
  readonly activityId: string;
  readonly relaydeskId: string | undefined;
  /** The activity as the channel serves it, JSON. */
  readonly json: string;
  readonly bytes: number;
}

export interface ArchivedToken {
  readonly tokenId: string;
  /** sha256 of the token's secret; the secret itself is never stored. */
  readonly digest: Buffer;
  readonly expiresAt: number;
}

export interface ArchivedConversation {
  readonly id: string;
  readonly userId: string;
  readonly lastUsedAt: number;
  readonly nextSeq: number;
  /** In seq order. */
  readonly activities: ArchivedActivity[];
  /** In issue order. */
  readonly tokens: ArchivedToken[];
}

interface ConversationRow {
  id: string;
  user_id: string;
  last_used_at: number;
  next_seq: number;
}

interface ActivityRow {
  conversation_id: string;
  seq: number;
  activity_id: string;
  relaydesk_id: string | null;
  json: string;
  bytes: number;
}

interface TokenRow {
  token_id: string;
  conversation_id: string;
  digest: Buffer;
  expires_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  last_used_at INTEGER NOT NULL,
  next_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  activity_id TEXT NOT NULL,
  relaydesk_id TEXT,
  json TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX IF NOT EXISTS activities_relaydesk_id ON activities (conversation_id, relaydesk_id);
CREATE TABLE IF NOT EXISTS tokens (
  token_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  digest BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_conversation_id ON tokens (conversation_id);
`;

/**
 * The local Direct Line channel's conversations, transcripts and token digests on their own SQLite file, so a
 * restart does not end every web chat. Synchronous (better-sqlite3), so the channel's methods stay synchronous;
 * each method is one statement, and transaction() groups a channel call's writes into one.
 */
export class WebchatArchive {
  private readonly db: Database.Database;
  private readonly statements;
  private closed = false;

  /** Opens (creating when missing) the file and its tables; `:memory:` also works. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    // Busy timeout first, so a second process opening the file waits for the WAL switch instead of failing.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses nothing committed when the process dies; only an OS crash or power loss can.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      conversations: db.prepare<[], ConversationRow>(
        'SELECT id, user_id, last_used_at, next_seq FROM conversations ORDER BY last_used_at, rowid',
      ),
      activities: db.prepare<[], ActivityRow>(
        'SELECT conversation_id, seq, activity_id, relaydesk_id, json, bytes FROM activities ORDER BY conversation_id, seq',
      ),
      tokens: db.prepare<[], TokenRow>(
        'SELECT token_id, conversation_id, digest, expires_at FROM tokens ORDER BY expires_at, rowid',
      ),
      insertConversation: db.prepare<[string, string, number, number]>(
        'INSERT INTO conversations (id, user_id, last_used_at, next_seq) VALUES (?, ?, ?, ?)',
      ),
      touch: db.prepare<[number, string]>('UPDATE conversations SET last_used_at = ? WHERE id = ?'),
      setNextSeq: db.prepare<[number, string]>('UPDATE conversations SET next_seq = ? WHERE id = ?'),
      deleteConversation: db.prepare<[string]>('DELETE FROM conversations WHERE id = ?'),
      deleteActivitiesOf: db.prepare<[string]>('DELETE FROM activities WHERE conversation_id = ?'),
      deleteTokensOf: db.prepare<[string]>('DELETE FROM tokens WHERE conversation_id = ?'),
      insertActivity: db.prepare<[string, number, string, string | null, string, number]>(
        'INSERT INTO activities (conversation_id, seq, activity_id, relaydesk_id, json, bytes) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteActivity: db.prepare<[string, number]>(
        'DELETE FROM activities WHERE conversation_id = ? AND seq = ?',
      ),
      insertToken: db.prepare<[string, string, Buffer, number]>(
        'INSERT INTO tokens (token_id, conversation_id, digest, expires_at) VALUES (?, ?, ?, ?)',
      ),
      deleteToken: db.prepare<[string]>('DELETE FROM tokens WHERE token_id = ?'),
    };
  }

  /** Runs `work` in one transaction (nested calls become savepoints of the outer one). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Everything kept, least recently used first, after deleting the conversations idle `idleMs` by `now` and the
   * tokens expired by then (in one transaction).
   */
  load(now: number, idleMs: number): ArchivedConversation[] {
    return this.transaction(() => {
      const conversations = new Map<string, ArchivedConversation>();
      for (const row of this.statements.conversations.all()) {
        if (now - row.last_used_at >= idleMs) {
          this.deleteConversation(row.id);
          continue;
        }
        conversations.set(row.id, {
          id: row.id,
          userId: row.user_id,
          lastUsedAt: row.last_used_at,
          nextSeq: row.next_seq,
          activities: [],
          tokens: [],
        });
      }
      for (const row of this.statements.activities.all()) {
        const conversation = conversations.get(row.conversation_id);
        if (!conversation) {
          this.statements.deleteActivity.run(row.conversation_id, row.seq);
          continue;
        }
        conversation.activities.push({
          seq: row.seq,
          activityId: row.activity_id,
          relaydeskId: row.relaydesk_id ?? undefined,
          json: row.json,
          bytes: row.bytes,
        });
      }
      for (const row of this.statements.tokens.all()) {
        const conversation = conversations.get(row.conversation_id);
        if (!conversation || row.expires_at <= now) {
          this.statements.deleteToken.run(row.token_id);
          continue;
        }
        conversation.tokens.push({ tokenId: row.token_id, digest: row.digest, expiresAt: row.expires_at });
      }
      return [...conversations.values()];
    });
  }

  insertConversation(id: string, userId: string, lastUsedAt: number, nextSeq: number): void {
    this.statements.insertConversation.run(id, userId, lastUsedAt, nextSeq);
  }

  touch(id: string, lastUsedAt: number): void {
    this.statements.touch.run(lastUsedAt, id);
  }

  setNextSeq(id: string, nextSeq: number): void {
    this.statements.setNextSeq.run(nextSeq, id);
  }

  /** The conversation with its activities and tokens. */
  deleteConversation(id: string): void {
    this.transaction(() => {
      this.statements.deleteActivitiesOf.run(id);
      this.statements.deleteTokensOf.run(id);
      this.statements.deleteConversation.run(id);
    });
  }

  insertActivity(conversationId: string, activity: ArchivedActivity): void {
    const { seq, activityId, relaydeskId, json, bytes } = activity;
    this.statements.insertActivity.run(conversationId, seq, activityId, relaydeskId ?? null, json, bytes);
  }

  deleteActivity(conversationId: string, seq: number): void {
    this.statements.deleteActivity.run(conversationId, seq);
  }

  insertToken(conversationId: string, token: ArchivedToken): void {
    this.statements.insertToken.run(token.tokenId, conversationId, token.digest, token.expiresAt);
  }

  deleteToken(tokenId: string): void {
    this.statements.deleteToken.run(tokenId);
  }

  /** Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/**
 * The archive a desk with WEBCHAT=local opens: `webchat.db` next to the SQLite store's file when STORE=sqlite;
 * none otherwise (the channel then lives in memory, as with STORE=memory).
 */
export function openWebchatArchive(store: string, sqlitePath: string): WebchatArchive | undefined {
  if (store !== 'sqlite' || sqlitePath === ':memory:') return undefined;
  return new WebchatArchive(join(dirname(sqlitePath), 'webchat.db'));
}
