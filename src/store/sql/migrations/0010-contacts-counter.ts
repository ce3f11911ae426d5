import type { Kysely, Migration } from 'kysely';
import type { CustomerIdentity } from '../../../domain/session-title';
import type { Database } from '../schema';
import { VISITOR_COUNTER } from '../schema';

/**
 * The last documents of 0.1 and of the first row releases: the contacts directory (`contact/<channel:user>`) and
 * the visitor counter (`counter/visitor`) move to their tables. The counter keeps its value, so no number comes
 * round again.
 */
export const contactsAndCounter: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as Kysely<Database>;
    const contacts = await db
      .selectFrom('documents')
      .select(['key', 'body'])
      .where('key', 'like', 'contact/%')
      .execute();
    for (const { key, body } of contacts) {
      const customerId = key.slice('contact/'.length);
      const separator = customerId.indexOf(':');
      const { identity } = JSON.parse(body) as { identity?: CustomerIdentity };
      await db
        .insertInto('contacts')
        .values({
          customer_id: customerId,
          channel_id: separator > 0 ? customerId.slice(0, separator) : '',
          user_id: separator > 0 ? customerId.slice(separator + 1) : customerId,
          contact_name: identity?.contactName ?? null,
          account_name: identity?.accountName ?? null,
          case_title: identity?.caseTitle ?? null,
        })
        .onConflict((conflict) => conflict.column('customer_id').doNothing())
        .execute();
    }
    const counter = await db
      .selectFrom('documents')
      .select('body')
      .where('key', '=', 'counter/visitor')
      .executeTakeFirst();
    const value = counter ? Number((JSON.parse(counter.body) as { value?: unknown }).value) : 0;
    if (Number.isSafeInteger(value) && value > 0) {
      await db
        .insertInto('counters')
        .values({ name: VISITOR_COUNTER, value })
        .onConflict((conflict) => conflict.column('name').doUpdateSet({ value }))
        .execute();
    }
    await db
      .deleteFrom('documents')
      .where((eb) => eb.or([eb('key', 'like', 'contact/%'), eb('key', '=', 'counter/visitor')]))
      .execute();
  },
};
