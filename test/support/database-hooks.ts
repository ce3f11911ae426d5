import type { SqlDatabase } from '../../src/store/sql/open-database';

/**
 * Runs `after` each time a transaction has committed, before the write that ran it resolves, on a live database
 * (the one RunningRelaydesk hands out), so a test can put another operation exactly inside a use case's window
 * between two writes. `restore()` removes the hook.
 */
export function afterEachTransaction(database: SqlDatabase, after: () => Promise<void>): { restore(): void } {
  const patched = database as { transaction: SqlDatabase['transaction'] };
  const transaction = database.transaction.bind(database);
  patched.transaction = async (work) => {
    const result = await transaction(work);
    await after();
    return result;
  };
  return {
    restore: () => {
      patched.transaction = transaction;
    },
  };
}
