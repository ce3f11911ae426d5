import { VersionConflictError } from '../../src/store/sql/conflicts';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { versionedUpdate } from '../../src/store/sql/versioned-update';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';
import { seedQueuedItem } from './sql-rows';
import { watching } from '../support/watching-plugin';

async function addAgent(database: SqlDatabase, key: string): Promise<void> {
  await database.db
    .insertInto('agents')
    .values({ agent_key: key, name: 'Alex Agent', presence: 'available', first_seen_at: 1, revision: 1 })
    .execute();
}

function agentRow(database: SqlDatabase, key: string) {
  return database.db
    .selectFrom('agents')
    .select(['name', 'presence', 'last_offered_at', 'revision'])
    .where('agent_key', '=', key)
    .executeTakeFirstOrThrow();
}

describe.each(EDGE_BACKENDS)('an update of the changed columns at a version, on $name', (backend) => {
  let edge: EdgeDatabase;
  let database: SqlDatabase;

  beforeAll(async () => {
    edge = await backend.create();
    database = edge.connect();
  });
  afterAll(() => edge.dispose());
  beforeEach(() => edge.reset());

  it('writes only the columns given and the next version, where the row is at the version read', async () => {
    const update = versionedUpdate('agents', 'agent_key', 'revision');
    await addAgent(database, 'agent-1');
    await update(database.db, { presence: 'busy' }, { key: 'agent-1', version: 1, next: 2 }, 'Agent agent-1');
    await update(
      database.db,
      { name: 'Alex A.', last_offered_at: 50 },
      { key: 'agent-1', version: 2, next: 3 },
      'Agent agent-1',
    );
    expect(await agentRow(database, 'agent-1')).toEqual({
      name: 'Alex A.',
      presence: 'busy',
      last_offered_at: 50,
      revision: 3,
    });
  });

  it('changes nothing and throws a version conflict when another writer changed the row first', async () => {
    const update = versionedUpdate('agents', 'agent_key', 'revision');
    await addAgent(database, 'agent-2');
    await update(database.db, { presence: 'busy' }, { key: 'agent-2', version: 1, next: 2 }, 'Agent agent-2');
    const stale = update(
      database.db,
      { presence: 'away' },
      { key: 'agent-2', version: 1, next: 2 },
      'Agent agent-2',
    );
    await expect(stale).rejects.toThrow(VersionConflictError);
    await expect(stale).rejects.toThrow('Agent agent-2 was changed by another writer.');
    await expect(
      update(database.db, { presence: 'away' }, { key: 'nobody', version: 1, next: 2 }, 'Agent nobody'),
    ).rejects.toThrow(VersionConflictError);
    expect(await agentRow(database, 'agent-2')).toMatchObject({ presence: 'busy', revision: 2 });
  });

  it('leaves out columns whose value is undefined, as Kysely leaves them out of set', async () => {
    const update = versionedUpdate('agents', 'agent_key', 'revision');
    await addAgent(database, 'agent-3');
    await update(
      database.db,
      { presence: undefined, last_offered_at: 7 },
      { key: 'agent-3', version: 1, next: 2 },
      'Agent agent-3',
    );
    expect(await agentRow(database, 'agent-3')).toMatchObject({ presence: 'available', last_offered_at: 7 });
  });

  it('runs inside a transaction and is undone with it', async () => {
    const update = versionedUpdate('agents', 'agent_key', 'revision');
    await addAgent(database, 'agent-4');
    await expect(
      database.transaction(async (trx) => {
        await update(trx, { presence: 'dnd' }, { key: 'agent-4', version: 1, next: 2 }, 'Agent agent-4');
        expect(await agentRow(database, 'agent-4')).toMatchObject({ presence: 'dnd', revision: 2 });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await agentRow(database, 'agent-4')).toMatchObject({ presence: 'available', revision: 1 });
  });

  it('with a plugin, every run is built as Kysely builds any query, so the plugin sees and may rewrite it', async () => {
    const update = versionedUpdate('agents', 'agent_key', 'revision');
    await addAgent(database, 'agent-5');
    const plugin = watching();
    const watched = database.db.withPlugin(plugin);
    await update(watched, { presence: 'busy' }, { key: 'agent-5', version: 1, next: 2 }, 'Agent agent-5');
    await update(watched, { presence: 'away' }, { key: 'agent-5', version: 2, next: 3 }, 'Agent agent-5');
    expect(plugin.seen.filter((kind) => kind === 'UpdateQueryNode')).toHaveLength(2);
    expect(await agentRow(database, 'agent-5')).toMatchObject({ presence: 'away', revision: 3 });
  });

  it('with a counter, takes its next value in the same statement as the change, and not when the version is stale', async () => {
    const update = versionedUpdate('work_items', 'id', 'version', 'last_message_seq');
    await database.transaction((trx) => seedQueuedItem(trx, 'wi-count'));
    const plugin = watching();
    const watched = database.db.withPlugin(plugin);
    // A new row is at version 0.
    const write = (version: number) => ({ key: 'wi-count', version, next: version + 1 });
    expect(await update.counting(watched, { preview: 'hello' }, write(0), 'Work item wi-count')).toBe(1);
    expect(await update.counting(watched, { preview: 'again' }, write(1), 'Work item wi-count')).toBe(2);
    await update(watched, { preview: 'no message' }, write(2), 'Work item wi-count');
    expect(plugin.seen).toEqual(['UpdateQueryNode', 'UpdateQueryNode', 'UpdateQueryNode']);
    await expect(
      update.counting(database.db, { preview: 'stale' }, write(1), 'Work item wi-count'),
    ).rejects.toThrow(VersionConflictError);
    // The counter is not a column to set: given one, it is left to the statement.
    expect(await update.counting(database.db, { last_message_seq: 99 }, write(3), 'Work item wi-count')).toBe(
      3,
    );
    expect(
      await database.db
        .selectFrom('work_items')
        .select(['preview', 'last_message_seq', 'version'])
        .where('id', '=', 'wi-count')
        .executeTakeFirstOrThrow(),
    ).toEqual({ preview: 'no message', last_message_seq: 3, version: 4 });
  });
});
