import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startRelaydesk, warnIfAnonymousRemote } from '../../src/app-host';
import { openStore } from '../../src/store/create-storage';
import { createVisitorNumbers } from '../../src/store/sql/visitor-numbers';
import { MIGRATIONS } from '../../src/store/sql';
import { collectingLogger, configFrom } from '../support/harness';
import { createTestDatabase } from '../support/postgres-server';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
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

  it('starts on sqlite, answers /healthz, and logs the migrations it ran, then one start line with url, store and agents', async () => {
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

      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        level: 30,
        component: 'store',
        store: 'sqlite',
        migrations: Object.keys(MIGRATIONS),
        msg: `store migrated: ${Object.keys(MIGRATIONS).join(', ')}`,
      });
      expect(lines[1]).toMatchObject({
        level: 30,
        url: running.url,
        store: 'sqlite',
        agents: ['00000000-0000-0000-0000-0000000000020'],
        contacts: 4,
        msg: `relaydesk listening on ${running.url}`,
      });
      // The start line is the banner: the bot endpoint, the tab, the web chat page, the probes and the store.
      expect(lines[1]).toMatchObject({
        tab: `${running.baseUrl}/tab`,
        webchat: `${running.baseUrl}/chat`,
        probes: `${running.baseUrl}/healthz ${running.baseUrl}/readyz`,
        storeAt: sqlitePath,
      });
      expect(existsSync(sqlitePath)).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('close() stops the server, then closes the store and its database so the file reopens with its data', async () => {
    const running = await startRelaydesk(
      configFrom({ PORT: '0', SQLITE_PATH: sqlitePath }),
      collectingLogger().logger,
    );
    expect(await createVisitorNumbers(running.database).next()).toBe(1);
    expect(running.database.kind).toBe('sqlite');
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);

    await running.close();
    await running.close();

    await expect(fetch(`${running.baseUrl}/healthz`)).rejects.toThrow();
    await expect(sql`select 1`.execute(running.database.db)).rejects.toThrow(/destroyed/);
    // SQLite removes the WAL file when the last connection closes.
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);

    const reopened = openStore({ store: 'sqlite', sqlitePath, databaseUrl: '', databasePoolSize: 1 });
    try {
      expect(await reopened.ready()).toEqual([]);
      // The counter goes on from what the first run stored.
      expect(await createVisitorNumbers(reopened.database).next()).toBe(2);
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

describe('startRelaydesk on PostgreSQL', () => {
  it('keeps its state in the DATABASE_URL database across a restart, and closes its pool on close()', async () => {
    const created = await createTestDatabase();
    const config = configFrom({
      PORT: '0',
      STORE: 'postgres',
      DATABASE_URL: created.url,
      DATABASE_POOL_SIZE: '2',
    });
    try {
      const first = await startRelaydesk(config, collectingLogger().logger);
      expect(first.database.kind).toBe('postgres');
      expect(await (await fetch(`${first.baseUrl}/healthz`)).json()).toMatchObject({ store: 'postgres' });
      expect(await createVisitorNumbers(first.database).next()).toBe(1);
      await first.close();
      await expect(sql`select 1`.execute(first.database.db)).rejects.toThrow(/destroyed/);

      const { logger, lines } = collectingLogger();
      const second = await startRelaydesk(config, logger);
      try {
        expect(await createVisitorNumbers(second.database).next()).toBe(2);
        // Migrated once, by the first start.
        expect(lines.filter((line) => line.msg.startsWith('store migrated'))).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await created.drop();
    }
  });

  it('rejects with one clear sentence when the server cannot be reached', async () => {
    const port = await closedPort();
    const config = configFrom({
      PORT: '0',
      STORE: 'postgres',
      DATABASE_URL: `postgres://desk:s3cret-pw@127.0.0.1:${port}/relaydesk`,
    });
    await expect(startRelaydesk(config, collectingLogger().logger)).rejects.toThrow(
      `The postgres store is not reachable: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});

describe('startRelaydesk with a contacts directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-contacts-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (contactsFile: string) =>
    startRelaydesk(
      configFrom({ PORT: '0', STORE: 'memory', CONTACTS_FILE: contactsFile }),
      collectingLogger().logger,
      {
        sweepIntervalMs: 0,
      },
    );

  it('seeds the valid records and skips a bad one with a warning naming it', async () => {
    const path = join(dir, 'contacts.json');
    writeFileSync(
      path,
      JSON.stringify([
        { channelId: 'emulator', userId: 'kenny', contactName: 'Kenny Smith' },
        { userId: 'x' },
      ]),
    );
    const { logger, lines } = collectingLogger();
    const running = await startRelaydesk(
      configFrom({ PORT: '0', STORE: 'memory', CONTACTS_FILE: path }),
      logger,
      {
        sweepIntervalMs: 0,
      },
    );
    try {
      expect(lines.find((line) => line.msg === 'contact skipped')).toMatchObject({ index: 1, path });
      expect(lines.at(-1)).toMatchObject({ contacts: 1 });
      expect(await createDeskRepositories(running.database).contacts.find('emulator:kenny')).toEqual({
        contactName: 'Kenny Smith',
      });
    } finally {
      await running.close();
    }
  });

  it('refuses to start on a file that is not JSON, saying which key and file', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ not json');
    await expect(start(path)).rejects.toThrow(`CONTACTS_FILE: ${path} is not valid JSON`);
  });

  it('refuses to start on JSON that is not an array', async () => {
    const path = join(dir, 'object.json');
    writeFileSync(path, '{}');
    await expect(start(path)).rejects.toThrow('must hold a JSON array of contacts');
  });

  it('starts with no contacts when the file is missing', async () => {
    const running = await start(join(dir, 'missing.json'));
    await running.close();
  });
});

describe('anonymous mode beyond loopback', () => {
  it('warns at start when ALLOW_ANONYMOUS_REMOTE lets it listen beyond loopback, and only then', () => {
    const { logger, lines } = collectingLogger();
    warnIfAnonymousRemote(configFrom({ HOST: '0.0.0.0', ALLOW_ANONYMOUS_REMOTE: 'true' }), logger);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        host: '0.0.0.0',
        msg: expect.stringContaining('anyone who reaches this server can act as an agent'),
      }),
    ]);
    warnIfAnonymousRemote(configFrom({ HOST: '127.0.0.1', ALLOW_ANONYMOUS_REMOTE: 'true' }), logger);
    warnIfAnonymousRemote(
      configFrom({ HOST: '0.0.0.0', MicrosoftAppId: 'app', MicrosoftAppPassword: 'x', AGENT_IDS: 'a' }),
      logger,
    );
    expect(lines).toHaveLength(1);
  });
});
