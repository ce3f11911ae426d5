import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { nextVisitorNumber } from '../../src/app/visitor-numbers';
import { SqliteStorage } from '../../src/store/sqlite-storage';
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
      const before = new SqliteStorage({ path });
      await nextVisitorNumber(new StateStore({ storage: before }));
      await nextVisitorNumber(new StateStore({ storage: before }));
      before.close();
      const after = new SqliteStorage({ path });
      expect(await nextVisitorNumber(new StateStore({ storage: after }))).toBe(3);
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
