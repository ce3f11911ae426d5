import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { createStorage, SqliteStorage, type StorageKind } from '../../src/store';

describe('createStorage', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-create-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds botbuilder MemoryStorage for "memory" and touches no file', async () => {
    const sqlitePath = join(dir, 'unused.db');
    const handle = createStorage({ kind: 'memory', sqlitePath });
    expect(handle.storage).toBeInstanceOf(MemoryStorage);
    await handle.close();
    expect(existsSync(sqlitePath)).toBe(false);
  });

  it('builds SqliteStorage on the given file for "sqlite", and close releases it', async () => {
    const sqlitePath = join(dir, 'data', 'relaydesk.db');
    const handle = createStorage({ kind: 'sqlite', sqlitePath });
    expect(handle.storage).toBeInstanceOf(SqliteStorage);
    await handle.storage.write({ 'agent/1': { v: 1 } });
    await handle.close();
    await handle.close();
    expect(existsSync(sqlitePath)).toBe(true);
    await expect(handle.storage.read(['agent/1'])).rejects.toThrow();
  });

  it('refuses "azure-blob" without a connection string (the blob backend itself is tested against Azurite)', () => {
    expect(() => createStorage({ kind: 'azure-blob', sqlitePath: join(dir, 'x.db') })).toThrow(
      /azure-blob.*AZURE_STORAGE_CONNECTION_STRING/,
    );
  });

  it('refuses an unknown kind', () => {
    expect(() => createStorage({ kind: 'redis' as StorageKind, sqlitePath: join(dir, 'x.db') })).toThrow(
      /Unknown storage kind "redis"/,
    );
  });
});
