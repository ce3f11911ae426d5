import { compiledOnce, rawStatement } from '../../src/store/sql/compiled-once';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';
import { watching } from '../support/watching-plugin';

/** The references a recipient holds: one compiled statement, two values bound at each run. */
const referenceOf = compiledOnce((db, v: { kind: 'agent' | 'customer'; id: string }) =>
  db
    .selectFrom('conversation_references')
    .select(['owner_id', 'reference'])
    .where('owner_kind', '=', v.kind)
    .where('owner_id', '=', v.id)
    .limit(1),
);

const putReference = compiledOnce((db, v: { id: string; reference: string; at: number }) =>
  db
    .insertInto('conversation_references')
    .values({ owner_kind: 'agent', owner_id: v.id, reference: v.reference, updated_at: v.at })
    .onConflict((conflict) =>
      conflict.columns(['owner_kind', 'owner_id']).doUpdateSet({ reference: v.reference, updated_at: v.at }),
    ),
);

describe.each(EDGE_BACKENDS)('a statement compiled once, on $name', (backend) => {
  let edge: EdgeDatabase;
  let database: SqlDatabase;

  beforeAll(async () => {
    edge = await backend.create();
    database = edge.connect();
  });
  afterAll(() => edge.dispose());
  beforeEach(() => edge.reset());

  it('runs with the values of each call, inserting and updating by the same statement', async () => {
    for (const [id, text] of [
      ['agent-1', 'one'],
      ['agent-2', 'two'],
      ['agent-1', 'three'],
    ] as const) {
      const inserted = await putReference(database.db, { id, reference: text, at: 5 });
      expect(inserted.numAffectedRows).toBe(1n);
    }
    expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-1' })).rows).toEqual([
      { owner_id: 'agent-1', reference: 'three' },
    ]);
    expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-2' })).rows).toEqual([
      { owner_id: 'agent-2', reference: 'two' },
    ]);
    expect((await referenceOf(database.db, { kind: 'customer', id: 'agent-1' })).rows).toEqual([]);
  });

  it('is built and compiled once per dialect, then only has values bound', async () => {
    let builds = 0;
    const counted = compiledOnce((db, v: { id: string }) => {
      builds += 1;
      return db.selectFrom('conversation_references').select('owner_id').where('owner_id', '=', v.id);
    });
    await putReference(database.db, { id: 'agent-5', reference: 'r', at: 1 });
    for (const id of ['agent-5', 'agent-6', 'agent-5']) await counted(database.db, { id });
    await database.transaction(async (trx) => {
      expect((await counted(trx, { id: 'agent-5' })).rows).toEqual([{ owner_id: 'agent-5' }]);
    });
    expect(builds).toBe(1);
  });

  it('joins the transaction it runs in: rolled back with it', async () => {
    await expect(
      database.transaction(async (trx) => {
        await putReference(trx, { id: 'agent-9', reference: 'kept?', at: 1 });
        expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-9' })).rows).toHaveLength(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-9' })).rows).toEqual([]);
  });

  it('inside a transaction on SQLite, runs on the connection at once, not through Kysely; NULs replaced alike', async () => {
    let throughKysely = 0;
    await database.transaction(async (trx) => {
      const executeQuery = jest.spyOn(trx, 'executeQuery');
      await putReference(trx, { id: 'agent-7', reference: 'a\u0000b', at: 2 });
      expect((await referenceOf(trx, { kind: 'agent', id: 'agent-7' })).rows).toEqual([
        { owner_id: 'agent-7', reference: 'a\uFFFDb' },
      ]);
      await rawStatement('select 1')(trx);
      throughKysely = executeQuery.mock.calls.length;
      executeQuery.mockRestore();
    });
    // PostgreSQL's statements go through its pool's connection, as every other query does.
    expect(throughKysely).toBe(backend.name === 'SQLite' ? 0 : 3);
    expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-7' })).rows).toEqual([
      { owner_id: 'agent-7', reference: 'a\uFFFDb' },
    ]);
  });

  it('outside transactions on SQLite, runs at once while none is open, and waits its turn while one is', async () => {
    const outside = database.db;
    const executeQuery = jest.spyOn(outside, 'executeQuery');
    await putReference(outside, { id: 'agent-5', reference: 'committed', at: 1 });
    expect((await referenceOf(outside, { kind: 'agent', id: 'agent-5' })).rows).toHaveLength(1);
    expect(executeQuery).toHaveBeenCalledTimes(backend.name === 'SQLite' ? 0 : 2);

    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written = () => {};
    const wasWritten = new Promise<void>((resolve) => (written = resolve));
    const undone = database.transaction(async (trx) => {
      await putReference(trx, { id: 'agent-5', reference: 'never committed', at: 2 });
      written();
      await gate;
      throw new Error('undo');
    });
    await wasWritten;
    let answered = false;
    const read = referenceOf(outside, { kind: 'agent', id: 'agent-5' }).then((result) => {
      answered = true;
      return result;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    const answeredDuring = answered;
    release();
    await expect(undone).rejects.toThrow('undo');
    // SQLite's one connection is the transaction's until it ends (PostgreSQL reads from another connection).
    if (backend.name === 'SQLite') expect(answeredDuring).toBe(false);
    expect((await read).rows).toEqual([{ owner_id: 'agent-5', reference: 'committed' }]);
    executeQuery.mockRestore();
  });

  it('is shown to every plugin of the Kysely it runs on, which may refuse it', async () => {
    const plugin = watching();
    const watched = database.db.withPlugin(plugin);
    await putReference(watched, { id: 'agent-3', reference: 'seen', at: 1 });
    await referenceOf(watched, { kind: 'agent', id: 'agent-3' });
    await rawStatement('select 1')(watched);
    expect(plugin.seen).toEqual(['InsertQueryNode', 'SelectQueryNode', 'RawNode']);

    const refusing = database.db.withPlugin({
      transformQuery: () => {
        throw new Error('disk full');
      },
      transformResult: ({ result }) => Promise.resolve(result),
    });
    await expect(putReference(refusing, { id: 'agent-4', reference: 'no', at: 1 })).rejects.toThrow(
      'disk full',
    );
    await expect(rawStatement('select 1')(refusing)).rejects.toThrow('disk full');
    expect((await referenceOf(database.db, { kind: 'agent', id: 'agent-4' })).rows).toEqual([]);
  });
});
