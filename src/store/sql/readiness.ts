import { Migrator, sql, type Migration } from 'kysely';
import { MIGRATIONS } from './migrate';
import type { SqlDatabase } from './open-database';

/** One check of GET /readyz: whether it passed, and in a few words why not. */
export interface ReadinessCheck {
  readonly name: 'database' | 'migrations' | 'outbox';
  readonly ok: boolean;
  readonly detail: string;
}

export interface ReadinessOptions {
  /** Now, from the desk's clock. */
  readonly now: number;
  /** A send due this long and still waiting means the outbox is stuck; 0 turns the check off. */
  readonly outboxMaxAgeMs: number;
  /** How long the database may take to answer before it counts as unreachable. */
  readonly timeoutMs: number;
  /** The migrations this build knows (default: all of them). */
  readonly migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Whether this instance can do its work: the database answers, every migration this build knows was applied,
 * and no send is left waiting past the bound while it is due (not backing off or paced). Never throws: a
 * failure is a check that did not pass, named, with its reason; the later checks are skipped once the database
 * does not answer.
 */
export async function checkReadiness(
  database: SqlDatabase,
  options: ReadinessOptions,
): Promise<readonly ReadinessCheck[]> {
  const reachable = await attempt('database', options.timeoutMs, async () => {
    await sql`select 1`.execute(database.db);
    return 'answers';
  });
  if (!reachable.ok) return [reachable];
  return [
    reachable,
    await attempt('migrations', options.timeoutMs, () => pendingMigrations(database, options)),
    await attempt('outbox', options.timeoutMs, () => outboxAge(database, options)),
  ];
}

class NotReady extends Error {}

async function attempt(
  name: ReadinessCheck['name'],
  timeoutMs: number,
  check: () => Promise<string>,
): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new NotReady(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { name, ok: true, detail: await Promise.race([check(), timeout]) };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function pendingMigrations(database: SqlDatabase, options: ReadinessOptions): Promise<string> {
  const migrations = options.migrations ?? MIGRATIONS;
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
  });
  const pending = (await migrator.getMigrations())
    .filter((migration) => migration.executedAt === undefined)
    .map((migration) => migration.name);
  if (pending.length > 0) throw new NotReady(`not applied: ${pending.join(', ')}`);
  return `${Object.keys(migrations).length} applied`;
}

async function outboxAge(database: SqlDatabase, options: ReadinessOptions): Promise<string> {
  const { now, outboxMaxAgeMs } = options;
  // The oldest entry of a recipient that may be sent to now; one backing off (Teams failing) or paced waits by design.
  const row = await database.db
    .selectFrom('outbox_entries as e')
    .innerJoin('outbox_recipients as r', 'r.recipient', 'e.recipient')
    .where((eb) => eb.or([eb('r.backoff_not_before', 'is', null), eb('r.backoff_not_before', '<=', now)]))
    .select((eb) => eb.fn.min('e.enqueued_at').as('oldest'))
    .executeTakeFirst();
  const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
  if (oldest === undefined) return 'nothing due';
  const waitedS = Math.max(0, Math.round((now - oldest) / 1000));
  if (outboxMaxAgeMs > 0 && now - oldest > outboxMaxAgeMs) {
    throw new NotReady(
      `the oldest due send has waited ${waitedS} s (more than ${Math.round(outboxMaxAgeMs / 1000)} s)`,
    );
  }
  return `the oldest due send has waited ${waitedS} s`;
}
