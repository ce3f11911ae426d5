import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from '../../src/store/sql/statement-cache';

describe('the SQLite statement cache', () => {
  it('prepares a statement once and hands it out again for the same SQL', () => {
    const raw = new BetterSqlite3(':memory:');
    const prepare = jest.spyOn(raw, 'prepare');
    const handle = cachingStatements(raw);
    handle.prepare('create table t (n integer)').run([]);
    const insert = handle.prepare('insert into t (n) values (?)');
    for (let n = 0; n < 5; n += 1) expect(handle.prepare('insert into t (n) values (?)')).toBe(insert);
    for (let n = 0; n < 5; n += 1) insert.run([n]);
    expect(handle.prepare('select count(*) as c from t').all([])).toEqual([{ c: 5 }]);
    expect(prepare).toHaveBeenCalledTimes(3);
    handle.close();
    expect(raw.open).toBe(false);
  });

  it('keeps at most `max` statements, starting afresh when full', () => {
    const raw = new BetterSqlite3(':memory:');
    const prepare = jest.spyOn(raw, 'prepare');
    const handle = cachingStatements(raw, 2);
    const one = handle.prepare('select 1');
    handle.prepare('select 2');
    expect(handle.prepare('select 1')).toBe(one);
    handle.prepare('select 3'); // full: emptied, then "select 3" kept
    expect(handle.prepare('select 3')).toBe(handle.prepare('select 3'));
    expect(handle.prepare('select 1')).not.toBe(one);
    expect(prepare).toHaveBeenCalledTimes(4);
    handle.close();
  });
});
