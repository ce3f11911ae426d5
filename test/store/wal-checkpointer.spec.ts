import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { WalCheckpointer } from '../../src/store/sql/wal-checkpointer';
import type { BackgroundCheckpoints } from '../../src/store/sql/wal-checkpointer';

const PAGE = 4096;
/** A row about two pages long: each commit of one adds pages to the log. */
const ROW = 'x'.repeat(2 * PAGE);

describe('checkpoints of a SQLite file on a thread of their own', () => {
  let dir: string;
  let database: SqlDatabase | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-checkpoints-'));
  });

  afterEach(async () => {
    await database?.close();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(checkpoints: BackgroundCheckpoints): Promise<{ path: string; db: SqlDatabase }> {
    const path = join(dir, 'desk.db');
    database = openDatabase({ kind: 'sqlite', path, busyTimeoutMs: 0, checkpoints });
    await database.transaction((trx) => sql`create table notes (body text not null)`.execute(trx));
    return { path, db: database };
  }

  async function commitRows(db: SqlDatabase, count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await db.transaction((trx) => sql`insert into notes (body) values (${ROW})`.execute(trx));
    }
  }

  async function fileGrowsTo(path: string, bytes: number, withinMs: number): Promise<number> {
    const until = Date.now() + withinMs;
    let size = statSync(path).size;
    while (size < bytes && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      size = statSync(path).size;
    }
    return size;
  }

  it('copies committed pages into the database file as the commits go on, from the thread', async () => {
    const { path, db } = await open({ afterCommits: 1, everyCommits: 5 });
    const before = statSync(path).size;
    // About 60 pages: far below the 1,000 at which a commit would checkpoint by itself.
    await commitRows(db, 30);
    expect(await fileGrowsTo(path, before + 30 * 2 * PAGE, 5_000)).toBeGreaterThanOrEqual(
      before + 30 * 2 * PAGE,
    );
  });

  it('leaves checkpoints to the thread: commits past 1,000 pages no longer checkpoint themselves', async () => {
    // The thread starts, but is not asked to checkpoint in these commits; the log may grow past them.
    const { path, db } = await open({ afterCommits: 1, everyCommits: 1_000_000, logLimitPages: 100_000 });
    const before = statSync(path).size;
    await commitRows(db, 600);
    expect(statSync(path).size).toBe(before);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1_000 * PAGE);

    // Closing stops the thread first, so the committing connection is the last and checkpoints all of it.
    await db.close();
    database = undefined;
    expect(statSync(path).size).toBeGreaterThanOrEqual(600 * 2 * PAGE);
    const reopened = new BetterSqlite3(path, { readonly: true });
    try {
      expect(reopened.prepare('select count(*) as n from notes').get()).toEqual({ n: 600 });
    } finally {
      reopened.close();
    }
  });

  it('keeps the log within its limit under steady writes, which the thread alone never catches up with', async () => {
    const limitPages = 100;
    const { path, db } = await open({ afterCommits: 1, everyCommits: 5, logLimitPages: limitPages });
    let largest = 0;
    // 3,000 pages, 30 times the limit, in commits about a millisecond apart as a busy desk's come.
    for (let commit = 0; commit < 1_500; commit += 1) {
      await commitRows(db, 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (commit % 10 === 0) largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    // Without the limit the log holds all of it, about 3,900 pages with the table's own. With it, the log passes the
    // limit only by what is committed while a checkpoint of the thread's waits for the disk (up to 1,000 pages here,
    // in a 400 ms wait seen on a slow disk).
    expect(largest).toBeLessThan(2_000 * PAGE);

    await db.close();
    database = undefined;
    const reopened = new BetterSqlite3(path, { readonly: true });
    try {
      expect(reopened.prepare('select count(*) as n from notes').get()).toEqual({ n: 1_500 });
    } finally {
      reopened.close();
    }
  });

  it('starts no thread for a database used fewer times than asked', async () => {
    const { path, db } = await open({ afterCommits: 1_000, everyCommits: 1 });
    const before = statSync(path).size;
    await commitRows(db, 30);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(statSync(path).size).toBe(before);
  });

  it('hands checkpoints back to the commits, and says why, when the thread fails', async () => {
    const path = join(dir, 'own.db');
    const connection = new BetterSqlite3(path);
    connection.pragma('journal_mode = WAL');
    const failures: string[] = [];
    // The thread is pointed at a file that is not there: it cannot open it.
    const checkpointer = new WalCheckpointer(join(dir, 'gone', 'missing.db'), connection, {
      afterCommits: 1,
      onError: (error) => failures.push(error.message),
    });
    try {
      checkpointer.committed();
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(4_000);
      const until = Date.now() + 5_000;
      while (failures.length === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/unable to open|does not exist|directory/i);
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await checkpointer.close();
      connection.close();
    }
  });
});
