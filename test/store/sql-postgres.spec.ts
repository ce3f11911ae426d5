import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MIGRATIONS, migrateToLatest, openDatabase } from '../../src/store/sql';
import { createTestDatabase, findPostgresBinaries } from '../support/postgres-server';
import { describeSqlContract } from './sql-contract';

describeSqlContract('PostgreSQL', async ({ migrated }) => {
  const database = await createTestDatabase({ migrated });
  return {
    connect: () => Promise.resolve(openDatabase({ kind: 'postgres', url: database.url })),
    dispose: () => database.drop(),
  };
});

describe('PostgreSQL test server', () => {
  it('listens on the loopback address only', async () => {
    const database = await createTestDatabase();
    const opened = openDatabase({ kind: 'postgres', url: database.url, poolSize: 1 });
    try {
      const { rows } = await sql<{ listen_addresses: string }>`show listen_addresses`.execute(opened.db);
      expect(rows).toEqual([{ listen_addresses: '127.0.0.1' }]);
      expect(await migrateToLatest(opened)).toEqual(Object.keys(MIGRATIONS));
    } finally {
      await opened.close();
      await database.drop();
    }
  });

  describe('finding the server binaries', () => {
    let root: string;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'relaydesk-pgbin-'));
    });

    afterEach(() => {
      rmSync(root, { recursive: true, force: true });
    });

    const install = (version: string) => {
      const bin = join(root, version, 'bin');
      mkdirSync(bin, { recursive: true });
      for (const tool of ['initdb', 'pg_ctl']) writeFileSync(join(bin, tool), '');
      return bin;
    };

    it('takes the highest installed version', () => {
      install('13');
      const newest = install('15');
      install('9.6');
      expect(findPostgresBinaries({ versionRoots: [root], path: '' })).toEqual({
        initdb: join(newest, 'initdb'),
        pgCtl: join(newest, 'pg_ctl'),
      });
    });

    it('falls back to PATH', () => {
      const bin = install('on-path');
      expect(findPostgresBinaries({ versionRoots: [join(root, 'none')], path: bin }).pgCtl).toBe(
        join(bin, 'pg_ctl'),
      );
    });

    it('tells a machine without PostgreSQL to apt-get install postgresql', () => {
      expect(() => findPostgresBinaries({ versionRoots: [root], path: '' })).toThrow(
        'apt-get install postgresql',
      );
    });
  });
});
