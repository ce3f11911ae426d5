import type { Kysely, QueryResult } from 'kysely';
import { compiledOnce } from './compiled-once';
import { VersionConflictError } from './conflicts';
import type { Database } from './schema';

/** Any table's columns by name: the statements here are built from column names known only at run time. */
type AnyTables = Record<string, Record<string, unknown>>;

type Values = Record<string, unknown>;

type Statement = (db: Kysely<Database>, values: Values) => Promise<QueryResult<unknown>>;

/**
 * Column sets kept compiled per table. A table's updates change a handful of sets (a customer's message changes its
 * rate window and recent ids, an assignment its agent and status), so the cap is never met in use; past it, a new
 * set is still run, compiled for that run only.
 */
const MAX_SHAPES = 200;

/** Where the version a row was read at, and the version it is written as, are bound: names no column has. */
const KEY = '$key';
const READ_VERSION = '$read';
const NEXT_VERSION = '$next';

export interface VersionedWrite {
  /** The row's key. */
  readonly key: unknown;
  /** The version the row was read at: the update changes nothing if another writer changed it since. */
  readonly version: number;
  /** The version the row is written as. */
  readonly next: number;
}

/** An update of `changes` at `write`'s version; `what` names the row in the conflict's message. */
type UpdateAt<R> = (db: Kysely<Database>, changes: Values, write: VersionedWrite, what: string) => Promise<R>;

export type VersionedUpdate = UpdateAt<void>;

/** A versioned update that also adds one to the table's counter column, and answers the counter's new value. */
export type CountingUpdate = UpdateAt<number>;

/**
 * An update of a row's changed columns and its version, conditional on the version it was read at; throws
 * VersionConflictError when another writer changed the row first (no row matched). Each set of columns is one
 * statement, built and compiled once and then run with its values bound (compiledOnce): building and compiling
 * Kysely's tree for each update, three of them for every relayed message, cost more than running the statement.
 * Columns whose value is undefined are left out, as Kysely leaves them out of `set`.
 *
 * With a `counter` column, `counting` is the same update that also takes the counter's next value in the same
 * statement (a work item's message sequence, taken with the change a message brings).
 */
export function versionedUpdate(
  table: keyof Database,
  keyColumn: string,
  versionColumn: string,
): VersionedUpdate;
export function versionedUpdate(
  table: keyof Database,
  keyColumn: string,
  versionColumn: string,
  counter: string,
): VersionedUpdate & { readonly counting: CountingUpdate };
export function versionedUpdate(
  table: keyof Database,
  keyColumn: string,
  versionColumn: string,
  counter?: string,
): VersionedUpdate & { readonly counting?: CountingUpdate } {
  const shapes = new Map<string, Statement>();
  const statementFor = (columns: readonly string[], counts: boolean): Statement =>
    compiledOnce((db: Kysely<Database>, values: Values) => {
      // Column names known only at run time: the repositories calling this pass their own table's columns.
      const update = (db as unknown as Kysely<AnyTables>).updateTable(table).set((eb) => {
        const set: Values = { [versionColumn]: values[NEXT_VERSION] };
        for (const column of columns) set[column] = values[column];
        if (counts && counter !== undefined) set[counter] = eb(eb.ref(counter), '+', 1);
        return set;
      });
      const where = update.where(keyColumn, '=', values[KEY]).where(versionColumn, '=', values[READ_VERSION]);
      return counts && counter !== undefined ? where.returning(counter) : where;
    });
  const run = async (db: Kysely<Database>, changes: Values, write: VersionedWrite, counts: boolean) => {
    const columns = Object.keys(changes).filter(
      (column) => changes[column] !== undefined && column !== versionColumn && column !== counter,
    );
    const shape = `${counts ? '+' : '='}${columns.join('\u0000')}`;
    let statement = shapes.get(shape);
    if (!statement) {
      statement = statementFor(columns, counts);
      if (shapes.size < MAX_SHAPES) shapes.set(shape, statement);
    }
    const values: Values = { [KEY]: write.key, [READ_VERSION]: write.version, [NEXT_VERSION]: write.next };
    for (const column of columns) values[column] = changes[column];
    return statement(db, values);
  };
  const update: VersionedUpdate = async (db, changes, write, what) => {
    const result = await run(db, changes, write, false);
    if (result.numAffectedRows !== 1n) throw new VersionConflictError(what);
  };
  if (counter === undefined) return update;
  const counting: CountingUpdate = async (db, changes, write, what) => {
    const row = (await run(db, changes, write, true)).rows[0] as Values | undefined;
    const value = row?.[counter];
    if (value === undefined) throw new VersionConflictError(what);
    return Number(value);
  };
  return Object.assign(update, { counting });
}
