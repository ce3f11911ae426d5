import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type StoreHandle } from '../../src/store';
import { createCustomerRepository } from '../../src/store/sql/customer-repository';
import { customerRow } from './fixtures/customer-counter';

const repoRoot = resolve(__dirname, '../..');
const fixture = (name: string): string => join(__dirname, 'fixtures', name);

/** The longest any one child may run before the test kills it. */
const CHILD_TIME_LIMIT_MS = 20_000;

interface Finished {
  lines: string[];
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface RunningChild {
  child: ChildProcess;
  /** Resolves when a line matching `pattern` arrives (rejects if the child ends first). */
  waitForLine(pattern: RegExp): Promise<string>;
  finished: Promise<Finished>;
}

/** Runs a fixture with tsx, collecting stdout lines; the child is SIGKILLed at the time limit at the latest. */
function runFixture(
  name: string,
  args: string[],
  onLine: (line: string, child: ChildProcess) => void = () => undefined,
): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let stderr = '';
  let partial = '';
  const limit = setTimeout(() => child.kill('SIGKILL'), CHILD_TIME_LIMIT_MS);

  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      onLine(line, child);
      for (const waiter of waiters.filter((candidate) => candidate.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });

  const finished = new Promise<Finished>((done) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      waiters.splice(0).forEach((waiter) => waiter.reject(new Error(`${name} ended early: ${stderr}`)));
      done({ lines, stderr, code, signal });
    });
  });

  const waitForLine = (pattern: RegExp): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      return Promise.reject(new Error(`${name} already ended: ${stderr}`));
    }
    return new Promise((resolveLine, reject) => waiters.push({ pattern, resolve: resolveLine, reject }));
  };

  return { child, waitForLine, finished };
}

/** The store as STORE=sqlite opens it, migrated. */
async function openFile(path: string): Promise<StoreHandle> {
  const store = openStore({ store: 'sqlite', sqlitePath: path, databaseUrl: '', databasePoolSize: 1 });
  await store.ready();
  return store;
}

describe('the SQLite store across real processes', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-durability-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write when the writing process is killed with SIGKILL', async () => {
    const path = join(dir, 'data', 'relaydesk.db');
    const wantedAcks = 200;
    let acks = 0;
    const run = runFixture('write-acknowledged.ts', [path, '1000000'], (line, child) => {
      if (line.startsWith('ack ')) {
        acks += 1;
        if (acks === wantedAcks) {
          child.kill('SIGKILL');
        }
      }
    });
    const { lines, stderr, signal } = await run.finished;

    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    const acknowledged = lines.filter((line) => line.startsWith('ack ')).map((line) => Number(line.slice(4)));
    expect(acknowledged.length).toBeGreaterThanOrEqual(wantedAcks);
    expect(acknowledged).toEqual(acknowledged.map((_, index) => index));

    const raw = new Database(path);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }

    const opened = await openFile(path);
    try {
      const customers = createCustomerRepository(opened.database);
      const missing: number[] = [];
      for (const index of acknowledged) {
        const found = await customers.get(`customer-${index}`);
        if (found) expect(found).toMatchObject(customerRow(`customer-${index}`, index));
        else missing.push(index);
      }
      expect(missing).toEqual([]);
      // The progress counter is updated (not created) on every step; at most the one unacknowledged step is ahead.
      const progress = (await customers.get('progress'))?.rateWindow.count;
      expect([acknowledged.length, acknowledged.length + 1]).toContain(progress);
    } finally {
      await opened.close();
    }
  });

  it('ends with exactly 200 when two processes increment one counter 100 times each', async () => {
    const path = join(dir, 'shared.db');
    // Create and migrate the file first, so the children start at once and race only on the counter.
    await (await openFile(path)).close();
    const children = [0, 1].map(() => runFixture('increment-counter.ts', [path, 'shared', '100']));

    await Promise.all(children.map((run) => run.waitForLine(/^ready$/)));
    children.forEach((run) => run.child.stdin?.write('go\n'));
    const results = await Promise.all(children.map((run) => run.finished));

    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.lines).toContain('done');
    }
    const opened = await openFile(path);
    try {
      const counter = await createCustomerRepository(opened.database).get('shared');
      expect(counter?.rateWindow.count).toBe(200);
    } finally {
      await opened.close();
    }
  });
});
