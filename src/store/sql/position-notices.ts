import type { PositionNotices } from '../../app/repositories';
import type { SqlDatabase } from './open-database';

/** What a queued customer was last told of their place in the queue (src/domain/queue-position.ts). */
export interface PositionNoticesTable {
  work_item_id: string;
  position: number;
  told_at: number;
  long_wait_told_at: number | null;
}

/** The position_notices rows: one per queued customer who was told their place. */
export function createPositionNotices(database: SqlDatabase): PositionNotices {
  return {
    all: async () => {
      const rows = await database.db.selectFrom('position_notices').selectAll().execute();
      return new Map(
        rows.map((row) => [
          row.work_item_id,
          {
            position: row.position,
            at: row.told_at,
            ...(row.long_wait_told_at !== null ? { longWaitToldAt: row.long_wait_told_at } : {}),
          },
        ]),
      );
    },
    record: async (workItemId, told) => {
      await database.db
        .insertInto('position_notices')
        .values({ work_item_id: workItemId, position: told.position, told_at: told.at })
        .onConflict((conflict) =>
          conflict.column('work_item_id').doUpdateSet({ position: told.position, told_at: told.at }),
        )
        .execute();
    },
    markLongWait: async (workItemId, at) => {
      // A customer not told a place yet gets position 0: their place is told on the next sweep, as it would be.
      await database.db
        .insertInto('position_notices')
        .values({ work_item_id: workItemId, position: 0, told_at: 0, long_wait_told_at: at })
        .onConflict((conflict) => conflict.column('work_item_id').doUpdateSet({ long_wait_told_at: at }))
        .execute();
    },
    forget: async (workItemIds) => {
      if (workItemIds.length === 0) return;
      await database.db.deleteFrom('position_notices').where('work_item_id', 'in', workItemIds).execute();
    },
  };
}
