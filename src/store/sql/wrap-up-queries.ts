import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** The ids of a workstream's conversations in wrap-up, oldest first: the sweeper closes those that timed out. */
export async function inWrapUp(db: Kysely<Database>, workstream: string): Promise<string[]> {
  const rows = await db
    .selectFrom('work_items')
    .select('id')
    .where('workstream', '=', workstream)
    .where('state', '=', 'wrap-up')
    .orderBy('state_changed_at')
    .execute();
  return rows.map((row) => row.id);
}
