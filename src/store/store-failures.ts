/**
 * SQLite's result codes, and PostgreSQL's SQLSTATE classes that mean the database could not do it now: connection
 * (08), transaction rollback (40), insufficient resources (53), operator intervention (57), system (58), internal (XX).
 */
const DATABASE_FAILURE = /^(SQLITE_|08|40|53|57|58|XX)/;

/** Names of the repositories' own "kept losing to other writers" errors. */
const CONTENDED = new Set(['VersionConflictError', 'QueueConflictError']);

function isDatabaseFailure(error: Error): boolean {
  const code: unknown = Reflect.get(error, 'code');
  return (typeof code === 'string' && DATABASE_FAILURE.test(code)) || CONTENDED.has(error.name);
}

/** Whether an error, or one it was caused by, says the store could not take a change (failing, or contended). */
export function isStoreFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth += 1) {
    if (isDatabaseFailure(current)) return true;
    current = current.cause;
  }
  return false;
}
