import type { VisitorNumbers } from '../../app/repositories';
import type { SqlDatabase } from './open-database';
import { VISITOR_COUNTER } from './schema';

/** One statement takes the next number: the database settles two instances asking at once. */
export function createVisitorNumbers(database: SqlDatabase): VisitorNumbers {
  return {
    next: async () => {
      const row = await database.db
        .insertInto('counters')
        .values({ name: VISITOR_COUNTER, value: 1 })
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })),
        )
        .returning('value')
        .executeTakeFirstOrThrow();
      return row.value;
    },
  };
}
