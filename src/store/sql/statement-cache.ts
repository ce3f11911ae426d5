import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many prepared statements a connection keeps: every statement the desk makes, with room to spare. */
export const CACHED_STATEMENTS = 500;

/**
 * The SQLite handle as Kysely's dialect sees it, keeping each prepared statement for the next query with the same
 * SQL. Kysely prepares every query anew, and preparing was 15 % of a relaying server's CPU; better-sqlite3's
 * statements are reusable (queries run one at a time on the connection, and nothing here streams rows). The desk
 * makes a few hundred distinct statements; should the cache ever fill, it is emptied and fills again.
 */
export function cachingStatements(raw: BetterSqlite3.Database, max = CACHED_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      raw.close();
    },
    prepare: (sql) => {
      const cached = statements.get(sql);
      if (cached) return cached;
      // Full only if queries were built with values in their text (none here): start afresh rather than track use.
      if (statements.size >= max) statements.clear();
      const statement = raw.prepare(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}
