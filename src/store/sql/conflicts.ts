/** A conditional write found another writer's change first (the version it expected is gone). */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';

  constructor(readonly what: string) {
    super(`${what} was changed by another writer.`);
  }
}

/** Conflicts that a fresh attempt can settle: the other writer finishes, the next attempt sees its change. */
const RETRYABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_LOCKED',
  // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
  '40001',
  '40P01',
  '55P03',
]);

/** Another writer's lock, a serialisation failure or a deadlock: the transaction wrote nothing and can run again. */
export function isLockConflict(error: unknown): boolean {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** PostgreSQL's deadlock_detected: this transaction holds a lock the other writer waits for. */
export function isDeadlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === '40P01';
}

export function isRetryableConflict(error: unknown): boolean {
  return error instanceof VersionConflictError || isLockConflict(error);
}

export interface RetryLimits {
  readonly attempts: number;
  readonly withinMs: number;
}

export const DEFAULT_RETRY_LIMITS: RetryLimits = { attempts: 200, withinMs: 10_000 };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `attempt` again while it fails with a retryable conflict, giving the other writer a turn of the event
 * loop in between; the last error is thrown once the attempts or the time run out.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T>,
  limits: RetryLimits = DEFAULT_RETRY_LIMITS,
  retryable: (error: unknown) => boolean = isRetryableConflict,
): Promise<T> {
  const deadline = performance.now() + limits.withinMs;
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error) || tried >= limits.attempts || performance.now() >= deadline) throw error;
      await nextTurn();
    }
  }
}

/** Throws VersionConflictError unless a conditional update or delete changed exactly one row. */
export function requireOneRow(
  result: { readonly numUpdatedRows: bigint } | { readonly numDeletedRows: bigint },
  what: string,
): void {
  const rows = 'numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows;
  if (rows !== 1n) throw new VersionConflictError(what);
}
