import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { nextVisitorNumber } from '../../src/app/visitor-numbers';
import { openStore } from '../../src/store/create-storage';
import { StateStore } from '../../src/store/state-store';

const immediate = async () => undefined;

describe('visitor numbers', () => {
  it('count 1, 2, 3 … per deployment', async () => {
    const store = new StateStore({ storage: new MemoryStorage(), delay: immediate });
    expect([
      await nextVisitorNumber(store),
      await nextVisitorNumber(store),
      await nextVisitorNumber(store),
    ]).toEqual([1, 2, 3]);
  });

  it('are never given twice, even to customers arriving at once on two bot instances', async () => {
    const storage = new MemoryStorage();
    const first = new StateStore({ storage, delay: immediate });
    const second = new StateStore({ storage, delay: immediate });
    const numbers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => nextVisitorNumber(i % 2 ? first : second)),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('survive a restart on the sqlite store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaydesk-visitors-'));
    try {
      const path = join(dir, 'relaydesk.db');
      const settings = { store: 'sqlite', sqlitePath: path, databaseUrl: '', databasePoolSize: 1 } as const;
      const before = openStore(settings);
      await before.ready();
      await nextVisitorNumber(new StateStore({ storage: before.storage }));
      await nextVisitorNumber(new StateStore({ storage: before.storage }));
      await before.close();
      const after = openStore(settings);
      await after.ready();
      expect(await nextVisitorNumber(new StateStore({ storage: after.storage }))).toBe(3);
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
