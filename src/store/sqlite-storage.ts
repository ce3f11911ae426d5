import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';

export interface SqliteStorageOptions {
  /** The database file; its parent directory is created when missing. `:memory:` also works. */
  path: string;
}

/** A write whose eTag no longer matches the stored one; the message follows MemoryStorage's wording. */
export class EtagConflictError extends Error {
  override readonly name = 'EtagConflictError';
  readonly statusCode = 412;

  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

interface Row {
  etag: string;
  body: string;
}

/** How long a process waits for another one holding the write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * botbuilder Storage on one SQLite file, with MemoryStorage's eTag semantics,
 * except that a batch write is atomic (all keys or none).
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly selectRow: Database.Statement<[string], Row>;
  private readonly upsertRow: Database.Statement<[string, string, string]>;
  private readonly deleteRow: Database.Statement<[string]>;
  private closed = false;

  constructor(options: SqliteStorageOptions) {
    if (options.path !== ':memory:') {
      mkdirSync(dirname(options.path), { recursive: true });
    }
    this.db = new Database(options.path, { timeout: BUSY_TIMEOUT_MS });
    // Busy timeout first, so a second process opening the file waits for the WAL switch instead of failing.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses nothing committed when the process dies; only an OS crash or power loss can.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL)',
    );
    this.selectRow = this.db.prepare<[string], Row>('SELECT etag, body FROM documents WHERE key = ?');
    this.upsertRow = this.db.prepare<[string, string, string]>(
      'INSERT INTO documents (key, etag, body) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, body = excluded.body',
    );
    this.deleteRow = this.db.prepare<[string]>('DELETE FROM documents WHERE key = ?');
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) {
      throw new ReferenceError('Keys are required when reading.');
    }
    // One read transaction, so a batch sees a single consistent snapshot.
    return this.db.transaction((wanted: string[]) => {
      const items: StoreItems = {};
      for (const key of wanted) {
        const row = this.selectRow.get(key);
        if (row) {
          items[key] = { ...(JSON.parse(row.body) as StoreItem), eTag: row.etag };
        }
      }
      return items;
    })(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) {
      throw new ReferenceError('Changes are required when writing.');
    }
    const entries = Object.entries(changes) as [string, StoreItem][];
    if (entries.length === 0) {
      return;
    }
    // IMMEDIATE takes the write lock before the eTag checks, so no other process can slip in between.
    this.db
      .transaction((batch: [string, StoreItem][]) => {
        for (const [key, item] of batch) {
          if (typeof item !== 'object' || item === null) {
            throw new TypeError(`Storage: the item for "${key}" must be an object.`);
          }
          const { eTag, ...body } = item;
          const stored = this.selectRow.get(key);
          if (stored && eTag && eTag !== '*' && eTag !== stored.etag) {
            throw new EtagConflictError(key);
          }
          // A fresh UUID per write: a deleted and recreated document never reuses an eTag (no ABA).
          this.upsertRow.run(key, randomUUID(), JSON.stringify(body));
        }
      })
      .immediate(entries);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) {
      throw new ReferenceError('Keys are required when deleting.');
    }
    if (keys.length === 0) {
      return;
    }
    this.db
      .transaction((doomed: string[]) => {
        for (const key of doomed) {
          this.deleteRow.run(key);
        }
      })
      .immediate(keys);
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }
}
