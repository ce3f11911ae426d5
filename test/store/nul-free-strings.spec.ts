import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import { openWorkItem } from '../../src/domain/work-item';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

describe.each(['SQLite', 'PostgreSQL'] as const)('a NUL in customer text on %s', (backend) => {
  let database: SqlDatabase;
  let server: TestDatabase | undefined;

  beforeAll(async () => {
    server = backend === 'PostgreSQL' ? await createTestDatabase() : undefined;
    database = openDatabase(
      server ? { kind: 'postgres', url: server.url } : { kind: 'sqlite', path: ':memory:' },
    );
    await migrateToLatest(database);
  });

  afterAll(async () => {
    await database.close();
    await server?.drop();
  });

  it('is stored as U+FFFD in every text column, and the message is not refused', async () => {
    const { workItems, messages } = createDeskRepositories(database);
    const item = openWorkItem({
      id: 'wi-nul',
      workstream: 'default',
      customerId: 'webchat:nul',
      channelId: 'webchat',
      customer: { contactName: 'Ann\u0000' },
      title: 'Ann\u0000',
      now: T0,
    });
    const recorded = await workItems.record('wi-nul', () => ({
      doc: {
        item,
        prechat: [{ question: 'Name?', answer: 'A\u0000' }],
        waitingSince: T0,
        nameGiven: 'N\u0000',
      },
      message: { from: 'customer', text: 'before\u0000after', at: T0 },
    }));
    expect(recorded?.seq).toBe(1);
    expect((await messages.latest('wi-nul', 5)).map((line) => line.text)).toEqual(['before\uFFFDafter']);
    const stored = await workItems.get('wi-nul');
    expect(stored?.item.title).toBe('Ann\uFFFD');
    expect(stored?.nameGiven).toBe('N\uFFFD');
    expect(stored?.prechat).toEqual([{ question: 'Name?', answer: 'A\uFFFD' }]);
  });
});
