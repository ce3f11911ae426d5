import {
  VersionConflictError,
  isRetryableConflict,
  requireOneRow,
  retryOnConflict,
} from '../../src/store/sql';

describe('retrying on conflict', () => {
  const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  it('tries again after a conflict and returns what the attempt that got through returns', async () => {
    let attempts = 0;
    const result = await retryOnConflict(() => {
      attempts += 1;
      return attempts < 3 ? Promise.reject(busy()) : Promise.resolve('written');
    });
    expect({ result, attempts }).toEqual({ result: 'written', attempts: 3 });
  });

  it('gives up with the last conflict once the attempts allowed are used', async () => {
    let attempts = 0;
    const attempt = () => {
      attempts += 1;
      return Promise.reject(new VersionConflictError('agent-ada'));
    };
    await expect(retryOnConflict(attempt, { attempts: 4, withinMs: 10_000 })).rejects.toThrow(
      'agent-ada was changed by another writer.',
    );
    expect(attempts).toBe(4);
  });

  it('does not retry an error that is not a conflict', async () => {
    let attempts = 0;
    const attempt = () => {
      attempts += 1;
      return Promise.reject(new Error('syntax error'));
    };
    await expect(retryOnConflict(attempt)).rejects.toThrow('syntax error');
    expect(attempts).toBe(1);
  });

  it('knows the conflicts of both databases', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    expect(
      ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', '40001', '40P01'].map(withCode).map(isRetryableConflict),
    ).toEqual([true, true, true, true]);
    expect([withCode('23505'), withCode('SQLITE_CONSTRAINT'), 'text', null].map(isRetryableConflict)).toEqual(
      [false, false, false, false],
    );
  });

  it('takes a conditional write that changed no row for a conflict', () => {
    expect(() => requireOneRow({ numUpdatedRows: 0n }, 'work item wi-1')).toThrow(VersionConflictError);
    expect(() => requireOneRow({ numDeletedRows: 1n }, 'work item wi-1')).not.toThrow();
  });
});
