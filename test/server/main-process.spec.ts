import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const mainPath = join(__dirname, '..', '..', 'src', 'main.ts');
// An absolute loader URL, so the child can run from a temp dir without its own node_modules.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface RunningMain {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

function startMain(cwd: string, env: Record<string, string>): RunningMain {
  // A minimal environment, so nothing from the developer's shell (PORT, STORE …) leaks in.
  const child = spawn(process.execPath, ['--import', tsxLoader, mainPath], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the first JSON log line whose msg matches; rejects if the process exits or the wait runs out. */
function waitForLogLine(
  main: RunningMain,
  pattern: RegExp,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const lines = main.stdout().split('\n');
      lines.pop(); // the last piece may be a line still being written
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (typeof entry.msg === 'string' && pattern.test(entry.msg)) {
          finish();
          resolve(entry);
          return;
        }
      }
    };
    const onExit = () => {
      finish();
      reject(
        new Error(
          `main exited before logging ${pattern}\nstdout:\n${main.stdout()}\nstderr:\n${main.stderr()}`,
        ),
      );
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no log line ${pattern} within ${timeoutMs} ms\nstdout:\n${main.stdout()}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      main.child.stdout?.off('data', check);
      main.child.off('exit', onExit);
    };
    main.child.stdout?.on('data', check);
    main.child.once('exit', onExit);
    check();
  });
}

function withinMs<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('main as a process', () => {
  let dir: string;
  let running: RunningMain | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-main-'));
  });
  afterEach(() => {
    if (running && running.child.exitCode === null && running.child.signalCode === null)
      running.child.kill('SIGKILL');
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 on bad configuration, printing the header and one line per bad key, no stack trace', async () => {
    running = startMain(dir, { PORT: 'abc', STORE: 'nope', SQLITE_PATH: join(dir, 'never.db') });
    const exit = await withinMs(running.exited, 20_000, 'exit on bad config');

    expect(exit).toEqual({ code: 1, signal: null });
    expect(running.stderr()).toBe(
      [
        'relaydesk: configuration error',
        'PORT: "abc" is not a number between 0 and 65535',
        'STORE: "nope" is not one of sqlite, postgres, memory',
        '',
      ].join('\n'),
    );
    expect(running.stderr()).not.toContain('    at ');
    expect(running.stdout()).toBe('');
  });

  it('starts with a good environment and .env, logs the real URL, answers /healthz and exits 0 on SIGTERM', async () => {
    // The environment wins over .env: PORT comes from the environment, STORE only from the file.
    writeFileSync(join(dir, '.env'), 'PORT=abc\nSTORE=memory\nAGENT_IDS=agent-a, agent-b\n');
    running = startMain(dir, { PORT: '0', SQLITE_PATH: join(dir, 'relaydesk.db') });

    const started = await waitForLogLine(running, /^relaydesk listening on /, 20_000);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/messages$/);
    expect(started.url).not.toMatch(/:0\//);
    expect(started).toMatchObject({ store: 'memory', agents: ['agent-a', 'agent-b'] });

    const health = await fetch(new URL('/healthz', String(started.url)));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'memory' });
    const ready = await fetch(new URL('/readyz', String(started.url)));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', failing: [] });

    running.child.kill('SIGTERM');
    const exit = await withinMs(running.exited, 10_000, 'shutdown after SIGTERM');

    expect(exit).toEqual({ code: 0, signal: null });
    expect(running.stdout()).toContain('"msg":"drained"');
    expect(running.stdout()).toContain('"msg":"relaydesk stopped"');
    expect(running.stderr()).toBe('');
    await expect(fetch(new URL('/healthz', String(started.url)))).rejects.toThrow();
  });

  it('exits 1 with one clear line when STORE=postgres cannot reach its server, never showing DATABASE_URL', async () => {
    running = startMain(dir, {
      PORT: '0',
      STORE: 'postgres',
      // A loopback port nothing listens on (the discard port, unused on a test machine).
      DATABASE_URL: 'postgres://desk:s3cret-pw@127.0.0.1:9/relaydesk',
    });
    const exit = await withinMs(running.exited, 30_000, 'exit when PostgreSQL is unreachable');

    expect(exit).toEqual({ code: 1, signal: null });
    expect(running.stderr()).toBe(
      'relaydesk: cannot start: The postgres store is not reachable: connect ECONNREFUSED 127.0.0.1:9\n',
    );
    expect(running.stdout()).toContain('"msg":"relaydesk failed to start"');
    expect(running.stdout() + running.stderr()).not.toContain('s3cret-pw');
  }, 40_000);

  it('starts on sqlite in anonymous mode with the Agents Playground user as agent', async () => {
    running = startMain(dir, { PORT: '0', SQLITE_PATH: join(dir, 'data', 'relaydesk.db') });

    const started = await waitForLogLine(running, /^relaydesk listening on /, 20_000);
    expect(started).toMatchObject({
      store: 'sqlite',
      auth: 'anonymous',
      // One agent: the Playground user, known by its aadObjectId and by user-id-0.
      agents: ['00000000-0000-0000-0000-0000000000020'],
    });

    running.child.kill('SIGINT');
    expect(await withinMs(running.exited, 10_000, 'shutdown after SIGINT')).toEqual({
      code: 0,
      signal: null,
    });
  });

  it('exits at once on a second signal while the first shutdown still waits for a request', async () => {
    running = startMain(dir, { PORT: '0', STORE: 'memory' });
    const started = new URL(String((await waitForLogLine(running, /^relaydesk listening on /, 20_000)).url));

    // A request whose headers never finish keeps the connection busy, so close() has to wait for it.
    const socket = connect(Number(started.port), started.hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    try {
      running.child.kill('SIGTERM');
      await waitForLogLine(running, /^relaydesk shutting down$/, 10_000);
      running.child.kill('SIGTERM');
      const exit = await withinMs(running.exited, 10_000, 'forced exit after a second signal');

      expect(exit).toEqual({ code: 1, signal: null });
      expect(running.stdout()).toContain('"msg":"second signal, exiting without waiting"');
      expect(running.stdout()).not.toContain('"msg":"relaydesk stopped"');
    } finally {
      socket.destroy();
    }
  });
});
