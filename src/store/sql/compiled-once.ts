import {
  CompiledQuery,
  sql,
  type Compilable,
  type DialectAdapter,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { Database } from './schema';

/** Marks a bound value to be filled in at each run: the name of the value it stands for. */
const SLOT = Symbol('relaydesk.slot');

interface Slot {
  readonly [SLOT]: string;
}

function isSlot(value: unknown): value is Slot {
  return typeof value === 'object' && value !== null && SLOT in value;
}

/**
 * Stand-ins for a query's values while it is built once: each property is a marker Kysely binds as a parameter.
 * Typed as the values themselves, so the builder checks them as it would the real ones.
 */
function slotsFor<P extends object>(): P {
  return new Proxy({} as P, {
    get: (_target, name) => (typeof name === 'string' ? ({ [SLOT]: name } satisfies Slot) : undefined),
  });
}

/**
 * Runs a statement's SQL with its parameters at once, on the connection; undefined when it cannot now (the statement
 * then goes through Kysely, which waits its turn for the connection).
 */
export type DirectRunner = (text: string, parameters: readonly unknown[]) => QueryResult<unknown> | undefined;

/**
 * The Kyselys whose statements may run directly on their SQLite connection, and how: each open transaction's, and
 * the database's own (outside transactions), which runs a statement directly only while no transaction is open on
 * the connection.
 */
const directRunners = new WeakMap<Kysely<Database>, DirectRunner>();

/**
 * Lets `db`'s statements compiled once run directly through `runner` for as long as `db` lives: the SQLite database's
 * Kysely outside transactions. better-sqlite3 runs a statement synchronously, so a runner that checks the connection
 * has no transaction open and runs the statement cannot be interleaved with another query: the statement commits by
 * itself, as it would through Kysely, without Kysely's per-query promises (about 40 µs a statement under load).
 */
export function directStatementsOn(db: Kysely<Database>, runner: DirectRunner): void {
  directRunners.set(db, runner);
}

/**
 * Runs `work` with `connection`'s statements compiled once run directly on it: SQLite runs a statement synchronously,
 * and the connection is this transaction's alone until it ends (nothing else runs on it meanwhile), so they need none
 * of Kysely's per-query connection handling, a chain of promises for every statement, each costing the unit of
 * work's async tracking too.
 */
export async function withDirectStatements<T>(
  connection: Kysely<Database>,
  runner: DirectRunner,
  work: () => Promise<T>,
): Promise<T> {
  directRunners.set(connection, runner);
  try {
    return await work();
  } finally {
    directRunners.delete(connection);
  }
}

/** The query compiled once for a dialect, its parameters either fixed or the name of the value bound there. */
interface Template {
  readonly compiled: CompiledQuery;
  readonly bindings: readonly (string | { readonly fixed: unknown })[];
}

/**
 * A statement that runs with different values each time but always has the same SQL (no `in` list of varying
 * length: every bound value is one parameter), built and compiled once per dialect and then run by binding the
 * values in. Kysely builds an immutable tree and compiles it for every query it runs, and that was about a sixth
 * of a relaying server's CPU; the hot statements are these. On a Kysely with plugins (the tests' fault switch is one)
 * the query is built and compiled as usual, so every plugin still sees and may rewrite it.
 */
export function compiledOnce<P extends object, R>(
  build: (db: Kysely<Database>, values: P) => Compilable<R>,
): (db: Kysely<Database>, values: P) => Promise<QueryResult<R>> {
  const templates = new WeakMap<DialectAdapter, Template>();
  const templateFor = (db: Kysely<Database>): Template => {
    const adapter = db.getExecutor().adapter;
    const known = templates.get(adapter);
    if (known) return known;
    const compiled = build(db, slotsFor<P>()).compile();
    const bindings = compiled.parameters.map((value) => (isSlot(value) ? value[SLOT] : { fixed: value }));
    const made: Template = { compiled, bindings };
    templates.set(adapter, made);
    return made;
  };
  return async (db, values) => {
    // A plugin may rewrite the tree it is shown: the query is built as Kysely builds any other.
    if (db.getExecutor().plugins.length > 0) return db.executeQuery<R>(build(db, values));
    const { compiled, bindings } = templateFor(db);
    const named = values as Record<string, unknown>;
    const parameters = bindings.map((binding) =>
      typeof binding === 'string' ? named[binding] : binding.fixed,
    );
    const direct = directRunners.get(db)?.(compiled.sql, parameters);
    if (direct) return direct as QueryResult<R>;
    return db.executeQuery<R>({ ...compiled, parameters });
  };
}

/**
 * A statement with neither values nor identifiers that vary (a savepoint's), run as its text: at once when it can run
 * directly (then there is nothing to wait for: undefined), or else through Kysely, whose promise is returned. A
 * savepoint's statements run four times per nested transaction, and awaiting each cost promises the unit of work's
 * async tracking pays for too.
 */
export function rawStatement(text: string): (db: Kysely<Database>) => Promise<unknown> | undefined {
  const compiled = CompiledQuery.raw(text);
  return (db) => {
    if (db.getExecutor().plugins.length > 0) return sql.raw(text).execute(db);
    return directRunners.get(db)?.(text, []) ? undefined : db.executeQuery(compiled);
  };
}
