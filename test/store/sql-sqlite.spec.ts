import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MIGRATIONS, migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { describeSqlContract } from './sql-contract';

let folder: string;
let files = 0;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'relaydesk-sql-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describeSqlContract('SQLite', () => {
  const path = join(folder, `desk-${(files += 1)}.db`);
  return Promise.resolve({
    // Connections sharing this process must not busy-wait: that would block the thread holding the lock.
    connect: () => Promise.resolve(openDatabase({ kind: 'sqlite', path, busyTimeoutMs: 0 })),
    dispose: () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      return Promise.resolve();
    },
  });
});

describe('SQLite database file', () => {
  let database: SqlDatabase | undefined;

  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('is opened with WAL, a busy timeout and foreign keys on', async () => {
    const opened = openDatabase({ kind: 'sqlite', path: join(folder, 'pragmas.db') });
    database = opened;
    const pragma = async (name: string) =>
      Object.values(
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(opened.db)).rows[0] ?? {},
      );
    expect(await pragma('journal_mode')).toEqual(['wal']);
    expect(await pragma('busy_timeout')).toEqual([5000]);
    expect(await pragma('foreign_keys')).toEqual([1]);
  });

  it('creates the folders of a new file', async () => {
    database = openDatabase({ kind: 'sqlite', path: join(folder, 'first', 'start', 'desk.db') });
    expect(await migrateToLatest(database)).toEqual(Object.keys(MIGRATIONS));
  });

  it('refuses a row whose parent row does not exist', async () => {
    database = openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrateToLatest(database);
    const outcome = await database.db
      .insertInto('messages')
      .values({ work_item_id: 'wi-none', seq: 1, sender: 'customer', text: 'hi', at: 1 })
      .execute()
      .then(
        () => 'stored',
        // Not toThrow: jest running in band keeps better-sqlite3's error class from the first test file that
        // loaded it, so its errors are no `Error` of this file's realm.
        (error: unknown) => String(Reflect.get(Object(error), 'message')),
      );
    expect(outcome).toBe('FOREIGN KEY constraint failed');
  });
});
