import type { Storage, StoreItems } from 'botbuilder';
import { ABSENT_ETAG } from '../../src/store';

export interface StorageUnderTest {
  storage: Storage;
  close(): Promise<void>;
}

/** A stored item as the tests read it: botbuilder types items `any`, the tests look at their fields as unknowns. */
export type StoredItem = Readonly<Record<string, unknown>> & { readonly eTag?: string };

export function readItems(
  storage: Storage,
  keys: string[],
): Promise<Readonly<Record<string, StoredItem | undefined>>> {
  return storage.read(keys);
}

/** The documents table 0.1 wrote, read by the migrations: botbuilder Storage semantics with eTags. */
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
      const items = await readItems(storage, [key]);
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
        const items = await readItems(storage, ['customer/1']);
        expect(items['customer/1']).toEqual({ ...value, eTag: expect.any(String) });
        expect(items['customer/1']?.eTag).not.toBe('');
      });

      it('returns a fresh object on every read, so mutating one does not change the store', async () => {
        await storage.write({ 'queue/main': { items: ['a'] } });
        const first = await readItems(storage, ['queue/main']);
        (first['queue/main']?.items as string[]).push('b');
        const second = await readItems(storage, ['queue/main']);
        expect(second['queue/main']?.items).toEqual(['a']);
      });

      it.each([
        ['punctuation', '!@#$%^&*()~/\\><,.?\';"`~'],
        ['unicode', 'contact/José-日本語-🙂-\u00e9\u0301'],
        ['very long', `workitem/${'x'.repeat(5000)}`],
        ['slashes', 'workitem/a/b//c/'],
        ['whitespace', ' agent/ spaced\tkey\n'],
      ])('stores and reads keys with %s', async (_label, key) => {
        await storage.write({ [key]: { key } });
        const items = await readItems(storage, [key]);
        expect(items[key]).toEqual({ key, eTag: expect.any(String) });
      });

      it('keeps keys that differ only by case or trailing slash apart', async () => {
        await storage.write({ 'agent/a': { v: 1 }, 'agent/A': { v: 2 }, 'agent/a/': { v: 3 } });
        const items = await readItems(storage, ['agent/a', 'agent/A', 'agent/a/']);
        expect([items['agent/a']?.v, items['agent/A']?.v, items['agent/a/']?.v]).toEqual([1, 2, 3]);
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
        expect((await readItems(storage, ['counter/a']))['counter/a']?.count).toBe(2);
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
        expect((await readItems(storage, ['counter/a']))['counter/a']?.count).toBe(2);
      });

      it('overwrites unconditionally with eTag "*"', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        await storage.write({ 'counter/a': { count: 5, eTag: '*' } });
        expect((await readItems(storage, ['counter/a']))['counter/a']?.count).toBe(5);
      });

      it('overwrites unconditionally without an eTag', async () => {
        await storage.write({ 'counter/a': { count: 1 } });
        await storage.write({ 'counter/a': { count: 6 } });
        expect((await readItems(storage, ['counter/a']))['counter/a']?.count).toBe(6);
      });

      it('creates a missing document from a write carrying an eTag, and conflicts on a second such create', async () => {
        await storage.write({ 'workitem/new': { by: 'first', eTag: ABSENT_ETAG } });
        await expect(storage.write({ 'workitem/new': { by: 'second', eTag: ABSENT_ETAG } })).rejects.toThrow(
          /eTag conflict/,
        );
        expect((await readItems(storage, ['workitem/new']))['workitem/new']?.by).toBe('first');
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
        const all = await readItems(storage, ['agent/1', 'agent/2', 'agent/3', 'agent/missing']);
        expect(Object.keys(all).sort()).toEqual(['agent/1', 'agent/2', 'agent/3']);
        expect(all['agent/2']?.v).toBe(2);
        await storage.delete(['agent/1', 'agent/3', 'agent/missing']);
        expect(Object.keys(await storage.read(['agent/1', 'agent/2', 'agent/3']))).toEqual(['agent/2']);
      });
    });
  });
}
