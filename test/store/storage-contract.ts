import type { Storage, StoreItems } from 'botbuilder';
import { ABSENT_ETAG, StateStore } from '../../src/store';

export interface StorageUnderTest {
  storage: Storage;
  close(): Promise<void>;
}

interface Counter {
  count: number;
}

const immediately = (): Promise<void> => Promise.resolve();

const increment = (current: Readonly<Counter> | undefined): Counter => ({ count: (current?.count ?? 0) + 1 });

/**
 * Holds every read's answer until `parties` reads have been answered, so racing updates are guaranteed to see the
 * same snapshot (holding only their start would let a networked backend answer one after the other's write);
 * counts rejected writes so a test can prove the race happened.
 */
function racingReads(inner: Storage, parties: number): { storage: Storage; conflicts: () => number } {
  let waiting: (() => void)[] = [];
  let gateOpen = false;
  let conflicts = 0;
  const storage: Storage = {
    read: async (keys) => {
      const items = await inner.read(keys);
      if (!gateOpen) {
        await new Promise<void>((release) => {
          waiting.push(release);
          if (waiting.length === parties) {
            gateOpen = true;
            waiting.forEach((go) => go());
            waiting = [];
          }
        });
      }
      return items;
    },
    write: async (changes) => {
      try {
        await inner.write(changes);
      } catch (error) {
        conflicts += 1;
        throw error;
      }
    },
    delete: (keys) => inner.delete(keys),
  };
  return { storage, conflicts: () => conflicts };
}

/** One contract every backend must pass: botbuilder MemoryStorage semantics plus lost-update freedom. */
export function describeStorageContract(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`${name} storage contract`, () => {
    let subject: StorageUnderTest;
    let storage: Storage;

    beforeEach(async () => {
      subject = await factory();
      storage = subject.storage;
    });

    afterEach(async () => {
      await subject.close();
    });

    const eTagOf = async (key: string): Promise<string> => {
      const items = await storage.read([key]);
      const eTag: unknown = items[key]?.eTag;
      if (typeof eTag !== 'string') {
        throw new Error(`no eTag for ${key}`);
      }
      return eTag;
    };

    describe('read and write', () => {
      it('returns nothing for a key that was never written', async () => {
        const items = await storage.read(['agent/nobody']);
        expect(items).toEqual({});
        expect('agent/nobody' in items).toBe(false);
      });

      it('round-trips nested data and adds a string eTag', async () => {
        const value = {
          name: 'Ada',
          tags: ['vip', 'fr'],
          nested: { deep: { n: 1.5, ok: true, none: null } },
        };
        await storage.write({ 'customer/1': value });
        const items = await storage.read(['customer/1']);
        expect(items['customer/1']).toEqual({ ...value, eTag: expect.any(String) });
        expect(items['customer/1'].eTag).not.toBe('');
      });

      it('returns a fresh object on every read, so mutating one does not change the store', async () => {
        await storage.write({ 'queue/main': { items: ['a'] } });
        const first = await storage.read(['queue/main']);
        first['queue/main'].items.push('b');
        const second = await storage.read(['queue/main']);
        expect(second['queue/main'].items).toEqual(['a']);
      });

      it.each([
        ['punctuation', '!@#$%^&*()~/\\><,.?\';"`~'],
        ['unicode', 'contact/José-日本語-🙂-\u00e9\u0301'],
        ['very long', `workitem/${'x'.repeat(5000)}`],
        ['slashes', 'workitem/a/b//c/'],
        ['whitespace', ' agent/ spaced\tkey\n'],
      ])('stores and reads keys with %s', async (_label, key) => {
        await storage.write({ [key]: { key } });
        const items = await storage.read([key]);
        expect(items[key]).toEqual({ key, eTag: expect.any(String) });
      });

      it('keeps keys that differ only by case or trailing slash apart', async () => {
        await storage.write({ 'agent/a': { v: 1 }, 'agent/A': { v: 2 }, 'agent/a/': { v: 3 } });
        const items = await storage.read(['agent/a', 'agent/A', 'agent/a/']);
        expect([items['agent/a'].v, items['agent/A'].v, items['agent/a/'].v]).toEqual([1, 2, 3]);
      });

      it('rejects reads and writes without arguments with a ReferenceError', async () => {
        await expect(storage.read(undefined as unknown as string[])).rejects.toBeInstanceOf(ReferenceError);
        await expect(storage.write(undefined as unknown as StoreItems)).rejects.toBeInstanceOf(
          ReferenceError,
        );
      });

      it('treats empty reads and writes as no-ops', async () => {
        await expect(storage.read([])).resolves.toEqual({});
        await expect(storage.write({})).resolves.toBeUndefined();
        await expect(storage.delete([])).resolves.toBeUndefined();
      });
    });

    describe('eTags', () => {
      it('gives every write a new eTag', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        const first = await eTagOf('counter/a');
        await storage.write({ 'counter/a': { count: 2, eTag: first } });
        const second = await eTagOf('counter/a');
        expect(second).not.toBe(first);
      });

      it('accepts a write carrying the current eTag', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        await storage.write({ 'counter/a': { count: 2, eTag: await eTagOf('counter/a') } });
        expect((await storage.read(['counter/a']))['counter/a'].count).toBe(2);
      });

      it('rejects a stale eTag with an "eTag conflict" error naming the key and keeps the stored value', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        const stale = await eTagOf('counter/a');
        await storage.write({ 'counter/a': { count: 2, eTag: stale } });
        const refused: unknown = await storage.write({ 'counter/a': { count: 99, eTag: stale } }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(Error);
        expect((refused as Error).message).toMatch(/eTag conflict/);
        expect((refused as Error).message).toContain('counter/a');
        expect((await storage.read(['counter/a']))['counter/a'].count).toBe(2);
      });

      it('overwrites unconditionally with eTag "*"', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        await storage.write({ 'counter/a': { count: 5, eTag: '*' } });
        expect((await storage.read(['counter/a']))['counter/a'].count).toBe(5);
      });

      it('overwrites unconditionally without an eTag', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        await storage.write({ 'counter/a': { count: 6 } });
        expect((await storage.read(['counter/a']))['counter/a'].count).toBe(6);
      });

      it('creates a missing document from a write carrying an eTag, and conflicts on a second such create', async () => {
        await storage.write({ 'workitem/new': { by: 'first', eTag: ABSENT_ETAG } });
        await expect(storage.write({ 'workitem/new': { by: 'second', eTag: ABSENT_ETAG } })).rejects.toThrow(
          /eTag conflict/,
        );
        expect((await storage.read(['workitem/new']))['workitem/new'].by).toBe('first');
      });

      it('never reissues an eTag after delete and re-create', async () => {
        await storage.write({ 'agent/x': { v: 1 } });
        const before = await eTagOf('agent/x');
        await storage.delete(['agent/x']);
        await storage.write({ 'agent/x': { v: 2 } });
        const after = await eTagOf('agent/x');
        expect(after).not.toBe(before);
        await expect(storage.write({ 'agent/x': { v: 3, eTag: before } })).rejects.toThrow(/eTag conflict/);
      });
    });

    describe('delete and batches', () => {
      it('deletes a document so it reads as missing', async () => {
        await storage.write({ 'agent/1': { v: 1 } });
        await storage.delete(['agent/1']);
        expect(await storage.read(['agent/1'])).toEqual({});
      });

      it('deletes an unknown key without complaint', async () => {
        await expect(storage.delete(['agent/never-was'])).resolves.toBeUndefined();
      });

      it('reads, writes and deletes several keys at once', async () => {
        await storage.write({ 'agent/1': { v: 1 }, 'agent/2': { v: 2 }, 'agent/3': { v: 3 } });
        const all = await storage.read(['agent/1', 'agent/2', 'agent/3', 'agent/missing']);
        expect(Object.keys(all).sort()).toEqual(['agent/1', 'agent/2', 'agent/3']);
        expect(all['agent/2'].v).toBe(2);
        await storage.delete(['agent/1', 'agent/3', 'agent/missing']);
        expect(Object.keys(await storage.read(['agent/1', 'agent/2', 'agent/3']))).toEqual(['agent/2']);
      });
    });

    describe('compare-and-swap through StateStore', () => {
      it('ends with exactly 50 after 50 concurrent increments through one StateStore', async () => {
        const store = new StateStore({ storage, delay: immediately });
        await Promise.all(Array.from({ length: 50 }, () => store.update<Counter>('counter/one', increment)));
        expect((await store.get<Counter>('counter/one'))?.value).toEqual({ count: 50 });
      });

      it('ends with exactly 50 when two StateStores (no shared queue) increment 25 times each', async () => {
        const stores = [0, 1].map(() => new StateStore({ storage, delay: immediately, maxRetries: 100 }));
        await Promise.all(
          stores.flatMap((store) =>
            Array.from({ length: 25 }, () => store.update<Counter>('counter/two', increment)),
          ),
        );
        expect((await stores[0]!.get<Counter>('counter/two'))?.value).toEqual({ count: 50 });
      });

      it('loses nothing when two StateStores create the same document at the same time', async () => {
        const race = racingReads(storage, 2);
        const stores = [0, 1].map(() => new StateStore({ storage: race.storage, delay: immediately }));
        await Promise.all(stores.map((store) => store.update<Counter>('counter/fresh', increment)));
        expect((await storage.read(['counter/fresh']))['counter/fresh'].count).toBe(2);
        // Both saw it missing; the second create must have been refused once and retried.
        expect(race.conflicts()).toBe(1);
      });
    });
  });
}
