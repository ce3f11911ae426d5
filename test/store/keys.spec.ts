import fc from 'fast-check';
import { documentKinds, InvalidKeyError, storeKey, type DocumentKind } from '../../src/store';

describe('storeKey', () => {
  it.each(documentKinds)('prefixes a %s id with its kind and a slash', (kind) => {
    expect(storeKey(kind, '42')).toBe(`${kind}/42`);
  });

  it.each([
    ['slashes', 'msteams/29:1abc/def'],
    ['quotes', `it's "quoted"`],
    ['unicode', 'José-日本語-🙂'],
    ['surrounding spaces', ' padded '],
  ])('keeps ids with %s unchanged', (_label, id) => {
    expect(storeKey('customer', id)).toBe(`customer/${id}`);
  });

  it.each(['', ' ', '\t\n', '\u00a0'])('refuses the blank id %j with an InvalidKeyError', (id) => {
    expect(() => storeKey('agent', id)).toThrow(InvalidKeyError);
  });

  it('refuses a kind outside the list, even when the type system was bypassed', () => {
    const attempt = (): string => storeKey('session' as DocumentKind, '1');
    expect(attempt).toThrow(InvalidKeyError);
    expect(attempt).toThrow(/Unknown document kind "session"/);
  });

  it('refuses a non-string id that slipped past the types', () => {
    expect(() => storeKey('agent', undefined as unknown as string)).toThrow(InvalidKeyError);
  });

  it('names the kind and id on the error', () => {
    try {
      storeKey('queue', '  ');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toMatchObject({ name: 'InvalidKeyError', kind: 'queue', id: '  ' });
    }
  });

  it('builds kind/id for any non-blank id, so the id is recoverable after the prefix', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...documentKinds),
        fc.string({ minLength: 1 }).filter((id) => id.trim() !== ''),
        (kind, id) => {
          const key = storeKey(kind, id);
          expect(key.startsWith(`${kind}/`)).toBe(true);
          expect(key.slice(kind.length + 1)).toBe(id);
        },
      ),
      { numRuns: 200, seed: 20240611 },
    );
  });
});
