import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { rawStatement } from './compiled-once';
import { isDeadlock } from './conflicts';
import type { Database } from './schema';

/**
 * One transaction per use case: a transaction begun while another is open on the same database, in the same
 * async flow, joins it (inside a savepoint, so a nested attempt that fails is undone alone and can run again),
 * and reads through `db` use it too. Work that must wait for the data to be committed (sending what was queued,
 * telling other instances' tabs) is registered with `afterCommit`, and runs once the outermost transaction has
 * committed, outside it; a rolled-back attempt drops its hooks.
 */

/**
 * A deadlock met inside a savepoint. Rolling back to the savepoint keeps the locks the enclosing transaction took
 * before it, and a deadlock means the other writer waits for one of ours: trying the part again would meet the same
 * deadlock until time ran out (a transfer accepted while its conversation was ended did, for 10 s). So it is not
 * retried where it is thrown; the outermost transaction rolls back and rethrows the database's error, and that whole
 * transaction runs again. Other lock conflicts (another writer's lock, busy) are retried in place, as before: waiting
 * for the other writer settles them.
 */
export class RestartTransactionError extends Error {
  override readonly name = 'RestartTransactionError';

  constructor(readonly conflict: unknown) {
    super('A lock conflict inside the transaction: it runs again from the start.', { cause: conflict });
  }
}

/** What must happen once the data is committed; a returned promise is awaited before the transaction resolves. */
export type CommitHook = () => unknown;

interface Unit {
  readonly trx: Kysely<Database>;
  /** False once the outermost transaction has ended: work started inside it (a timer) must not use `trx`. */
  open: boolean;
  readonly hooks: { readonly hook: CommitHook; readonly key?: string }[];
  savepoints: number;
}

export interface UnitsOfWork {
  /** The open transaction's Kysely in this async flow, or undefined. */
  current(): Kysely<Database> | undefined;
  /**
   * Runs `work` in the open transaction (inside a savepoint) when there is one, or else through `begin`, which
   * opens a transaction, runs the callback in it, and commits or rolls back. The hooks run after the commit.
   */
  transaction<T>(
    begin: <R>(inside: (trx: Kysely<Database>) => Promise<R>) => Promise<R>,
    work: (trx: Kysely<Database>) => Promise<T>,
  ): Promise<T>;
  /**
   * Runs `hook` once the open transaction commits, or now when none is open. A hook with the `key` of one already
   * waiting in the same transaction is not added: one run after the commit does for both.
   */
  afterCommit(hook: CommitHook, key?: string): Promise<void>;
  /**
   * Stops following async flows (the database closed). An AsyncLocalStorage in use costs every promise the process
   * makes, and Node keeps it until disabled: a process that opened many databases (a test run, opening a desk per
   * test file) got slower with each one.
   */
  close(): void;
}

export function unitsOfWork(): UnitsOfWork {
  const storage = new AsyncLocalStorage<Unit>();
  /**
   * Outermost transactions running their work now. While there is none, nothing can be found in a flow (every unit
   * there is closed), so the storage is disabled: Node then drops its hook on every promise the process makes (the
   * HTTP parsing, the Bot Framework turn, the card rendering and the connector calls between two transactions), and
   * `run` enables it again for the next one. On SQLite's one connection, transactions run one at a time.
   */
  let running = 0;
  const openUnit = (): Unit | undefined => {
    const unit = storage.getStore();
    return unit?.open ? unit : undefined;
  };
  return {
    current: () => openUnit()?.trx,
    transaction(begin, work) {
      const unit = openUnit();
      return unit ? inSavepoint(unit, work) : outermost(begin, work);
    },
    async afterCommit(hook, key) {
      const unit = openUnit();
      if (!unit) await hook();
      else if (key === undefined || !unit.hooks.some((waiting) => waiting.key === key))
        unit.hooks.push(key === undefined ? { hook } : { hook, key });
    },
    close: () => storage.disable(),
  };

  async function outermost<T>(
    begin: <R>(inside: (trx: Kysely<Database>) => Promise<R>) => Promise<R>,
    work: (trx: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    let hooks: Unit['hooks'] = [];
    const result = await begin(async (trx) => {
      const fresh: Unit = { trx, open: true, hooks: [], savepoints: 0 };
      hooks = fresh.hooks;
      running += 1;
      try {
        return await storage.run(fresh, () => work(trx));
      } finally {
        fresh.open = false;
        running -= 1;
        if (running === 0) storage.disable();
      }
    }).catch((error: unknown) => {
      throw error instanceof RestartTransactionError ? error.conflict : error;
    });
    // In order, outside the finished transaction's async context: what they start begins transactions of its own.
    // (With the storage disabled, exit runs them as they are.)
    await storage.exit(async () => {
      for (const { hook } of hooks) await hook();
    });
    return result;
  }
}

/** The statements of the n-th savepoint of a transaction, made once (a use case nests a handful). */
interface SavepointStatements {
  readonly take: (db: Kysely<Database>) => Promise<unknown> | undefined;
  readonly release: (db: Kysely<Database>) => Promise<unknown> | undefined;
  readonly rollback: (db: Kysely<Database>) => Promise<unknown> | undefined;
}

const savepointStatements: SavepointStatements[] = [];

function savepoint(n: number): SavepointStatements {
  const known = savepointStatements[n];
  if (known) return known;
  const name = `"relaydesk_${n}"`;
  const made = {
    take: rawStatement(`savepoint ${name}`),
    release: rawStatement(`release savepoint ${name}`),
    rollback: rawStatement(`rollback to savepoint ${name}`),
  };
  if (n < 1000) savepointStatements[n] = made;
  return made;
}

async function inSavepoint<T>(unit: Unit, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  unit.savepoints += 1;
  const statements = savepoint(unit.savepoints);
  const hooksBefore = unit.hooks.length;
  // Each statement is awaited only when it went through Kysely (it ran at once otherwise).
  const taking = statements.take(unit.trx);
  if (taking) await taking;
  try {
    const result = await work(unit.trx);
    const releasing = statements.release(unit.trx);
    if (releasing) await releasing;
    return result;
  } catch (error) {
    // Undone alone: the enclosing work goes on (or retries this part) from where the savepoint was taken.
    unit.hooks.length = hooksBefore;
    const rolling = statements.rollback(unit.trx);
    if (rolling) await rolling;
    const releasing = statements.release(unit.trx);
    if (releasing) await releasing;
    throw isDeadlock(error) ? new RestartTransactionError(error) : error;
  }
}
