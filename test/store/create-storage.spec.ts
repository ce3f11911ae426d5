import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DocumentStorage, openStore, type StoreKind, type StoreSettings } from '../../src/store';
import { storeFailureReason } from '../../src/store/create-storage';
import { createLogger } from '../../src/logging/logger';
import { MIGRATIONS } from '../../src/store/sql';
import { createTestDatabase } from '../support/postgres-server';
import { readItems } from './storage-contract';

/** Every migration there is, in order: what a new database runs. */
const ALL = Object.keys(MIGRATIONS);

const settings = (overrides: Partial<StoreSettings>): StoreSettings => ({
  store: 'sqlite',
  sqlitePath: '',
  databaseUrl: '',
  databasePoolSize: 2,
  ...overrides,
});

/** A real logger whose JSON lines are kept. */
function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('openStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-open-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps "memory" in an SQLite database in memory, touching no file, and forgets it on close', async () => {
    const sqlitePath = join(dir, 'unused.db');
    const first = openStore(settings({ store: 'memory', sqlitePath }));
    expect(first.database.kind).toBe('sqlite');
    expect(first.storage).toBeInstanceOf(DocumentStorage);
    // A copy of a database migrated once per process: every migration is there, none runs again.
    expect(await first.ready()).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      first.database.db,
    );
    expect(applied.rows.map((row) => row.name)).toEqual(ALL);
    await first.storage.write({ 'agent/1': { v: 1 } });
    expect((await readItems(first.storage, ['agent/1']))['agent/1']?.v).toBe(1);
    await first.close();

    const second = openStore(settings({ store: 'memory', sqlitePath }));
    await second.ready();
    expect(await second.storage.read(['agent/1'])).toEqual({});
    await second.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('opens "sqlite" on the given file (folders created), logs the migrations it ran, and reopens it as it was', async () => {
    const sqlitePath = join(dir, 'data', 'relaydesk.db');
    const { logger, lines } = collectingLogger();
    const first = openStore(settings({ sqlitePath }), { logger });
    expect(await first.ready()).toEqual(ALL);
    // A second ready() shares the first one's work.
    expect(await first.ready()).toEqual(ALL);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        store: 'sqlite',
        migrations: ALL,
        msg: `store migrated: ${ALL.join(', ')}`,
      }),
    ]);
    await first.storage.write({ 'agent/1': { v: 1 } });
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);
    await first.close();
    await first.close();
    // SQLite removes the WAL file when the last connection closes.
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
    await expect(first.storage.read(['agent/1'])).rejects.toThrow();

    const again = openStore(settings({ sqlitePath }), { logger });
    try {
      expect(await again.ready()).toEqual([]);
      expect(lines).toHaveLength(1);
      expect((await readItems(again.storage, ['agent/1']))['agent/1']?.v).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('opens "postgres" on DATABASE_URL with a pool of DATABASE_POOL_SIZE, and migrates it', async () => {
    const created = await createTestDatabase();
    const store = openStore(settings({ store: 'postgres', databaseUrl: created.url, databasePoolSize: 3 }));
    try {
      expect(store.database.kind).toBe('postgres');
      expect(await store.ready()).toEqual(ALL);
      await store.storage.write({ 'agent/1': { v: 1 } });
      expect((await readItems(store.storage, ['agent/1']))['agent/1']?.v).toBe(1);
      // Six queries at once share the pool's three connections.
      const pids = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(
            store.database.db,
          );
          return rows[0]?.pid;
        }),
      );
      expect(new Set(pids).size).toBe(3);
    } finally {
      await store.close();
      await created.drop();
    }
  });

  it('rejects ready() with why when the PostgreSQL server cannot be reached, and tries again on the next call', async () => {
    const port = await closedPort();
    const store = openStore(
      settings({ store: 'postgres', databaseUrl: `postgres://desk:s3cret-pw@127.0.0.1:${port}/relaydesk` }),
    );
    try {
      await expect(store.ready()).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
      await expect(store.ready()).rejects.toThrow('ECONNREFUSED');
    } finally {
      await store.close();
    }
  });

  it('refuses "postgres" without DATABASE_URL, and an unknown kind', () => {
    expect(() => openStore(settings({ store: 'postgres' }))).toThrow(/postgres.*DATABASE_URL/);
    expect(() => openStore(settings({ store: 'redis' as StoreKind }))).toThrow(/Unknown store kind "redis"/);
  });
});

describe('storeFailureReason', () => {
  it('gives each message of the cause chain, and the errors of an AggregateError without a message', () => {
    const refused = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      '',
    );
    expect(storeFailureReason(refused)).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(
      storeFailureReason(new Error('Migrating failed at 0002.', { cause: new Error('disk I/O error') })),
    ).toBe('Migrating failed at 0002.: disk I/O error');
    expect(storeFailureReason('plain')).toBe('plain');
  });
});
