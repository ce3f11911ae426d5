import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelaydesk } from '../../src/app-host';
import { loadConfig, type Config, type Env } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import { createStorage } from '../../src/store/create-storage';

function configFrom(env: Env): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('startRelaydesk', () => {
  let dir: string;
  let sqlitePath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-host-'));
    sqlitePath = join(dir, 'data', 'relaydesk.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on sqlite, answers /healthz and logs one start line with url, store and agents', async () => {
    const { logger, lines } = collectingLogger();
    const running = await startRelaydesk(
      configFrom({ PORT: '0', STORE: 'sqlite', SQLITE_PATH: sqlitePath }),
      logger,
      {
        version: '9.9.9',
      },
    );
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/messages$/);
      expect(running.url).not.toContain(':0/');
      expect(running.url).toBe(`${running.baseUrl}/api/messages`);

      const response = await fetch(`${running.baseUrl}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', version: '9.9.9', store: 'sqlite' });

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 30,
        url: running.url,
        store: 'sqlite',
        agents: ['00000000-0000-0000-0000-0000000000020', 'user-id-0'],
        msg: `relaydesk listening on ${running.url}`,
      });
      expect(existsSync(sqlitePath)).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('close() stops the server, then closes the store so the file reopens with its data', async () => {
    const running = await startRelaydesk(
      configFrom({ PORT: '0', SQLITE_PATH: sqlitePath }),
      collectingLogger().logger,
    );
    await running.storage.write({ 'probe/1': { value: 42 } });
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);

    await running.close();
    await running.close();

    await expect(fetch(`${running.baseUrl}/healthz`)).rejects.toThrow();
    await expect(running.storage.read(['probe/1'])).rejects.toThrow(/not open/);
    // SQLite removes the WAL file when the last connection closes.
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);

    const reopened = createStorage({ kind: 'sqlite', sqlitePath });
    try {
      expect(await reopened.storage.read(['probe/1'])).toMatchObject({ 'probe/1': { value: 42 } });
    } finally {
      await reopened.close();
    }
  });

  it('reports the package version on /healthz by default', async () => {
    const running = await startRelaydesk(
      configFrom({ PORT: '0', STORE: 'memory' }),
      collectingLogger().logger,
    );
    try {
      const body = (await (await fetch(`${running.baseUrl}/healthz`)).json()) as {
        version: string;
        store: string;
      };
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(body.store).toBe('memory');
    } finally {
      await running.close();
    }
  });

  it('closes the store again when the port is taken, and rejects', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      await expect(
        startRelaydesk(
          configFrom({ PORT: String(address.port), SQLITE_PATH: sqlitePath }),
          collectingLogger().logger,
        ),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
