/**
 * The server under test, in a child process of bench/run.ts so the load generator and the fake connector do not
 * share its event loop (or its heap, for the memory figures). Started with the TargetSpec as JSON in argv[2]; it
 * answers `Ready` once listening, then the parent's requests (probe, stats, stop) over IPC.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pino from 'pino';
import { BUILD_DIR } from './build';
import type { Probe, Ready, Reply, Request, TargetSpec, TargetStats } from './protocol';

interface Target {
  readonly url: string;
  stats(): Promise<TargetStats>;
  close(): Promise<void>;
}

const ERROR_SAMPLES = 5;

/**
 * A module of the build (`dist/`, tsc's JavaScript), which is what `npm start` runs. Imported from the sources it ran
 * through tsx, whose transform wraps every function made at run time in a call that keeps its name (and more): in CPU
 * profiles of the relay rows Relaydesk's steady-state work was about 12 % smaller from the build than from the sources.
 */
function fromBuild<T>(module: string): Promise<T> {
  return import(pathToFileURL(join(BUILD_DIR, `${module}.js`)).href) as Promise<T>;
}

async function startRelaydeskTarget(spec: TargetSpec): Promise<Target> {
  const { loadConfig } = await fromBuild<typeof import('../src/config/config')>('config/config');
  const { createLogger } = await fromBuild<typeof import('../src/logging/logger')>('logging/logger');
  // As src/main.ts does: restify pulls in http-deceiver, whose load-time deprecation warning is noise here.
  process.noDeprecation = true;
  const { startRelaydesk } = await fromBuild<typeof import('../src/app-host')>('app-host');
  process.noDeprecation = false;

  const result = loadConfig(spec.env);
  if (!result.ok) throw new Error(`configuration: ${result.errors.join('; ')}`);
  const logPath = join(spec.dir, 'relaydesk.log');
  // The log is written as `npm start` writes stdout (pino, synchronously), to a file the parent never reads
  // while the load runs.
  const logger = createLogger({
    level: result.config.logLevel,
    destination: pino.destination({ dest: logPath, sync: true }),
  });
  const app = await startRelaydesk(result.config, logger);
  const dbPath = result.config.sqlitePath;
  return {
    url: app.url,
    stats: async () => ({
      ...logCounts(logPath),
      outboxPending: await app.outboxPending(),
      dbBytes: liveDatabaseBytes(dbPath),
    }),
    close: () => app.close(),
  };
}

async function startEchoTarget(): Promise<Target> {
  process.noDeprecation = true;
  const { startEchoBot } = await import('./echo-bot');
  process.noDeprecation = false;
  const bot = await startEchoBot();
  return {
    url: bot.url,
    stats: () =>
      Promise.resolve({
        errors: bot.turnErrors(),
        warnings: 0,
        errorSamples: [],
        warningSamples: [],
        outboxPending: 0,
        dbBytes: 0,
      }),
    close: () => bot.close(),
  };
}

/**
 * The pages the database uses, read through a second, read-only connection (it sees what the WAL holds too): the
 * file's size would count the WAL, which grows until a checkpoint, and free pages.
 */
function liveDatabaseBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  } finally {
    db.close();
  }
}

function logCounts(
  logPath: string,
): Pick<TargetStats, 'errors' | 'warnings' | 'errorSamples' | 'warningSamples'> {
  let errors = 0;
  let warnings = 0;
  const errorSamples: string[] = [];
  const warningSamples: string[] = [];
  const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    let level = 0;
    try {
      const parsed = JSON.parse(line) as { level?: unknown };
      level = typeof parsed.level === 'number' ? parsed.level : 0;
    } catch {
      // A line that is not JSON is not pino's; count it as an error, it should not be there.
      level = 50;
    }
    if (level >= 50) {
      errors += 1;
      if (errorSamples.length < ERROR_SAMPLES) errorSamples.push(line.slice(0, 400));
    } else if (level >= 40) {
      warnings += 1;
      if (warningSamples.length < ERROR_SAMPLES) warningSamples.push(line.slice(0, 400));
    }
  }
  return { errors, warnings, errorSamples, warningSamples };
}

function probe(collect: boolean): Probe {
  const gc = (globalThis as { gc?: () => void }).gc;
  const collected = collect && typeof gc === 'function';
  if (collected) {
    gc();
    gc();
  }
  // Read after the collections: their CPU is not the next row's.
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const memory = process.memoryUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    elu: { idle: elu.idle, active: elu.active },
    memory: {
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      rss: memory.rss,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      peakRss: process.resourceUsage().maxRSS * 1024,
    },
    collected,
  };
}

function send(message: Ready | Reply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as TargetSpec;
  let target: Target;
  try {
    target = spec.kind === 'echo' ? await startEchoTarget() : await startRelaydeskTarget(spec);
  } catch (error) {
    await send({
      ready: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
  process.on('message', (raw: Request) => {
    void (async () => {
      try {
        if (raw.op === 'probe') await send({ id: raw.id, ok: true, probe: probe(raw.gc) });
        else if (raw.op === 'stats') await send({ id: raw.id, ok: true, stats: await target.stats() });
        else {
          await target.close();
          await send({ id: raw.id, ok: true });
          process.exit(0);
        }
      } catch (error) {
        await send({ id: raw.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  // The parent going away (it crashed, or was killed) ends this process too.
  process.on('disconnect', () => process.exit(1));
  await send({ ready: true, url: target.url });
}

void main();
