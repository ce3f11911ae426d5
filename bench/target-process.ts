import { fork, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Probe, Ready, Reply, Request, TargetSpec, TargetStats } from './protocol';

// An absolute loader URL, as test/support/relaydesk-process.ts uses, so the child finds tsx wherever it runs.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const targetPath = join(__dirname, 'target.ts');

type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/**
 * A server under test in its own process (bench/target.ts), started with --expose-gc so memory is read after a
 * full collection, and with the Node options `npm start` gives Relaydesk (scripts/start-flags.ts). Every request has
 * a time limit, and the process is SIGKILLed at `lifetimeMs` at the latest.
 */
export class TargetProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (e: Error) => void }
  >();
  private exitError: Error | undefined;
  private readonly lifetime: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly spec: TargetSpec,
    lifetimeMs: number,
  ) {
    this.lifetime = setTimeout(() => child.kill('SIGKILL'), lifetimeMs);
    this.lifetime.unref();
    child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      waiter.resolve(message);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(this.lifetime);
      this.exitError = new Error(`${spec.kind} process exited (code ${code}, signal ${signal})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exitError);
      this.pending.clear();
    });
  }

  static start(
    spec: TargetSpec,
    options: {
      startTimeoutMs: number;
      lifetimeMs: number;
      nodeFlags: readonly string[];
      cpuProfileDir?: string;
    },
  ): Promise<TargetProcess> {
    // One folder per process: V8 names the files by pid and thread (the tsx loader thread writes one too).
    const profile = options.cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfileDir, `${spec.kind}-${basename(spec.dir)}`)}`]
      : [];
    const child = fork(targetPath, [JSON.stringify(spec)], {
      execArgv: ['--expose-gc', ...options.nodeFlags, ...profile, '--import', tsxLoader],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${spec.kind} did not start within ${options.startTimeoutMs} ms`));
      }, options.startTimeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${spec.kind} exited during start (code ${code})`));
      };
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        if (!message.ready) {
          child.kill('SIGKILL');
          reject(new Error(`${spec.kind} failed to start: ${message.error}`));
          return;
        }
        resolve(new TargetProcess(child, message.url, spec, options.lifetimeMs));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async probe(gc: boolean): Promise<Probe> {
    const reply = await this.request({ op: 'probe', gc }, 30_000);
    if (!reply.probe) throw new Error('probe: no figures in the answer');
    return reply.probe;
  }

  async stats(): Promise<TargetStats> {
    const reply = await this.request({ op: 'stats' }, 30_000);
    if (!reply.stats) throw new Error('stats: no figures in the answer');
    return reply.stats;
  }

  /** Closes the server cleanly (Relaydesk: sweeper, HTTP, outbox, store); kills it if that takes too long. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.exitError) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request({ op: 'stop' }, timeoutMs);
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
  }

  /** For a failing run: no clean close. */
  kill(): void {
    if (!this.exitError) this.child.kill('SIGKILL');
  }

  private request(body: RequestBody, timeoutMs: number): Promise<Reply & { ok: true }> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.kind}: no answer to ${body.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.ok) resolve(reply);
          else reject(new Error(`${this.spec.kind}: ${body.op} failed: ${reply.error}`));
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...body, id });
    });
  }
}
