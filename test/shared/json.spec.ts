import { isObject, parseJson } from '../../src/shared/json';

describe('JSON guards shared by the server and the browser bundles', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['{}', false],
    [42, false],
  ])('isObject(%j) is %s', (value, expected) => {
    expect(isObject(value)).toBe(expected);
  });

  it('parses JSON text, and gives undefined for empty or malformed text instead of throwing', () => {
    expect(parseJson('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(parseJson('null')).toBeNull();
    expect(parseJson('')).toBeUndefined();
    expect(parseJson(null)).toBeUndefined();
    expect(parseJson('{not json')).toBeUndefined();
  });
});
