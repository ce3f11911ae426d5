import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** What a NUL becomes: the replacement character, so the text still shows that something was there. */
const REPLACEMENT = '\uFFFD';

function hasNul(value: unknown): value is string {
  return typeof value === 'string' && value.includes('\u0000');
}

/** The parameters with every NUL in their strings replaced; the very same array when there is none (the usual case). */
export function nulFreeParameters(parameters: readonly unknown[]): readonly unknown[] {
  if (!parameters.some(hasNul)) return parameters;
  return parameters.map((value) => (hasNul(value) ? value.replaceAll('\u0000', REPLACEMENT) : value));
}

/** The query with every NUL in its bound strings replaced; the very same query when there is none (the usual case). */
function cleaned(query: CompiledQuery): CompiledQuery {
  const parameters = nulFreeParameters(query.parameters);
  return parameters === query.parameters ? query : { ...query, parameters };
}

/**
 * PostgreSQL's text columns cannot hold U+0000 (SQLite's can), and a customer can type one: every string bound to
 * a statement has its NULs replaced, on both backends alike, so hostile text is stored the same everywhere. Done on
 * the compiled query's parameters as each connection runs it, a flat array: a plugin rewriting every query's tree
 * cost 4 % of a relaying server's CPU.
 */
export function nulFree(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => nulFreeDriver(dialect.createDriver()),
  };
}

function nulFreeDriver(driver: Driver): Driver {
  /** Each wrapper the driver's own connection. */
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    const wrapper: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        connection.executeQuery<R>(cleaned(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
        connection.streamQuery<R>(cleaned(query), chunkSize),
    };
    inner.set(wrapper, connection);
    return wrapper;
  };
  return {
    init: () => driver.init(),
    acquireConnection: async () => wrap(await driver.acquireConnection()),
    beginTransaction: (connection: DatabaseConnection, settings: TransactionSettings) =>
      driver.beginTransaction(unwrap(connection), settings),
    commitTransaction: (connection) => driver.commitTransaction(unwrap(connection)),
    rollbackTransaction: (connection) => driver.rollbackTransaction(unwrap(connection)),
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    destroy: () => driver.destroy(),
  };
}
