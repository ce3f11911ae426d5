import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';

/** The eTag a create is written with; no backend ever issues it, so it only matches a missing document. */
export const ABSENT_ETAG = 'relaydesk:absent';

/** A write whose eTag no longer matches the stored one; the message follows MemoryStorage's wording. */
export class EtagConflictError extends Error {
  override readonly name = 'EtagConflictError';
  readonly statusCode = 412;

  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

/** Keys bound in one statement; well under SQLite's and PostgreSQL's limits on parameters. */
const KEYS_PER_STATEMENT = 500;

interface Row {
  readonly key: string;
  /** The eTag the write was made against; undefined or '*' writes unconditionally. */
  readonly expected: string | undefined;
  readonly body: string;
}

function inChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += KEYS_PER_STATEMENT) {
    chunks.push(items.slice(start, start + KEYS_PER_STATEMENT));
  }
  return chunks;
}

function toRow(key: string, item: unknown): Row {
  if (typeof item !== 'object' || item === null) {
    throw new TypeError(`Storage: the item for "${key}" must be an object.`);
  }
  const { eTag, ...body } = item as StoreItem;
  // A falsy eTag writes unconditionally, as MemoryStorage and 0.1's SqliteStorage did.
  const expected = eTag ? String(eTag) : undefined;
  return { key, expected: expected === '*' ? undefined : expected, body: JSON.stringify(body) };
}

/** Creates the row only if the key is free; false when another writer holds it. */
async function insertIfMissing(trx: Kysely<Database>, row: Row, etag: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('documents')
    .values({ key: row.key, etag, body: row.body })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .executeTakeFirst();
  return inserted.numInsertedOrUpdatedRows === 1n;
}

/** Replaces the row only while it still carries the expected eTag; false when it does not. */
async function updateIfCurrent(
  trx: Kysely<Database>,
  row: Row,
  expected: string,
  etag: string,
): Promise<boolean> {
  const updated = await trx
    .updateTable('documents')
    .set({ etag, body: row.body })
    .where('key', '=', row.key)
    .where('etag', '=', expected)
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Writes one row. Every statement decides in the database itself, never on a value read before it: two instances
 * on one PostgreSQL cannot both win, and on SQLite the transaction holds the write lock anyway.
 */
async function writeRow(trx: Kysely<Database>, row: Row): Promise<void> {
  // A fresh UUID per write: a deleted and recreated document never reuses an eTag (no ABA).
  const etag = randomUUID();
  if (row.expected === undefined) {
    await trx
      .insertInto('documents')
      .values({ key: row.key, etag, body: row.body })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ etag, body: row.body }))
      .execute();
    return;
  }
  // No stored row ever carries ABSENT_ETAG, so a create goes straight to the insert.
  if (row.expected !== ABSENT_ETAG && (await updateIfCurrent(trx, row, row.expected, etag))) return;
  // A missing document is created whatever eTag the write carries, as 0.1's SqliteStorage did.
  if (!(await insertIfMissing(trx, row, etag))) throw new EtagConflictError(row.key);
}

/**
 * botbuilder Storage on the `documents` table, on SQLite or PostgreSQL: MemoryStorage's eTag semantics, except
 * that a batch write is atomic (all keys or none). The database belongs to the caller, who closes it.
 */
export class DocumentStorage implements Storage {
  constructor(private readonly database: SqlDatabase) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) {
      throw new ReferenceError('Keys are required when reading.');
    }
    const wanted = [...new Set(keys)];
    const found = new Map<string, { etag: string; body: string }>();
    // Up to KEYS_PER_STATEMENT keys are one statement, so a batch of that size reads one consistent snapshot.
    for (const chunk of inChunks(wanted)) {
      const rows = await this.database.db
        .selectFrom('documents')
        .select(['key', 'etag', 'body'])
        .where('key', 'in', chunk)
        .execute();
      for (const row of rows) found.set(row.key, row);
    }
    const items: StoreItems = {};
    for (const key of wanted) {
      const row = found.get(key);
      if (row) items[key] = { ...(JSON.parse(row.body) as StoreItem), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) {
      throw new ReferenceError('Changes are required when writing.');
    }
    // Checked and serialised before the transaction, so a bad item writes nothing of its batch.
    const rows = Object.entries(changes).map(([key, item]) => toRow(key, item));
    if (rows.length === 0) {
      return;
    }
    // One key order for every writer, so two PostgreSQL transactions never wait on each other's rows in a cycle.
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    await this.database.transaction(async (trx) => {
      for (const row of rows) await writeRow(trx, row);
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) {
      throw new ReferenceError('Keys are required when deleting.');
    }
    if (keys.length === 0) {
      return;
    }
    const doomed = [...new Set(keys)].sort();
    await this.database.transaction(async (trx) => {
      for (const chunk of inChunks(doomed)) {
        await trx.deleteFrom('documents').where('key', 'in', chunk).execute();
      }
    });
  }
}
