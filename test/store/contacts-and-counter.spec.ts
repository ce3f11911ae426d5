import type { Migration } from 'kysely';
import { MIGRATIONS, migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';

const before0010 = Object.fromEntries(
  Object.entries(MIGRATIONS).filter(([name]) => name < '0010-contacts-counter'),
) as Record<string, Migration>;

describe.each(['SQLite', 'PostgreSQL'] as const)(
  'the contacts directory and the visitor counter on %s',
  (backend) => {
    let database: SqlDatabase;
    let server: TestDatabase | undefined;

    beforeEach(async () => {
      server = backend === 'PostgreSQL' ? await createTestDatabase() : undefined;
      database = openDatabase(
        server ? { kind: 'postgres', url: server.url } : { kind: 'sqlite', path: ':memory:' },
      );
    });

    afterEach(async () => {
      await database.close();
      await server?.drop();
    });

    it('finds a seeded contact, and a later seed replaces it', async () => {
      await migrateToLatest(database);
      const { contacts } = createDeskRepositories(database);
      const kenny = { customerId: 'emulator:kenny', channelId: 'emulator', userId: 'kenny' };
      expect(await contacts.seed([{ ...kenny, identity: { contactName: 'Kenny Smith' } }])).toBe(1);
      expect(await contacts.find('emulator:kenny')).toEqual({ contactName: 'Kenny Smith' });
      await contacts.seed([{ ...kenny, identity: { accountName: 'Contoso' } }]);
      expect(await contacts.find('emulator:kenny')).toEqual({ accountName: 'Contoso' });
      expect(await contacts.find('emulator:nobody')).toBeUndefined();
    });

    it('moves the documents written before them into their tables, the counter going on where it was', async () => {
      await migrateToLatest(database, before0010);
      await database.db
        .insertInto('documents')
        .values([
          {
            key: 'contact/webchat:ann',
            etag: 'e1',
            body: JSON.stringify({ identity: { caseTitle: 'Refund' } }),
          },
          { key: 'counter/visitor', etag: 'e2', body: JSON.stringify({ value: 41 }) },
        ])
        .execute();
      await migrateToLatest(database);
      const { contacts, visitorNumbers } = createDeskRepositories(database);
      expect(await contacts.find('webchat:ann')).toEqual({ caseTitle: 'Refund' });
      expect(await visitorNumbers.next()).toBe(42);
      expect(await database.db.selectFrom('documents').select('key').execute()).toEqual([]);
    });
  },
);
