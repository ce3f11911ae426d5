import { packageStartFlags } from '../../scripts/start-flags';
import { UNLIMITED_TEAMS } from './harness';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const mainPath = join(__dirname, '..', '..', 'src', 'main.ts');
// The Node options `npm start` runs the server with (package.json).
const startFlags = packageStartFlags(join(__dirname, '..', '..'));
// An absolute loader URL, so the child can run from a temp dir without its own node_modules.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * `npm start` as the reliability suite runs it: `node --import tsx src/main.ts` in a child process with only the
 * environment given (plus PATH), in `cwd` (so no .env of the repository is read). It is SIGKILLed at `timeLimitMs`
 * at the latest.
 */
export class RelaydeskProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<Exit>;

  private constructor(
    readonly child: ChildProcess,
    timeLimitMs: number,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    const limit = setTimeout(() => child.kill('SIGKILL'), timeLimitMs);
    this.exited = new Promise<Exit>((resolve) =>
      child.on('close', (code, signal) => {
        clearTimeout(limit);
        resolve({ code, signal });
      }),
    );
  }

  /** Starts the process and resolves once it logs the address it listens on. */
  static async start(
    cwd: string,
    env: Record<string, string>,
    options: { startTimeoutMs?: number; timeLimitMs?: number } = {},
  ): Promise<{ process: RelaydeskProcess; url: string; baseUrl: string }> {
    const child = spawn(process.execPath, [...startFlags, '--import', tsxLoader, mainPath], {
      cwd,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...UNLIMITED_TEAMS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = new RelaydeskProcess(child, options.timeLimitMs ?? 120_000);
    const listening = await running.waitForLog(/^relaydesk listening on /, options.startTimeoutMs ?? 30_000);
    const url = String(listening['url']);
    return { process: running, url, baseUrl: url.replace(/\/api\/messages$/, '') };
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[] {
    return this.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** Resolves with the first log line whose msg matches; rejects if the process ends or the wait runs out. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const find = () =>
        this.logLines().find((line) => typeof line['msg'] === 'string' && pattern.test(line['msg']));
      const check = () => {
        const line = find();
        if (!line) return;
        finish();
        resolve(line);
      };
      const onExit = () => {
        finish();
        reject(new Error(`relaydesk exited before logging ${pattern}\nstderr:\n${this.err}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no log line ${pattern} within ${timeoutMs} ms\nstderr:\n${this.err}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends the signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
