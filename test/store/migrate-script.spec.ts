import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MIGRATIONS } from '../../src/store/sql';
import { createTestDatabase } from '../support/postgres-server';

const scriptPath = join(__dirname, '..', '..', 'scripts', 'migrate.ts');
// An absolute loader URL, so the child can run from a temp dir without its own node_modules.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const TIME_LIMIT_MS = 20_000;
/** Every migration there is, in order: what a new database runs. */
const ALL = Object.keys(MIGRATIONS);

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run migrate` as a real process in `cwd`, with only `env` (and PATH) set; killed at the time limit. */
function runMigrate(cwd: string, env: Record<string, string>): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', tsxLoader, scriptPath], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const limit = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('npm run migrate (scripts/migrate.ts)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-migrate-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates the SQLite file of .env, says which migrations ran, exits 0, and runs none the second time', async () => {
    writeFileSync(join(dir, '.env'), 'STORE=sqlite\nSQLITE_PATH=data/relaydesk.db\n');
    const first = await runMigrate(dir, {});
    expect(first).toEqual({
      code: 0,
      stdout: `relaydesk migrate: ran ${ALL.length} migration(s) on the sqlite (data/relaydesk.db) store: ${ALL.join(', ')}\n`,
      stderr: '',
    });
    const second = await runMigrate(dir, {});
    expect(second).toEqual({
      code: 0,
      stdout: 'relaydesk migrate: the sqlite (data/relaydesk.db) store is up to date; no migration ran\n',
      stderr: '',
    });
  });

  it('migrates the PostgreSQL database of DATABASE_URL', async () => {
    const created = await createTestDatabase();
    try {
      const finished = await runMigrate(dir, { STORE: 'postgres', DATABASE_URL: created.url });
      expect(finished).toEqual({
        code: 0,
        stdout: `relaydesk migrate: ran ${ALL.length} migration(s) on the postgres store: ${ALL.join(', ')}\n`,
        stderr: '',
      });
    } finally {
      await created.drop();
    }
  });

  it('exits 1 with the reason, and without the password, when the database cannot be reached', async () => {
    const port = await closedPort();
    const finished = await runMigrate(dir, {
      STORE: 'postgres',
      DATABASE_URL: `postgresql://desk:s3cret-pw@127.0.0.1:${port}/relaydesk`,
    });
    expect(finished.code).toBe(1);
    expect(finished.stdout).toBe('');
    expect(finished.stderr).toBe(
      `relaydesk migrate: cannot migrate the postgres store: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  it('exits 1 with one line per bad key on a bad configuration, never echoing DATABASE_URL', async () => {
    const finished = await runMigrate(dir, {
      STORE: 'postgres',
      DATABASE_URL: 'mysql://desk:s3cret-pw@db/x',
    });
    expect(finished).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'relaydesk migrate: configuration error',
        'DATABASE_URL: (hidden value) is not a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/relaydesk',
        '',
      ].join('\n'),
    });
  });
});
