import type { CustomerRepository } from '../../app/repositories';
import { changedColumns } from './changed-columns';
import { compiledOnce } from './compiled-once';
import { customerColumns, customerOf } from './customer-rows';
import type { SqlDatabase } from './open-database';
import { versionedUpdate } from './versioned-update';
import { requireInserted, transactWithRetry } from './retrying-transaction';

const updateCustomer = versionedUpdate('customers', 'id', 'version');

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
          const write = { key: id, version: row.version, next: row.version + 1 };
          await updateCustomer(trx, changedColumns(row, columns), write, `Customer ${id}`);
        }
        return next;
      }),
  };
}
