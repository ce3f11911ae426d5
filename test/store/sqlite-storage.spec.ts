import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../../src/store';
import { describeStorageContract } from './storage-contract';

let dir: string;
let fileCount = 0;
const freshPath = (): string => join(dir, `store-${(fileCount += 1)}.db`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relaydesk-sqlite-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStorageContract('SqliteStorage', async () => {
  const storage = new SqliteStorage({ path: freshPath() });
  return { storage, close: async () => storage.close() };
});

describe('SqliteStorage specifics', () => {
  const opened: SqliteStorage[] = [];
  const open = (path: string): SqliteStorage => {
    const storage = new SqliteStorage({ path });
    opened.push(storage);
    return storage;
  };

  afterEach(() => {
    opened.splice(0).forEach((storage) => storage.close());
  });

  it('creates the parent directories of a file that does not exist yet', async () => {
    const path = join(dir, 'first', 'start', 'relaydesk.db');
    const storage = open(path);
    await storage.write({ 'agent/1': { v: 1 } });
    expect(existsSync(path)).toBe(true);
  });

  it('keeps documents and eTags across close and reopen', async () => {
    const path = freshPath();
    const first = open(path);
    await first.write({ 'workitem/7': { title: 'Refund' } });
    const { eTag } = (await first.read(['workitem/7']))['workitem/7'];
    first.close();
    const second = open(path);
    expect((await second.read(['workitem/7']))['workitem/7']).toEqual({ title: 'Refund', eTag });
  });

  it('puts the file in WAL mode', () => {
    const path = freshPath();
    open(path);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('stores the body as JSON without the eTag', async () => {
    const path = freshPath();
    const storage = open(path);
    await storage.write({ 'agent/1': { name: 'Ada', eTag: '*' } });
    const raw = new Database(path, { readonly: true });
    try {
      const row = raw.prepare('SELECT etag, body FROM documents WHERE key = ?').get('agent/1') as {
        etag: string;
        body: string;
      };
      expect(JSON.parse(row.body)).toEqual({ name: 'Ada' });
      expect(row.etag).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      raw.close();
    }
  });

  it('writes none of a batch when one key conflicts', async () => {
    const storage = open(freshPath());
    await storage.write({ 'agent/a': { v: 1 }, 'agent/b': { v: 1 } });
    const current = await storage.read(['agent/a', 'agent/b']);
    await expect(
      storage.write({
        'agent/a': { v: 2, eTag: current['agent/a'].eTag },
        'agent/new': { v: 2 },
        'agent/b': { v: 2, eTag: 'stale' },
      }),
    ).rejects.toThrow('Storage: error writing "agent/b" due to eTag conflict.');
    const after = await storage.read(['agent/a', 'agent/b', 'agent/new']);
    expect(after).toEqual({ 'agent/a': current['agent/a'], 'agent/b': current['agent/b'] });
  });

  it('refuses a non-object item and writes nothing of its batch', async () => {
    const storage = open(freshPath());
    await expect(storage.write({ 'agent/a': { v: 1 }, 'agent/b': null })).rejects.toBeInstanceOf(TypeError);
    expect(await storage.read(['agent/a'])).toEqual({});
  });

  it('rejects a delete without keys with a ReferenceError', async () => {
    const storage = open(freshPath());
    await expect(storage.delete(undefined as unknown as string[])).rejects.toBeInstanceOf(ReferenceError);
  });

  it('can be closed twice, and refuses work once closed', async () => {
    const storage = new SqliteStorage({ path: freshPath() });
    storage.close();
    expect(() => storage.close()).not.toThrow();
    await expect(storage.read(['agent/1'])).rejects.toThrow();
  });

  it('works on an in-memory database', async () => {
    const storage = open(':memory:');
    await storage.write({ 'agent/1': { v: 1 } });
    expect((await storage.read(['agent/1']))['agent/1'].v).toBe(1);
  });
});
