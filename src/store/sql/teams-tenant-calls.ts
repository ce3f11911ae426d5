import type { Kysely } from 'kysely';
import type { CallLog } from '../../domain/call-budget';
import { compiledOnce } from './compiled-once';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';

/** How long reserved slots are kept: far past any tenant window, so a slot is never reused while it counts. */
const KEEP_SLOTS_MS = 60_000;

const reserveStatement = compiledOnce((db, v: { tenant: string; slot: number; max: number }) =>
  db
    .insertInto('teams_tenant_calls')
    .values({ tenant: v.tenant, slot: v.slot, calls: 1 })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant', 'slot'])
        .doUpdateSet((eb) => ({ calls: eb('teams_tenant_calls.calls', '+', 1) }))
        .where('teams_tenant_calls.calls', '<', v.max),
    )
    .returning('calls'),
);

const forgetStatement = compiledOnce((db, v: { tenant: string; before: number }) =>
  db.deleteFrom('teams_tenant_calls').where('tenant', '=', v.tenant).where('slot', '<', v.before),
);

/**
 * Reserves one call in the tenant's slot when it has fewer than `max` calls: one upsert that only increments below
 * the limit, so instances racing for the last call of a slot cannot both get it (on PostgreSQL the upsert takes
 * the row's lock; SQLite runs one writer at a time). Old slots are deleted as they go.
 */
export async function reserveTenantCall(
  db: Kysely<Database>,
  tenant: string,
  slot: number,
  max: number,
): Promise<boolean> {
  // One statement, atomic by itself on both backends: autocommitted as a send starts, or in the transaction of the
  // append that started the run (SQLite).
  const reserved = (await reserveStatement(db, { tenant, slot, max })).rows[0];
  if (reserved?.calls === 1) {
    // The slot's first call: a good moment to forget the tenant's slots no window can see any more.
    await forgetStatement(db, { tenant, before: slot - KEEP_SLOTS_MS });
  }
  return reserved !== undefined;
}

/**
 * Counts calls already made in the tenant's slot, whatever it holds: a second call within one send (the post that
 * replaces a card gone from Teams) was not reserved beforehand, and later sends must see it.
 */
export async function chargeTenantCalls(
  database: SqlDatabase,
  tenant: string,
  slot: number,
  calls: number,
): Promise<void> {
  await database.db
    .insertInto('teams_tenant_calls')
    .values({ tenant, slot, calls })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant', 'slot'])
        .doUpdateSet((eb) => ({ calls: eb('teams_tenant_calls.calls', '+', calls) })),
    )
    .execute();
}

export function callLogOf(json: string | null): CallLog | undefined {
  if (json === null) return undefined;
  // Written by this module's callers from the same type.
  return JSON.parse(json) as CallLog;
}

/** The call log as the column holds it; null for none. */
export function callLogJson(callLog: CallLog | undefined): string | null {
  return callLog ? JSON.stringify(callLog) : null;
}

export function callLogColumn(callLog: CallLog | undefined): { call_log?: string } {
  const json = callLogJson(callLog);
  return json === null ? {} : { call_log: json };
}
