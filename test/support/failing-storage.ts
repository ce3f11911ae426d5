import type { KyselyPlugin } from 'kysely';
import type { SqlDatabase } from '../../src/store/sql/open-database';

export type StorageFault = 'none' | 'writes' | 'reads-and-writes' | 'hang';

/**
 * Puts a switch on the live database RunningRelaydesk hands out: 'writes' makes every write statement throw as SQLite
 * does on a full disk, 'reads-and-writes' makes reads throw too (a corrupted or vanished file), and 'hang' holds every
 * transaction until the fault is switched off. Calls made before a switch are not affected; `restore()` puts the
 * original methods back.
 */
export function faultSwitch(database: SqlDatabase): {
  set(fault: StorageFault): void;
  /** Calls refused or held so far. */
  readonly refused: number;
  restore(): void;
} {
  let fault: StorageFault = 'none';
  let refused = 0;
  let release: (() => void) | undefined;
  let held = Promise.resolve();

  const restoreDatabase = switchDatabase(database, {
    fault: () => fault,
    refuse: (error) => {
      refused += 1;
      return error;
    },
    held: () => held,
    diskFull: () =>
      Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' }),
    unreadable: () =>
      Object.assign(new Error('SQLITE_CORRUPT: database disk image is malformed'), {
        code: 'SQLITE_CORRUPT',
      }),
  });

  return {
    set(next) {
      if (fault === 'hang' && next !== 'hang') release?.();
      if (next === 'hang' && fault !== 'hang') {
        held = new Promise<void>((resolve) => (release = resolve));
      }
      fault = next;
    },
    get refused() {
      return refused;
    },
    restore() {
      release?.();
      restoreDatabase();
    },
  };
}

interface DatabaseFaults {
  fault(): StorageFault;
  refuse(error: Error): Error;
  held(): Promise<void>;
  diskFull(): Error;
  unreadable(): Error;
}

/** The same switch on the database: statements fail as the fault says, transactions wait while it hangs. */
function switchDatabase(database: SqlDatabase, faults: DatabaseFaults): () => void {
  const patched = database as { db: SqlDatabase['db']; transaction: SqlDatabase['transaction'] };
  const original = { db: database.db, transaction: database.transaction.bind(database) };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      const fault = faults.fault();
      const isRead = args.node.kind === 'SelectQueryNode';
      if (fault === 'reads-and-writes') throw faults.refuse(isRead ? faults.unreadable() : faults.diskFull());
      if (fault === 'writes' && !isRead) throw faults.refuse(faults.diskFull());
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  patched.db = original.db.withPlugin(plugin);
  patched.transaction = async (work) => {
    if (faults.fault() === 'hang') {
      faults.refuse(new Error('held'));
      await faults.held();
    }
    return original.transaction((trx) => work(trx.withPlugin(plugin)));
  };
  return () => {
    patched.db = original.db;
    patched.transaction = original.transaction;
  };
}
