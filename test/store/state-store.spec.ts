import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import type { LogFields, Logger } from '../../src/app/ports';
import {
  ABSENT_ETAG,
  ConflictError,
  isConflictError,
  StateStore,
  type StateStoreOptions,
} from '../../src/store';

interface Counter {
  count: number;
}

interface Log {
  entries: string[];
}

const increment = (current: Readonly<Counter> | undefined): Counter => ({ count: (current?.count ?? 0) + 1 });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** MemoryStorage with hooks: it records every call and lets a test interfere before reads and writes. */
class ScriptedStorage implements Storage {
  readonly inner = new MemoryStorage();
  readonly reads: string[][] = [];
  readonly writes: StoreItems[] = [];
  beforeRead: (keys: string[]) => Promise<void> | void = () => undefined;
  beforeWrite: (changes: StoreItems) => Promise<void> | void = () => undefined;

  async read(keys: string[]): Promise<StoreItems> {
    this.reads.push(keys);
    await this.beforeRead(keys);
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.writes.push(changes);
    await this.beforeWrite(changes);
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  readsOf(key: string): number {
    return this.reads.filter((keys) => keys.includes(key)).length;
  }
}

function recordingLogger(log: Log): Logger {
  const record =
    (level: string) =>
    (fields: LogFields, message: string): void => {
      log.entries.push(`${level} ${message} ${JSON.stringify(fields)}`);
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: () => logger,
  };
  return logger;
}

describe('StateStore', () => {
  let storage: ScriptedStorage;
  let delays: number[];

  const makeStore = (options: Partial<StateStoreOptions> = {}): StateStore =>
    new StateStore({
      storage,
      delay: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
      ...options,
    });

  const conflict = (): Error => Object.assign(new Error('Precondition Failed'), { statusCode: 412 });

  beforeEach(() => {
    storage = new ScriptedStorage();
    delays = [];
  });

  describe('reading', () => {
    it('returns the value without its eTag, and the eTag beside it', async () => {
      await storage.inner.write({ 'agent/1': { name: 'Ada' } });
      const stored = await makeStore().get<{ name: string }>('agent/1');
      expect(stored).toEqual({ value: { name: 'Ada' }, eTag: expect.any(String) });
      expect(stored?.value).not.toHaveProperty('eTag');
    });

    it('returns undefined for a missing document', async () => {
      await expect(makeStore().get('agent/none')).resolves.toBeUndefined();
    });

    it('returns the existing documents of a batch in the order asked for', async () => {
      await storage.inner.write({ 'agent/1': { n: 1 }, 'agent/2': { n: 2 } });
      const found = await makeStore().getMany<{ n: number }>(['agent/2', 'agent/missing', 'agent/1']);
      expect([...found.keys()]).toEqual(['agent/2', 'agent/1']);
      expect(found.get('agent/1')?.value).toEqual({ n: 1 });
    });

    it('answers an empty batch without touching storage', async () => {
      await expect(makeStore().getMany([])).resolves.toEqual(new Map());
      expect(storage.reads).toEqual([]);
    });

    it('refuses a backend that returns documents without an eTag', async () => {
      const noETags: Storage = {
        read: async (keys) => Object.fromEntries(keys.map((key) => [key, { v: 1 }])),
        write: async () => undefined,
        delete: async () => undefined,
      };
      await expect(new StateStore({ storage: noETags }).get('agent/1')).rejects.toThrow(/without an eTag/);
    });
  });

  describe('updating', () => {
    it('creates a missing document with the ABSENT_ETAG sentinel so a concurrent create conflicts', async () => {
      const written = await makeStore().update<Counter>('counter/a', increment);
      expect(written).toEqual({ count: 1 });
      expect(storage.writes).toEqual([{ 'counter/a': { count: 1, eTag: ABSENT_ETAG } }]);
    });

    it('writes an existing document with the eTag it was read at', async () => {
      await storage.inner.write({ 'counter/a': { count: 1 } });
      const { eTag } = (await storage.inner.read(['counter/a']))['counter/a'];
      await makeStore().update<Counter>('counter/a', increment);
      expect(storage.writes).toEqual([{ 'counter/a': { count: 2, eTag } }]);
    });

    it('retries on conflict with a fresh read and re-runs the change until it wins', async () => {
      await storage.inner.write({ 'counter/a': { count: 0 } });
      let interferences = 0;
      storage.beforeWrite = async () => {
        if (interferences < 3) {
          interferences += 1;
          const current = (await storage.inner.read(['counter/a']))['counter/a'];
          await storage.inner.write({ 'counter/a': { count: current.count + 100, eTag: '*' } });
        }
      };
      const seen: (number | undefined)[] = [];
      const result = await makeStore().update<Counter>('counter/a', (current) => {
        seen.push(current?.count);
        return increment(current);
      });
      expect(seen).toEqual([0, 100, 200, 300]);
      expect(result).toEqual({ count: 301 });
      expect((await storage.inner.read(['counter/a']))['counter/a'].count).toBe(301);
      expect(delays).toHaveLength(3);
    });

    it('gives up after maxRetries with a ConflictError naming the key, leaving the stored value unchanged', async () => {
      await storage.inner.write({ 'counter/a': { count: 7 } });
      storage.beforeWrite = () => {
        throw conflict();
      };
      const error: unknown = await makeStore({ maxRetries: 4 })
        .update<Counter>('counter/a', increment)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ key: 'counter/a', attempts: 5, cause: expect.any(Error) });
      expect((error as Error).message).toContain('counter/a');
      expect(storage.writes).toHaveLength(5);
      expect((await storage.inner.read(['counter/a']))['counter/a'].count).toBe(7);
    });

    it('makes a single attempt when maxRetries is 0', async () => {
      storage.beforeWrite = () => {
        throw conflict();
      };
      await expect(makeStore({ maxRetries: 0 }).update('counter/a', increment)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(storage.writes).toHaveLength(1);
    });

    it('refuses a negative or fractional maxRetries', () => {
      expect(() => makeStore({ maxRetries: -1 })).toThrow(RangeError);
      expect(() => makeStore({ maxRetries: 1.5 })).toThrow(RangeError);
    });

    it('retries 20 times by default', async () => {
      storage.beforeWrite = () => {
        throw conflict();
      };
      await expect(makeStore().update('counter/a', increment)).rejects.toMatchObject({ attempts: 21 });
    });

    it('backs off exponentially from 2 ms, capped at 50 ms, scaled by the injected random', async () => {
      storage.beforeWrite = () => {
        throw conflict();
      };
      await makeStore({ maxRetries: 8 })
        .update('counter/a', increment)
        .catch(() => undefined);
      expect(delays).toEqual([2, 4, 8, 16, 32, 50, 50, 50]);

      delays = [];
      await makeStore({ maxRetries: 8, random: () => 0.5 })
        .update('counter/a', increment)
        .catch(() => undefined);
      expect(delays).toEqual([1, 2, 4, 8, 16, 25, 25, 25]);
    });

    it('waits with a real timer when no delay is injected', async () => {
      let failures = 1;
      storage.beforeWrite = () => {
        if (failures > 0) {
          failures -= 1;
          throw conflict();
        }
      };
      const store = new StateStore({ storage, random: () => 0 });
      await expect(store.update<Counter>('counter/a', increment)).resolves.toEqual({ count: 1 });
    });

    it('does not retry an error that is not a conflict', async () => {
      const diskFull = new Error('SQLITE_FULL: database or disk is full');
      storage.beforeWrite = () => {
        throw diskFull;
      };
      await expect(makeStore().update('counter/a', increment)).rejects.toMatchObject({
        name: 'StoreUnavailableError',
        operation: 'write',
        key: 'counter/a',
        cause: diskFull,
      });
      expect(storage.writes).toHaveLength(1);
      expect(delays).toEqual([]);
    });

    it('lets an error thrown by the change abort the update with nothing written', async () => {
      await storage.inner.write({ 'counter/a': { count: 1 } });
      const store = makeStore();
      const refusal = new Error('no longer available');
      await expect(
        store.update<Counter>('counter/a', () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(storage.writes).toEqual([]);
      await expect(store.update<Counter>('counter/a', increment)).resolves.toEqual({ count: 2 });
    });

    it('writes nothing when the change returns the current object itself', async () => {
      await storage.inner.write({ 'counter/a': { count: 3 } });
      const result = await makeStore().update<Counter>('counter/a', (current) => current);
      expect(result).toEqual({ count: 3 });
      expect(storage.writes).toEqual([]);
    });

    it('writes nothing when the change returns undefined, for a missing or an existing document', async () => {
      await storage.inner.write({ 'counter/a': { count: 3 } });
      const store = makeStore();
      await expect(store.update<Counter>('counter/a', () => undefined)).resolves.toEqual({ count: 3 });
      await expect(store.update<Counter>('counter/missing', () => undefined)).resolves.toBeUndefined();
      expect(storage.writes).toEqual([]);
    });

    it('hands the change a frozen document, so an in-place mutation fails loudly instead of being lost', async () => {
      await storage.inner.write({ 'queue/main': { items: ['a'] } });
      await expect(
        makeStore().update<{ items: string[] }>('queue/main', (current) => {
          (current?.items as string[]).push('b');
          return current;
        }),
      ).rejects.toBeInstanceOf(TypeError);
      expect(storage.writes).toEqual([]);
    });

    it.each([
      ['an array', [1, 2]],
      ['a class instance', new Date(0)],
      ['a number', 5],
    ])('refuses to write %s as a document', async (_label, value) => {
      await expect(makeStore().update('agent/1', () => value as unknown as object)).rejects.toBeInstanceOf(
        TypeError,
      );
      expect(storage.writes).toEqual([]);
    });

    it('accepts a document with a null prototype', async () => {
      const bare = Object.assign(Object.create(null) as object, { v: 1 });
      await expect(makeStore().update('agent/1', () => bare)).resolves.toBe(bare);
    });

    it('logs each retry at debug and giving up at warn', async () => {
      const log: Log = { entries: [] };
      storage.beforeWrite = () => {
        throw conflict();
      };
      await makeStore({ maxRetries: 2, logger: recordingLogger(log) })
        .update('counter/a', increment)
        .catch(() => undefined);
      expect(log.entries.map((entry) => entry.split(' ')[0])).toEqual(['debug', 'debug', 'warn']);
      expect(log.entries[2]).toContain('"key":"counter/a"');
    });
  });

  describe('conflict detection', () => {
    it.each([
      ['MemoryStorage wording', new Error('Storage: error writing "k" due to eTag conflict.')],
      ['an ETag mismatch', new Error('ETag mismatch')],
      [
        'a precondition failure',
        new Error('The condition specified using HTTP conditional header(s) is not met: precondition'),
      ],
      ['a conflict message', new Error('Conflict')],
      ['statusCode 412', Object.assign(new Error('nope'), { statusCode: 412 })],
      ['statusCode "412"', Object.assign(new Error('nope'), { statusCode: '412' })],
      ['code 409', Object.assign(new Error('nope'), { code: 409 })],
      ['code "409"', Object.assign(new Error('nope'), { code: '409' })],
    ])('retries after %s', async (_label, error) => {
      let failures = 1;
      storage.beforeWrite = () => {
        if (failures > 0) {
          failures -= 1;
          throw error;
        }
      };
      await expect(makeStore().update<Counter>('counter/a', increment)).resolves.toEqual({ count: 1 });
      expect(storage.writes).toHaveLength(2);
    });

    it.each([
      ['a busy database', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
      ['a server error', Object.assign(new Error('Internal'), { statusCode: 500 })],
      ['a thrown string', 'boom'],
      ['null', null],
    ])('does not treat %s as a conflict', (_label, error) => {
      expect(isConflictError(error)).toBe(false);
    });
  });

  describe('per-key queue', () => {
    it('runs updates of one key one after another, without conflicts', async () => {
      const store = makeStore();
      await Promise.all(
        ['a', 'b', 'c', 'd'].map((item) =>
          store.update<{ items: string[] }>('queue/main', (current) => ({
            items: [...(current?.items ?? []), item],
          })),
        ),
      );
      expect((await store.get<{ items: string[] }>('queue/main'))?.value.items).toEqual(['a', 'b', 'c', 'd']);
      expect(storage.writes).toHaveLength(4);
    });

    it('holds a second update of a key until the first is done, while another key goes ahead', async () => {
      const gate = deferred();
      const otherKeyRead = deferred();
      storage.beforeRead = async (keys) => {
        if (keys.includes('counter/other')) {
          otherKeyRead.resolve();
        } else if (storage.readsOf('counter/busy') === 1) {
          await gate.promise;
        }
      };
      const store = makeStore();
      const first = store.update<Counter>('counter/busy', increment);
      const second = store.update<Counter>('counter/busy', increment);
      const other = store.update<Counter>('counter/other', increment);

      await otherKeyRead.promise;
      await expect(other).resolves.toEqual({ count: 1 });
      expect(storage.readsOf('counter/busy')).toBe(1);
      expect(store.pendingKeyCount()).toBe(1);

      gate.resolve();
      await expect(first).resolves.toEqual({ count: 1 });
      await expect(second).resolves.toEqual({ count: 2 });
      expect(storage.readsOf('counter/busy')).toBe(2);
    });

    it('queues a delete behind a running update of the same key', async () => {
      await storage.inner.write({ 'agent/1': { v: 1 } });
      const gate = deferred();
      storage.beforeRead = () => gate.promise;
      const store = makeStore();
      const updating = store.update<{ v: number }>('agent/1', (current) => ({ v: (current?.v ?? 0) + 1 }));
      const deleting = store.delete('agent/1');
      gate.resolve();
      await Promise.all([updating, deleting]);
      expect(await storage.inner.read(['agent/1'])).toEqual({});
    });

    it('leaves no queue entries behind once work has finished, failed or been aborted', async () => {
      const store = makeStore({ maxRetries: 1 });
      const work = [
        store.update<Counter>('counter/a', increment),
        store.update<Counter>('counter/a', increment),
        store.update<Counter>('counter/b', () => {
          throw new Error('abort');
        }),
        store.delete('counter/c'),
      ];
      const pendingWhileBusy = store.pendingKeyCount();
      await Promise.allSettled(work);
      expect(pendingWhileBusy).toBe(3);
      expect(store.pendingKeyCount()).toBe(0);

      storage.beforeWrite = () => {
        throw conflict();
      };
      await store.update('counter/d', increment).catch(() => undefined);
      expect(store.pendingKeyCount()).toBe(0);
    });
  });
});
