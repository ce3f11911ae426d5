import type { Kysely } from 'kysely';
import type { AnsweredWaits } from '../../domain/queue-position';
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

/** WorkItemRepository.answeredSince: how many were taken from the queue since `since`, and their average wait. */
export async function answeredSince(
  db: Kysely<Database>,
  workstream: string,
  since: number,
): Promise<AnsweredWaits> {
  const row = await db
    .selectFrom('work_items')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('answered'),
      eb.fn.avg<number | string | null>('waited_ms').as('average'),
    ])
    .where('workstream', '=', workstream)
    .where('answered_at', '>=', since)
    .executeTakeFirstOrThrow();
  // PostgreSQL answers count and avg as text (bigint, numeric); SQLite as numbers.
  return { answered: Number(row.answered), averageWaitMs: row.average === null ? 0 : Number(row.average) };
}
