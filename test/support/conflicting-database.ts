import type { SqlDatabase } from '../../src/store/sql/open-database';
import { seededRandom } from './seeded-random';

export interface TransactionConflicts {
  /** Transactions begun since the injection started. */
  readonly transactions: number;
  /** Of those, how many were refused before they ran, as if another instance held the lock. */
  readonly injected: number;
  restore(): void;
}

/**
 * Refuses a seeded share of the database's transaction attempts with the error SQLite gives when another connection
 * holds the write lock (SQLITE_BUSY), after BEGIN: each must be rolled back and run again, and nothing lost.
 */
export function injectTransactionConflicts(
  database: SqlDatabase,
  options: { readonly rate: number; readonly seed: number },
): TransactionConflicts {
  const patched = database as { transaction: SqlDatabase['transaction'] };
  const original = database.transaction.bind(database);
  const random = seededRandom(options.seed);
  const counts = { transactions: 0, injected: 0 };
  // Inside the transaction, as a lock met half-way or a PostgreSQL serialisation failure would surface.
  patched.transaction = (work) =>
    original(async (trx) => {
      counts.transactions += 1;
      if (random() < options.rate) {
        counts.injected += 1;
        throw Object.assign(new Error('SQLITE_BUSY: database is locked (injected)'), { code: 'SQLITE_BUSY' });
      }
      return work(trx);
    });
  return {
    get transactions() {
      return counts.transactions;
    },
    get injected() {
      return counts.injected;
    },
    restore: () => {
      patched.transaction = original;
    },
  };
}
