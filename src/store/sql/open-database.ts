import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type QueryResult, type SqliteDatabase } from 'kysely';
import { Pool, types } from 'pg';
import { isLockConflict, retryOnConflict, type RetryLimits } from './conflicts';
import { directStatementsOn, withDirectStatements, type DirectRunner } from './compiled-once';
import { nulFree, nulFreeParameters } from './nul-free-strings';
import { cachingStatements } from './statement-cache';
import type { Database } from './schema';
import { unitsOfWork, type CommitHook } from './unit-of-work';

export type DatabaseTarget =
  | {
      readonly kind: 'sqlite';
      /** The database file; its parent directory is created when missing. `:memory:` also works. */
      readonly path: string;
      /**
       * How long a write waits for another process's lock, blocking the thread. Connections sharing one process
       * (tests) pass 0: the thread they would block is the one that has to release the lock.
       */
      readonly busyTimeoutMs?: number;
      /**
       * With path `:memory:`: the serialized database the new one starts as a copy of (an in-memory store starts
       * from an image of the migrated schema instead of migrating), read on first use.
       */
      readonly startFrom?: () => Promise<Buffer>;
    }
  | {
      readonly kind: 'postgres';
      /** postgres://user@host:port/database */
      readonly url: string;
      readonly poolSize?: number;
      /** An idle pooled connection failed (the server restarted); the pool replaces it on next use. */
      readonly onIdleError?: (error: Error) => void;
    };

/** An open database: its Kysely instance, transactions that both dialects settle alike, and close. */
export interface SqlDatabase {
  readonly kind: DatabaseTarget['kind'];
  /** Reads and single statements; inside a transaction (in the same async flow) this is that transaction. */
  readonly db: Kysely<Database>;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws. On SQLite it
   * begins IMMEDIATE (the write lock up front, so two connections never both read then both write); on
   * PostgreSQL it is READ COMMITTED, and writers are settled by row locks and conditional updates.
   * `work` must use the `trx` it is given (or `db`, which is the same inside). Called while a transaction is
   * open in the same async flow, it joins that one inside a savepoint: a use case is one transaction.
   */
  transaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `hook` once the open transaction has committed (never if it rolls back), or at once outside one:
   * sending what a use case queued, telling other instances. The transaction resolves after its hooks. Hooks
   * with the same `key` in one transaction run once.
   */
  afterCommit(hook: CommitHook, key?: string): Promise<void>;
  /** Whether a transaction is open in this async flow (work done now joins it). */
  inTransaction(): boolean;
  /** SQLite only: the whole database serialized, for another in-memory database to start from (`startFrom`). */
  snapshot?(): Buffer;
  close(): Promise<void>;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
const INT8_OID: number = types.builtins.INT8;
/** A connection waiting for another's write lock tries again every turn of the event loop, for this long. */
const BEGIN_LIMITS: RetryLimits = { attempts: 100_000, withinMs: 10_000 };

/** A whole transaction is run again, up to these limits, when the database refused it for a lock or a serialisation. */
const LOCKED_LIMITS: RetryLimits = { attempts: 50, withinMs: 5_000 };

/**
 * A transaction that met another writer's lock (SQLITE_BUSY) or a serialisation failure or deadlock (PostgreSQL)
 * wrote nothing, so it is run again from the start; a version conflict is left to the repository, which rereads.
 */
function againWhileLocked<T>(run: () => Promise<T>): Promise<T> {
  return retryOnConflict(run, LOCKED_LIMITS, isLockConflict);
}

/** Epoch milliseconds and counts come back from bigint columns as numbers; one too large to be exact is refused. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`A bigint column holds ${text}, beyond a safe integer.`);
  return value;
}

// pg-types declares its parsers as returning `any`; they return whatever the column's text parses to.
const builtInTypeParser: (oid: number, format?: 'text' | 'binary') => (text: string) => unknown =
  types.getTypeParser;

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : builtInTypeParser(oid, format)) as typeof types.getTypeParser,
};

/** A better-sqlite3 handle on `source` (a file, `:memory:` or a serialized database), set up as the desk runs it. */
function sqliteHandle(source: string | Buffer, busyTimeoutMs: number): BetterSqlite3.Database {
  const raw = new BetterSqlite3(source, { timeout: busyTimeoutMs });
  try {
    // Busy timeout first, so a second process opening the file waits for the WAL switch instead of failing.
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    raw.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses nothing committed when the process dies; only an OS crash or power loss can.
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
  } catch (error) {
    raw.close();
    throw error;
  }
  return raw;
}

/** A statement run on the handle at once, answered as Kysely's SQLite driver answers it; NULs replaced as nulFree does. */
function runDirectly(
  handle: SqliteDatabase,
  text: string,
  parameters: readonly unknown[],
): QueryResult<unknown> {
  const statement = handle.prepare(text);
  const bound = nulFreeParameters(parameters);
  if (statement.reader) return { rows: statement.all(bound) };
  const { changes, lastInsertRowid } = statement.run(bound);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}

function openSqlite(target: Extract<DatabaseTarget, { kind: 'sqlite' }>): SqlDatabase {
  const busyTimeoutMs = target.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
  const { startFrom } = target;
  // A copy of an image is made when Kysely first connects; any other database is opened now, so a bad path fails here.
  let raw = startFrom ? undefined : sqliteHandle(target.path, busyTimeoutMs);
  let handle = raw ? cachingStatements(raw) : undefined;
  const connect = async () => {
    raw ??= sqliteHandle(await startFrom!(), busyTimeoutMs);
    handle ??= cachingStatements(raw);
    return handle;
  };
  const db = new Kysely<Database>({
    dialect: nulFree(new SqliteDialect({ database: handle ?? connect })),
  });
  const direct: DirectRunner = (text, parameters) => {
    if (!handle) throw new Error('The database is not open.');
    return runDirectly(handle, text, parameters);
  };
  // Outside transactions: directly only while none is open on the connection, and once Kysely has opened it.
  directStatementsOn(db, (text, parameters) =>
    handle && raw?.open && !raw.inTransaction ? direct(text, parameters) : undefined,
  );
  // The connection is the transaction's alone while Kysely lends it (db.connection()): its begin, commit and rollback
  // run on the handle directly, as its statements do.
  const begin = <T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.connection().execute(async (connection) => {
      // A refused begin (SQLITE_BUSY) throws as it is attempted, inside the retry.
      await retryOnConflict(() => Promise.resolve(direct('begin immediate', [])), BEGIN_LIMITS);
      try {
        const result = await withDirectStatements(connection, direct, () => work(connection));
        direct('commit', []);
        return result;
      } catch (error) {
        // Some errors end the transaction by themselves; a rollback then has nothing to undo.
        if (raw?.inTransaction) direct('rollback', []);
        throw error;
      }
    });
  return withUnits('sqlite', db, begin, {
    close: async () => {
      await db.destroy();
      // Kysely closes the handle only if it was ever used.
      if (raw?.open) raw.close();
    },
    snapshot: () => {
      if (!raw) throw new Error('The database was never opened: there is nothing to serialize.');
      return raw.serialize();
    },
  });
}

function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>): SqlDatabase {
  const pool = new Pool({
    connectionString: target.url,
    max: target.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: typeParsers,
  });
  pool.on('error', target.onIdleError ?? (() => undefined));
  const db = new Kysely<Database>({
    dialect: nulFree(new PostgresDialect({ pool })),
  });
  return withUnits('postgres', db, (work) => db.transaction().execute(work), {
    close: async () => {
      await db.destroy();
      // Kysely ends the pool only if it was ever used.
      if (!pool.ended) await pool.end();
    },
  });
}

/**
 * The SqlDatabase over a dialect's `begin`: transactions joined per async flow (unit-of-work.ts), a whole one run
 * again when the database refused it for a lock. `db` can be replaced (tests put a fault switch there).
 */
function withUnits(
  kind: SqlDatabase['kind'],
  base: Kysely<Database>,
  begin: <T>(work: (trx: Kysely<Database>) => Promise<T>) => Promise<T>,
  rest: Pick<SqlDatabase, 'close' | 'snapshot'>,
): SqlDatabase {
  const units = unitsOfWork();
  let outside = base;
  return {
    kind,
    get db() {
      return units.current() ?? outside;
    },
    set db(replacement: Kysely<Database>) {
      outside = replacement;
    },
    transaction: (work) =>
      units.current()
        ? units.transaction(begin, work)
        : againWhileLocked(() => units.transaction(begin, work)),
    afterCommit: (hook, key) => units.afterCommit(hook, key),
    inTransaction: () => units.current() !== undefined,
    close: async () => {
      try {
        await rest.close();
      } finally {
        units.close();
      }
    },
    ...(rest.snapshot ? { snapshot: rest.snapshot } : {}),
  };
}

/** Opens the desk's database; run migrateToLatest before using the tables. */
export function openDatabase(target: DatabaseTarget): SqlDatabase {
  return target.kind === 'sqlite' ? openSqlite(target) : openPostgres(target);
}
