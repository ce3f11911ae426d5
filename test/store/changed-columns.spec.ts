import { changedColumns } from '../../src/store/sql/changed-columns';

describe('the columns an update sets', () => {
  it('are only those whose value differs from the row as read', () => {
    const read = { id: 'w1', state: 'active', count: 3, note: null, extra: 'kept' };
    expect(changedColumns(read, { state: 'active', count: 4, note: null })).toEqual({ count: 4 });
    expect(changedColumns(read, { state: 'closed', note: 'x' })).toEqual({ state: 'closed', note: 'x' });
    expect(changedColumns(read, { state: 'active' })).toEqual({});
  });

  it('counts a value read back in another form (a boolean as 0/1) as changed, so it is written again', () => {
    expect(changedColumns({ read_only: 0 }, { read_only: false })).toEqual({ read_only: false });
  });
});
