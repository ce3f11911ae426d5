import { AsyncLocalStorage } from 'node:async_hooks';
import { retryOnConflict } from '../../src/store/sql/conflicts';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

/** A row in a table every backend has, told apart by its recipient key. */
async function addRecipient(database: SqlDatabase, recipient: string): Promise<void> {
  await database.db
    .insertInto('outbox_recipients')
    .values({ recipient, owner_kind: 'agent', owner_id: recipient, next_seq: 0 })
    .execute();
}

async function recipients(database: SqlDatabase): Promise<string[]> {
  const rows = await database.db
    .selectFrom('outbox_recipients')
    .select('recipient')
    .orderBy('recipient')
    .execute();
  return rows.map((row) => row.recipient);
}

describe.each(EDGE_BACKENDS)('one use case, one transaction ($name)', (backend) => {
  let edge: EdgeDatabase;
  let database: SqlDatabase;
  let other: SqlDatabase;

  beforeAll(async () => {
    edge = await backend.create();
    database = edge.connect();
    other = edge.connect();
  });
  afterAll(() => edge.dispose());
  beforeEach(() => edge.reset());

  it('a transaction begun inside another joins it: both commit together', async () => {
    await database.transaction(async () => {
      await database.transaction(async (trx) => {
        await trx
          .insertInto('outbox_recipients')
          .values({ recipient: 'inner', owner_kind: 'agent', owner_id: 'x', next_seq: 0 })
          .execute();
      });
      await addRecipient(database, 'outer');
      // Another connection (another instance) sees nothing before the outer transaction commits.
      if (backend.name === 'PostgreSQL') expect(await recipients(other)).toEqual([]);
    });
    expect(await recipients(other)).toEqual(['inner', 'outer']);
  });

  it('the outer transaction failing undoes what the joined ones wrote', async () => {
    const failure = new Error('the use case failed after its first write');
    await expect(
      database.transaction(async () => {
        await database.transaction(() => addRecipient(database, 'inner'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await recipients(database)).toEqual([]);
  });

  it('a deadlock inside a joined transaction runs the whole transaction again, not the joined part alone', async () => {
    // A deadlock met in a savepoint: the outer transaction's earlier locks are still held, so only a new start helps.
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let outerRuns = 0;
    let innerRuns = 0;
    await database.transaction(async () => {
      outerRuns += 1;
      await addRecipient(database, `outer-${outerRuns}`);
      // As a repository does: its own retry takes version conflicts and lock conflicts.
      await retryOnConflict(() =>
        database.transaction(async () => {
          innerRuns += 1;
          if (outerRuns === 1) throw deadlock;
          await addRecipient(database, `inner-${outerRuns}`);
        }),
      );
    });
    expect({ outerRuns, innerRuns }).toEqual({ outerRuns: 2, innerRuns: 2 });
    expect(await recipients(other)).toEqual(['inner-2', 'outer-2']);
  });

  it('a joined transaction that fails is undone alone, and the outer one goes on', async () => {
    await database.transaction(async () => {
      await addRecipient(database, 'before');
      await expect(
        database.transaction(async () => {
          await addRecipient(database, 'undone');
          throw new Error('this part failed');
        }),
      ).rejects.toThrow('this part failed');
      await addRecipient(database, 'after');
    });
    expect(await recipients(database)).toEqual(['after', 'before']);
  });

  it('reads inside a transaction see its own writes (and do not wait for it)', async () => {
    const seen = await database.transaction(async () => {
      await addRecipient(database, 'mine');
      return recipients(database);
    });
    expect(seen).toEqual(['mine']);
  });

  it('commit hooks run once the data is committed, in order, and the transaction resolves after them', async () => {
    const log: string[] = [];
    const result = await database.transaction(async () => {
      await addRecipient(database, 'queued');
      await database.afterCommit(async () => {
        // Another connection sees the row: the hook runs after the commit, in a flow of its own.
        log.push(`first sees ${(await recipients(other)).join(',')}`);
        await database.transaction(() => addRecipient(database, 'from-hook'));
      });
      await database.afterCommit(() => log.push('second'));
      log.push('work done');
      return 'result';
    });
    expect(result).toBe('result');
    expect(log).toEqual(['work done', 'first sees queued', 'second']);
    expect(await recipients(other)).toEqual(['from-hook', 'queued']);
  });

  it('a rolled-back transaction drops its hooks, and so does a joined part that failed', async () => {
    const ran: string[] = [];
    await expect(
      database.transaction(async () => {
        await database.afterCommit(() => ran.push('outer'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await database.transaction(async () => {
      await database
        .transaction(async () => {
          await database.afterCommit(() => ran.push('failed part'));
          throw new Error('part failed');
        })
        .catch(() => undefined);
      await database.afterCommit(() => ran.push('kept'));
    });
    expect(ran).toEqual(['kept']);
  });

  it('hooks with the same key in one transaction run once; without a key each runs', async () => {
    const ran: string[] = [];
    await database.transaction(async () => {
      await database.afterCommit(() => ran.push('send to ada'), 'ada');
      await database.transaction(() => database.afterCommit(() => ran.push('send to ada again'), 'ada'));
      await database.afterCommit(() => ran.push('send to bo'), 'bo');
      await database.afterCommit(() => ran.push('tell tabs'));
      await database.afterCommit(() => ran.push('tell tabs'));
    });
    expect(ran).toEqual(['send to ada', 'send to bo', 'tell tabs', 'tell tabs']);
  });

  it('outside a transaction a hook runs at once', async () => {
    const ran: string[] = [];
    await database.afterCommit(() => ran.push('now'));
    expect(ran).toEqual(['now']);
  });

  it('work a transaction started but that runs after it ended uses a transaction of its own', async () => {
    let later: Promise<void> = Promise.resolve();
    await database.transaction(async () => {
      later = new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          database.transaction(() => addRecipient(database, 'later')).then(resolve, reject);
        }, 20),
      );
      await addRecipient(database, 'now');
    });
    await later;
    expect(await recipients(other)).toEqual(['later', 'now']);
  });

  it('two use cases at once: the one ending first leaves the other in its own transaction', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const undone = new Error('the second use case failed at its end');
    const second = database.transaction(async () => {
      await addRecipient(database, 'second-before');
      await gate;
      // Joins the second use case's transaction: undone with it below, though the first one ended meanwhile.
      await database.transaction(() => addRecipient(database, 'second-after'));
      throw undone;
    });
    // Begun outside the second one's flow. PostgreSQL runs both at once and the first ends while the second waits;
    // SQLite's one connection runs it after the second.
    const first = database.transaction(() => addRecipient(database, 'first'));
    if (backend.name === 'PostgreSQL') await first;
    open();
    await expect(second).rejects.toBe(undone);
    await first;
    expect(await recipients(other)).toEqual(['first']);
  });
});

describe('a database follows async flows only while a transaction is open', () => {
  it('stops following them when its last transaction ends, and follows the next one from its start', async () => {
    // Node runs an enabled AsyncLocalStorage's hook for every promise the process makes, whatever made it.
    const database = openDatabase({ kind: 'sqlite', path: ':memory:' });
    const disable = jest.spyOn(AsyncLocalStorage.prototype, 'disable');
    // `exit` (the commit hooks run outside the transaction) disables and enables by itself: not counted here.
    const exit = jest
      .spyOn(AsyncLocalStorage.prototype, 'exit')
      .mockImplementation((callback: (...args: unknown[]) => unknown, ...args: unknown[]) =>
        callback(...args),
      );
    try {
      await migrateToLatest(database);
      disable.mockClear();
      await database.transaction(async () => {
        await addRecipient(database, 'one');
        expect(disable).not.toHaveBeenCalled();
      });
      expect(disable).toHaveBeenCalledTimes(1);
      await database
        .transaction(async () => {
          // Found again in the flow: the nested transaction joins, and both are undone together.
          await database.transaction(() => addRecipient(database, 'two'));
          throw new Error('undo');
        })
        .catch(() => undefined);
      expect(await recipients(database)).toEqual(['one']);
    } finally {
      disable.mockRestore();
      exit.mockRestore();
      await database.close();
    }
  });
});

describe('a closed database stops following async flows', () => {
  it('disables its AsyncLocalStorage on close, once per database, so opening many does not slow every promise', async () => {
    // Node keeps an AsyncLocalStorage that ran until it is disabled, and each one costs every promise the process
    // makes: a test run that opened a desk per file got slower file by file.
    const disable = jest.spyOn(AsyncLocalStorage.prototype, 'disable');
    try {
      const databases = Array.from({ length: 3 }, () => openDatabase({ kind: 'sqlite', path: ':memory:' }));
      for (const database of databases) await database.transaction(() => Promise.resolve());
      // A transaction's hooks run outside it (`exit`, which disables for a moment and enables again): counted apart.
      disable.mockClear();
      for (const database of databases) await database.close();
      expect(disable).toHaveBeenCalledTimes(3);
    } finally {
      disable.mockRestore();
    }
  });
});
