import type { DialogState } from 'botbuilder-dialogs';
import type { SqlDatabase } from './open-database';

export interface PrechatStateRow {
  readonly revision: number;
  readonly dialogState?: DialogState;
}

/**
 * Customers' pre-chat surveys in progress, one row each. A save is conditional on the revision its turn read, so
 * two turns (two instances) that read the same state never both win.
 */
export class SqlPrechatStates {
  constructor(private readonly database: SqlDatabase) {}

  async load(customerId: string): Promise<PrechatStateRow | undefined> {
    const row = await this.database.db
      .selectFrom('prechat_states')
      .select(['revision', 'dialog_state'])
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      revision: row.revision,
      ...(row.dialog_state !== null ? { dialogState: JSON.parse(row.dialog_state) as DialogState } : {}),
    };
  }

  /** Revision 0 means nothing was stored: the row is created, unless another turn created it first. */
  async save(customerId: string, revision: number, dialogState: DialogState | undefined): Promise<boolean> {
    const dialog_state = dialogState ? JSON.stringify(dialogState) : null;
    return this.database.transaction(async (trx) => {
      if (revision === 0) {
        const inserted = await trx
          .insertInto('prechat_states')
          .values({ customer_id: customerId, revision: 1, dialog_state })
          .onConflict((conflict) => conflict.column('customer_id').doNothing())
          .executeTakeFirst();
        return inserted.numInsertedOrUpdatedRows === 1n;
      }
      const updated = await trx
        .updateTable('prechat_states')
        .set({ revision: revision + 1, dialog_state })
        .where('customer_id', '=', customerId)
        .where('revision', '=', revision)
        .executeTakeFirst();
      return updated.numUpdatedRows === 1n;
    });
  }
}
