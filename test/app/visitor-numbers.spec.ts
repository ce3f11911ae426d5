import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { createVisitorNumbers } from '../../src/store/sql/visitor-numbers';
import { createTestDatabase } from '../support/postgres-server';

async function opened(database: SqlDatabase): Promise<SqlDatabase> {
  await migrateToLatest(database);
  return database;
}

describe('visitor numbers', () => {
  it('count 1, 2, 3 … per deployment', async () => {
    const database = await opened(openDatabase({ kind: 'sqlite', path: ':memory:' }));
    try {
      const numbers = createVisitorNumbers(database);
      expect([await numbers.next(), await numbers.next(), await numbers.next()]).toEqual([1, 2, 3]);
    } finally {
      await database.close();
    }
  });

  it('are never given twice, even to customers arriving at once on two bot instances (PostgreSQL)', async () => {
    const server = await createTestDatabase();
    const first = await opened(openDatabase({ kind: 'postgres', url: server.url }));
    const second = openDatabase({ kind: 'postgres', url: server.url });
    try {
      const instances = [createVisitorNumbers(first), createVisitorNumbers(second)];
      const numbers = await Promise.all(Array.from({ length: 40 }, (_, i) => instances[i % 2]!.next()));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await first.close();
      await second.close();
      await server.drop();
    }
  });

  it('survive a restart on the sqlite store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaydesk-visitors-'));
    try {
      const path = join(dir, 'relaydesk.db');
      const before = await opened(openDatabase({ kind: 'sqlite', path }));
      await createVisitorNumbers(before).next();
      await createVisitorNumbers(before).next();
      await before.close();
      const after = await opened(openDatabase({ kind: 'sqlite', path }));
      expect(await createVisitorNumbers(after).next()).toBe(3);
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
