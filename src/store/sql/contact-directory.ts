import type { ContactDirectory } from '../../app/repositories';
import type { CustomerIdentity } from '../../domain/session-title';
import type { SqlDatabase } from './open-database';

/** Rows per insert: well under SQLite's limit of bound parameters. */
const BATCH = 100;

/** The contacts directory on the `contacts` table; seeding is an upsert, so a start after an edit of the file wins. */
export function createContactDirectory(database: SqlDatabase): ContactDirectory {
  return {
    find: async (customerId) => {
      const row = await database.db
        .selectFrom('contacts')
        .select(['contact_name', 'account_name', 'case_title'])
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
      if (!row) return undefined;
      const identity: CustomerIdentity = {
        ...(row.contact_name !== null ? { contactName: row.contact_name } : {}),
        ...(row.account_name !== null ? { accountName: row.account_name } : {}),
        ...(row.case_title !== null ? { caseTitle: row.case_title } : {}),
      };
      return identity;
    },

    seed: async (entries) => {
      for (let start = 0; start < entries.length; start += BATCH) {
        const rows = entries.slice(start, start + BATCH).map((entry) => ({
          customer_id: entry.customerId,
          channel_id: entry.channelId,
          user_id: entry.userId,
          contact_name: entry.identity.contactName ?? null,
          account_name: entry.identity.accountName ?? null,
          case_title: entry.identity.caseTitle ?? null,
        }));
        await database.transaction((trx) =>
          trx
            .insertInto('contacts')
            .values(rows)
            .onConflict((conflict) =>
              conflict.column('customer_id').doUpdateSet((eb) => ({
                contact_name: eb.ref('excluded.contact_name'),
                account_name: eb.ref('excluded.account_name'),
                case_title: eb.ref('excluded.case_title'),
              })),
            )
            .execute(),
        );
      }
      return entries.length;
    },
  };
}
