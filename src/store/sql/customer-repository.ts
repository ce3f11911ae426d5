import type { CustomerRepository } from '../../app/repositories';
import { changedColumns } from './changed-columns';
import { requireOneRow } from './conflicts';
import { customerColumns, customerOf } from './customer-rows';
import type { SqlDatabase } from './open-database';
import { requireInserted, transactWithRetry } from './retrying-transaction';

export function createCustomerRepository(database: SqlDatabase): CustomerRepository {
  return {
    get: async (id) => {
      const row = await database.db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && customerOf(row);
    },

    update: (id, change) =>
      transactWithRetry(database, async (trx) => {
        const read = trx.selectFrom('customers').selectAll().where('id', '=', id);
        // PostgreSQL: the row lock makes a concurrent writer wait here instead of failing its update and retrying.
        const row = await (database.kind === 'postgres' ? read.forUpdate() : read).executeTakeFirst();
        const current = row && customerOf(row);
        const next = change(current);
        if (next === undefined || next === current) return current;
        if (next.id !== id) throw new Error(`A change of customer ${id} returned customer ${next.id}.`);
        const columns = customerColumns(next);
        if (row === undefined) {
          const result = await trx
            .insertInto('customers')
            .values({ id, ...columns })
            .onConflict((conflict) => conflict.column('id').doNothing())
            .executeTakeFirst();
          requireInserted(result, `Customer ${id}`);
        } else {
          const result = await trx
            .updateTable('customers')
            .set({ ...changedColumns(row, columns), version: row.version + 1 })
            .where('id', '=', id)
            .where('version', '=', row.version)
            .executeTakeFirst();
          requireOneRow(result, `Customer ${id}`);
        }
        return next;
      }),
  };
}
