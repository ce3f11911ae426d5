import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase } from '../../src/store/sql/open-database';

/** The environment variable through which jest's global setup hands the server to the test files. */
export const POSTGRES_URL_VARIABLE = 'RELAYDESK_TEST_POSTGRES_URL';

const INSTALL_HINT = 'Install the server with `apt-get install postgresql` (Debian/Ubuntu).';
const INITDB_TIMEOUT_MS = 60_000;
const START_TIMEOUT_S = 30;
const STOP_TIMEOUT_S = 30;
const COMMAND_MARGIN_MS = 10_000;
const QUERY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
const FOLDER_PREFIX = 'relaydesk-pg-';
/** The pid of the process that started the server in a folder. */
const OWNER_FILE = 'owner.pid';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
}

export interface RunningPostgres {
  /** The `postgres` maintenance database on 127.0.0.1, superuser `postgres`, trust auth. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface SearchPlaces {
  /** Folders holding one folder per major version, each with a bin/ (Debian: /usr/lib/postgresql). */
  readonly versionRoots: readonly string[];
  /** A PATH-style list of folders. */
  readonly path: string;
}

const DEBIAN_PLACES: SearchPlaces = { versionRoots: ['/usr/lib/postgresql'], path: process.env.PATH ?? '' };

function binariesIn(folder: string): PostgresBinaries | undefined {
  const initdb = join(folder, 'initdb');
  const pgCtl = join(folder, 'pg_ctl');
  return existsSync(initdb) && existsSync(pgCtl) ? { initdb, pgCtl } : undefined;
}

/** initdb and pg_ctl of the highest version under the version roots, else the first pair on PATH. */
export function findPostgresBinaries(places: SearchPlaces = DEBIAN_PLACES): PostgresBinaries {
  for (const root of places.versionRoots) {
    const versions = existsSync(root)
      ? readdirSync(root)
          .filter((name) => /^\d+(\.\d+)?$/.test(name))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    for (const version of versions) {
      const found = binariesIn(join(root, version, 'bin'));
      if (found) return found;
    }
  }
  for (const folder of places.path.split(delimiter).filter(Boolean)) {
    const found = binariesIn(folder);
    if (found) return found;
  }
  throw new Error(
    `PostgreSQL's initdb and pg_ctl were not found under ${places.versionRoots.join(', ')} nor on PATH. ${INSTALL_HINT}`,
  );
}

interface RunAs {
  /** The command and arguments that run `argv` as the server's user. */
  readonly wrap: (argv: readonly string[]) => readonly string[];
  readonly uid?: number;
  readonly gid?: number;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user the Debian package creates. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { wrap: (argv) => argv };
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!entry)
    throw new Error(
      `Running as root, but there is no \`postgres\` user to run the server as. ${INSTALL_HINT}`,
    );
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path));
  if (runuser) return { wrap: (argv) => [runuser, '-u', 'postgres', '--', ...argv], uid, gid };
  return {
    wrap: (argv) => ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', ...argv],
    uid,
    gid,
  };
}

function run(argv: readonly string[], cwd: string, timeoutMs: number): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('Nothing to run.'));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${argv.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** A port the system had free a moment ago on 127.0.0.1 (a start that finds it taken tries another). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No port.')),
      );
    });
  });
}

/** Settings for a throwaway server: loopback only, sockets in its own folder, no durability to pay for. */
function serverSettings(port: number, socketFolder: string): string {
  return [
    '',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${socketFolder}'`,
    'max_connections = 200',
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    '',
  ].join('\n');
}

const HBA = ['local all all trust', 'host all all 127.0.0.1/32 trust', ''].join('\n');

/**
 * Starts a PostgreSQL server of its own: initdb into a fresh temp folder, pg_ctl on 127.0.0.1 and a free port,
 * trust auth for loopback; `stop` shuts it down and removes the folder. Throws when the server is not
 * installed or does not start in time, never skips.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const binaries = findPostgresBinaries();
  const user = runAs();
  await stopAbandonedServers(binaries, user);
  const folder = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
  writeFileSync(join(folder, OWNER_FILE), String(process.pid));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  const pgCtl = (...args: string[]) => user.wrap([binaries.pgCtl, '-D', data, ...args]);
  let started = false;
  try {
    if (user.uid !== undefined && user.gid !== undefined) chownSync(folder, user.uid, user.gid);
    await run(
      user.wrap([
        binaries.initdb,
        '-D',
        data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '-N',
      ]),
      folder,
      INITDB_TIMEOUT_MS,
    );
    writeFileSync(join(data, 'pg_hba.conf'), HBA);
    let port = 0;
    for (let attempt = 1; !started; attempt += 1) {
      port = await freePort();
      // A later line wins, so a retry's port replaces the one that was taken.
      appendFileSync(join(data, 'postgresql.conf'), serverSettings(port, folder));
      try {
        await run(
          pgCtl('-l', log, '-w', '-t', String(START_TIMEOUT_S), 'start'),
          folder,
          START_TIMEOUT_S * 1000 + COMMAND_MARGIN_MS,
        );
        started = true;
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw new Error(`${String(error)}\n${readText(log)}`);
      }
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      stop: async () => {
        try {
          await run(
            pgCtl('-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_S), 'stop'),
            folder,
            STOP_TIMEOUT_S * 1000 + COMMAND_MARGIN_MS,
          );
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    if (started)
      await run(pgCtl('-m', 'immediate', 'stop'), folder, COMMAND_MARGIN_MS).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A jest run that was killed never ran its teardown, and pg_ctl's server outlives it: stops the servers this
 * module started for processes that are gone (their folder names the owner), and removes their folders.
 */
async function stopAbandonedServers(binaries: PostgresBinaries, user: RunAs): Promise<void> {
  const abandoned = readdirSync(tmpdir())
    .filter((name) => name.startsWith(FOLDER_PREFIX))
    .map((name) => join(tmpdir(), name))
    .filter((folder) => {
      const owner = Number(readText(join(folder, OWNER_FILE)));
      return Number.isInteger(owner) && owner > 0 && !isAlive(owner);
    });
  for (const folder of abandoned) {
    const data = join(folder, 'data');
    if (existsSync(join(data, 'postmaster.pid')))
      await run(
        user.wrap([binaries.pgCtl, '-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop']),
        folder,
        20_000,
      ).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/**
 * Names the database the global setup migrated to the latest schema on the shared server; a desk's database is
 * made as a copy of it (about 0.1 s) instead of migrated anew (about 0.6 s). Unset, desks migrate their own.
 */
export const POSTGRES_TEMPLATE_VARIABLE = 'RELAYDESK_TEST_POSTGRES_TEMPLATE';

/** Makes the database desks' databases are copied from; nobody connects to it afterwards, as a copy requires. */
export async function createMigratedTemplate(serverUrl: string): Promise<string> {
  const name = `relaydesk_template_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  try {
    await migrateToLatest(database);
  } finally {
    await database.close();
  }
  return name;
}

export interface TestDatabase {
  /** A fresh database on the shared server: empty, or with the latest schema when asked `migrated`. */
  readonly url: string;
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: serverUrl,
    connectionTimeoutMillis: QUERY_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database of its own on the server jest's global setup started, so test files in parallel
 * workers never see each other's rows.
 */
export async function createTestDatabase(
  options: { readonly migrated?: boolean } = {},
): Promise<TestDatabase> {
  const serverUrl = process.env[POSTGRES_URL_VARIABLE];
  if (!serverUrl) {
    throw new Error(
      `${POSTGRES_URL_VARIABLE} is not set: jest's globalSetup (test/support/postgres-global-setup.ts) starts the server.`,
    );
  }
  const name = `relaydesk_${process.pid}_${randomBytes(6).toString('hex')}`;
  const template = options.migrated ? process.env[POSTGRES_TEMPLATE_VARIABLE] : undefined;
  await onServer(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${name}${template !== undefined ? ` TEMPLATE ${template}` : ''}`),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
