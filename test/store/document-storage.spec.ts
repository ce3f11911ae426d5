import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage } from 'botbuilder';
import { DocumentStorage, openStore } from '../../src/store';
import { MIGRATIONS, migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { createTestDatabase } from '../support/postgres-server';
import { describeStorageContract, readItems } from './storage-contract';

let dir: string;
let fileCount = 0;
const freshPath = (): string => join(dir, `store-${(fileCount += 1)}.db`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relaydesk-documents-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A migrated database of one dialect with the storage on it; `dispose` closes and removes it. */
interface Backend {
  readonly database: SqlDatabase;
  readonly storage: DocumentStorage;
  dispose(): Promise<void>;
}

async function sqliteBackend(path = freshPath()): Promise<Backend> {
  const database = openDatabase({ kind: 'sqlite', path });
  await migrateToLatest(database);
  return { database, storage: new DocumentStorage(database), dispose: () => database.close() };
}

async function postgresBackend(): Promise<Backend> {
  const created = await createTestDatabase({ migrated: true });
  const database = openDatabase({ kind: 'postgres', url: created.url, poolSize: 4 });
  await migrateToLatest(database);
  return {
    database,
    storage: new DocumentStorage(database),
    dispose: async () => {
      await database.close();
      await created.drop();
    },
  };
}

const asSubject = async (backend: Promise<Backend>) => {
  const opened = await backend;
  return { storage: opened.storage, close: () => opened.dispose() };
};

describeStorageContract('DocumentStorage on SQLite', () => asSubject(sqliteBackend()));
describeStorageContract('DocumentStorage on PostgreSQL', () => asSubject(postgresBackend()));

describe.each([
  ['SQLite', () => sqliteBackend()],
  ['PostgreSQL', () => postgresBackend()],
])('DocumentStorage specifics on %s', (_dialect, open) => {
  let backend: Backend;
  let storage: Storage;

  beforeEach(async () => {
    backend = await open();
    storage = backend.storage;
  });

  afterEach(async () => {
    await backend.dispose();
  });

  it('stores the body as JSON without the eTag, and a fresh UUID as the eTag', async () => {
    await storage.write({ 'agent/1': { name: 'Ada', eTag: '*' } });
    const row = await backend.database.db
      .selectFrom('documents')
      .selectAll()
      .where('key', '=', 'agent/1')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.body)).toEqual({ name: 'Ada' });
    expect(row.etag).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes none of a batch when one key conflicts', async () => {
    await storage.write({ 'agent/a': { v: 1 }, 'agent/b': { v: 1 } });
    const current = await readItems(storage, ['agent/a', 'agent/b']);
    const refused: unknown = await storage
      .write({
        'agent/a': { v: 2, eTag: current['agent/a']?.eTag },
        'agent/new': { v: 2 },
        'agent/b': { v: 2, eTag: 'stale' },
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({
      message: 'Storage: error writing "agent/b" due to eTag conflict.',
      statusCode: 412,
    });
    const after = await readItems(storage, ['agent/a', 'agent/b', 'agent/new']);
    expect(after).toEqual({ 'agent/a': current['agent/a'], 'agent/b': current['agent/b'] });
  });

  it('refuses a non-object item and writes nothing of its batch', async () => {
    await expect(storage.write({ 'agent/a': { v: 1 }, 'agent/b': null })).rejects.toBeInstanceOf(TypeError);
    expect(await storage.read(['agent/a'])).toEqual({});
  });

  it('rejects a delete without keys with a ReferenceError', async () => {
    await expect(storage.delete(undefined as unknown as string[])).rejects.toBeInstanceOf(ReferenceError);
  });

  it('reads, and deletes, more keys than one statement binds', async () => {
    const keys = Array.from({ length: 1234 }, (_, index) => `contact/c-${index}`);
    await storage.write(Object.fromEntries(keys.map((key, index) => [key, { index }])));
    const items = await storage.read([...keys, 'contact/missing', keys[0]!]);
    expect(Object.keys(items)).toEqual(keys);
    expect(items[keys[1233]!]).toEqual({ index: 1233, eTag: expect.any(String) });
    await storage.delete(keys.slice(0, 1000));
    expect(Object.keys(await storage.read(keys))).toEqual(keys.slice(1000));
  });

  it('refuses work once its database is closed', async () => {
    await backend.database.close();
    await expect(storage.read(['agent/1'])).rejects.toThrow(/destroyed/);
    await expect(storage.write({ 'agent/1': { v: 1 } })).rejects.toThrow(/destroyed/);
  });
});

describe('DocumentStorage on a file written by 0.1', () => {
  it('opens a data/relaydesk.db made by 0.1’s SqliteStorage, migrates it, and keeps every document and eTag', async () => {
    const path = join(dir, 'data-0.1', 'relaydesk.db');
    const eTag = randomUUID();
    // 0.1's SqliteStorage, step by step: WAL, its one table, one row per document.
    mkdirSync(join(dir, 'data-0.1'));
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.exec(
      'CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL)',
    );
    raw
      .prepare('INSERT INTO documents (key, etag, body) VALUES (?, ?, ?)')
      .run('counter/visitors', eTag, JSON.stringify({ count: 41 }));
    raw.close();

    const store = openStore({ store: 'sqlite', sqlitePath: path, databaseUrl: '', databasePoolSize: 1 });
    try {
      expect(await store.ready()).toEqual(Object.keys(MIGRATIONS));
      expect(await store.storage.read(['counter/visitors'])).toEqual({
        'counter/visitors': { count: 41, eTag },
      });
      // The compare-and-swap goes on from the eTag 0.1 wrote.
      await store.storage.write({ 'counter/visitors': { count: 42, eTag } });
      await expect(store.storage.write({ 'counter/visitors': { count: 99, eTag } })).rejects.toThrow(
        /eTag conflict/,
      );
      expect((await readItems(store.storage, ['counter/visitors']))['counter/visitors']?.count).toBe(42);
    } finally {
      await store.close();
    }
  });
});
