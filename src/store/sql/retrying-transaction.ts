import type { InsertResult, Kysely } from 'kysely';
import { retryOnConflict, VersionConflictError } from './conflicts';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';

/**
 * Runs `work` in one transaction, again while it loses to another writer (a conditional update that found its
 * version gone, a create that found the row made), within retryOnConflict's bounds. `work` must use `trx` only.
 */
export function transactWithRetry<T>(
  database: SqlDatabase,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  // Read at each call, so whatever holds the database now (a fault switch in tests) is what answers.
  return retryOnConflict(() => database.transaction(work));
}

/** Throws VersionConflictError unless an insert `on conflict do nothing` made its row: another writer made it first. */
export function requireInserted(result: InsertResult, what: string): void {
  if (result.numInsertedOrUpdatedRows !== 1n) throw new VersionConflictError(what);
}
