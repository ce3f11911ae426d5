import type { CustomerRepository } from '../../app/repositories';
import { changedColumns } from './changed-columns';
import { compiledOnce } from './compiled-once';
import { requireOneRow } from './conflicts';
import { customerColumns, customerOf } from './customer-rows';
import type { SqlDatabase } from './open-database';
import { requireInserted, transactWithRetry } from './retrying-transaction';

const customerStatement = compiledOnce((db, v: { id: string }) =>
  db.selectFrom('customers').selectAll().where('id', '=', v.id),
);
const customerForUpdate = compiledOnce((db, v: { id: string }) =>
  db.selectFrom('customers').selectAll().where('id', '=', v.id).forUpdate(),
);

export function createCustomerRepository(database: SqlDatabase): CustomerRepository {
  return {
    get: async (id) => {
      const row = (await customerStatement(database.db, { id })).rows[0];
      return row && customerOf(row);
    },

    update: (id, change) =>
      transactWithRetry(database, async (trx) => {
        // PostgreSQL: the row lock makes a concurrent writer wait here instead of failing its update and retrying.
        const read = database.kind === 'postgres' ? customerForUpdate : customerStatement;
        const row = (await read(trx, { id })).rows[0];
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
