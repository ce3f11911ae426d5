/**
 * The benchmark (`npm run bench`; not part of `npm test`, and it asserts no timing): Relaydesk's relay
 * throughput and latency against the bare botbuilder echo bot in the same run, and its memory per session.
 *
 * Everything is on 127.0.0.1. This process is the load generator and the fake Bot Connector; each server under
 * test runs in a child process (bench/target.ts, with --expose-gc). Relaydesk runs as `npm start` runs it: the
 * system clock, its sweeper and outbox timers, STORE=sqlite on a file in a temp folder (removed afterwards), the
 * log at info written synchronously (to a file in that folder). Settings that differ from the defaults:
 * RATE_LIMIT_PER_MINUTE=0 (the load would otherwise be asked to slow down), CONTACTS_FILE=off, and Teams' rate
 * limits lifted (TEAMS_*_LIMIT*): the fake connector here has none, and the rows measure the desk's own cost;
 * AGENT_AWAY_S=86400, as the load's agents read and never write.
 *
 * Exit code 1 when a message is lost, duplicated or misdelivered, a POST fails, a server logs an error, setup
 * fails or the run passes BENCH_TIMEOUT_S: a correctness check, never a timed assertion.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { customerMessage, type TestAgent, type TestCustomer } from '../test/support/activities';
import { BenchConnector, sleep, tokenText } from './connector';
import {
  benchAgent,
  benchCustomer,
  openSessions,
  queueCustomers,
  registerAgents,
  type SetupContext,
} from './desk-setup';
import { startPostgres } from '../test/support/postgres-server';
import { growthRows, growthTable } from './growth';
import { delaySvg, pacedRun, pacedTable, type PacedRun } from './paced';
import { mergedResults, runLoad, type LoadMessage, type LoadResult } from './load';
import type { Probe, TargetKind, TargetSpec } from './protocol';
import { renderReport, rowErrors, throughput, type IdleRow, type MemoryRow, type RelayRow } from './report';
import { readSettings, SETTINGS_HELP, type BenchSettings } from './settings';
import { TargetProcess } from './target-process';
import { buildServer } from './build';

const repoRoot = resolve(__dirname, '..');
const STEP_TIMEOUT_MS = 15_000;
const SETUP_CONCURRENCY = 4;
const START_TIMEOUT_MS = 60_000;
/** How long a stopping server may take to send what its outbox still holds (a panel waiting for its turn). */
const OUTBOX_SETTLE_MS = 3000;
/** The connector is quiet once no call came for this long (as after each load). */
const QUIET_MS = 250;

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

class Bench {
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  readonly relay: RelayRow[] = [];
  readonly idle: IdleRow[] = [];
  /** Each server's peak RSS over its life, read after the relay rows (warm-up included). */
  readonly peak: IdleRow[] = [];
  readonly memory: MemoryRow[] = [];
  private readonly running = new Set<TargetProcess>();
  private nextToken = 1;

  constructor(
    readonly settings: BenchSettings,
    readonly connector: BenchConnector,
    readonly temp: string,
  ) {}

  async start(kind: TargetKind, name: string, env: Record<string, string> = {}): Promise<TargetProcess> {
    const dir = join(this.temp, name);
    mkdirSync(dir, { recursive: true });
    const spec: TargetSpec = {
      kind,
      dir,
      env:
        kind === 'relaydesk'
          ? {
              PORT: '0',
              HOST: '127.0.0.1',
              STORE: 'sqlite',
              SQLITE_PATH: join(dir, 'relaydesk.db'),
              RATE_LIMIT_PER_MINUTE: '0',
              CONTACTS_FILE: 'off',
              TEAMS_CONVERSATION_LIMITS: '999999/100ms',
              TEAMS_TENANT_LIMIT: '999999/100ms',
              // The bench's agents read and never write: they must not be taken for away (their sessions requeued).
              AGENT_AWAY_S: '86400',
              LOG_LEVEL: 'info',
              ...env,
            }
          : {},
    };
    const target = await TargetProcess.start(spec, {
      startTimeoutMs: START_TIMEOUT_MS,
      lifetimeMs: this.settings.totalTimeoutMs,
      nodeFlags: this.settings.nodeFlags,
      ...(this.settings.cpuProfileDir ? { cpuProfileDir: this.settings.cpuProfileDir } : {}),
    });
    this.running.add(target);
    return target;
  }

  async stop(target: TargetProcess, label: string): Promise<void> {
    let stats = await target.stats();
    // A panel refresh may still be waiting for its turn (at most a second): give it that long, and a little more.
    for (let waited = 0; stats.outboxPending > 0 && waited < OUTBOX_SETTLE_MS; waited += 100) {
      await sleep(100);
      stats = await target.stats();
    }
    if (stats.errors > 0) {
      this.problems.push(
        `${label}: ${stats.errors} error line(s) logged: ${stats.errorSamples.join(' || ')}`,
      );
    }
    if (stats.outboxPending > 0) {
      this.problems.push(`${label}: ${stats.outboxPending} message(s) still in the outbox at the end`);
    }
    if (stats.warnings > 0) {
      this.notes.push(`${label} logged ${stats.warnings} warning(s): ${stats.warningSamples.join(' || ')}`);
    }
    await target.stop();
    this.running.delete(target);
  }

  killAll(): void {
    for (const target of this.running) target.kill();
    this.running.clear();
  }

  setup(target: TargetProcess, http: Agent): SetupContext {
    return { url: target.url, connector: this.connector, http, stepTimeoutMs: STEP_TIMEOUT_MS };
  }

  messages(count: number, customers: readonly TestCustomer[], deliverTo: (c: TestCustomer) => string) {
    return Array.from({ length: count }, (_, index): LoadMessage => {
      const token = this.nextToken++;
      const customer = customers[index % customers.length]!;
      return {
        token,
        body: JSON.stringify(customerMessage(this.connector.serviceUrl, customer, tokenText(token))),
        deliverTo: deliverTo(customer),
      };
    });
  }

  /**
   * Untimed load until the server's CPU per message settles: batches of WARMUP_BATCH, at least settings.warmup
   * messages, until WARMUP_SETTLED_BATCHES batches in a row are within WARMUP_SETTLED of each other, at most 4×
   * settings.warmup. A cold botbuilder process costs about twice its steady CPU per message, which would flatter the
   * slower server. Two batches in a row were not enough: on a VM whose speed swings by 5 % two batches still falling
   * can land that close, and the row after them then measured 10 % below the last batch.
   */
  private async warmUp(
    target: TargetProcess,
    label: string,
    messages: (count: number) => LoadMessage[],
    concurrency: number,
  ): Promise<void> {
    const { warmup } = this.settings;
    const costs: number[] = [];
    let settled = false;
    for (let sent = 0; sent < warmup * 4; sent += WARMUP_BATCH) {
      const before = await target.probe(false);
      const result = await this.load(target, messages(WARMUP_BATCH), concurrency);
      const after = await target.probe(false);
      this.check(`${label}, warm-up`, result);
      costs.push(serverCost(before, after).serverCpuMs / Math.max(1, result.delivered));
      settled = isSettled(costs.slice(-WARMUP_SETTLED_BATCHES));
      if (sent + WARMUP_BATCH >= warmup && settled) break;
    }
    const summary =
      `${label.split(' at ')[0] ?? label} warmed with ${costs.length * WARMUP_BATCH} untimed messages: server CPU ` +
      `per message ${costs[0]?.toFixed(2)} ms in the first batch of ${WARMUP_BATCH}, ${costs.at(-1)?.toFixed(2)} ms ` +
      (settled
        ? `in the last (the last ${WARMUP_SETTLED_BATCHES} within ${WARMUP_SETTLED * 100} % of each other)`
        : `in the last (NOT settled: ${WARMUP_SETTLED_BATCHES} in a row within ${WARMUP_SETTLED * 100} % never came)`);
    this.notes.push(summary);
    log(summary);
  }

  load(
    target: TargetProcess,
    messages: readonly LoadMessage[],
    concurrency: number,
    agent?: Agent,
  ): Promise<LoadResult> {
    return runLoad({
      ...(agent ? { agent } : {}),
      url: target.url,
      messages,
      concurrency,
      connector: this.connector,
      sendWindowMs: this.settings.phaseTimeoutMs,
      deliveryWaitMs: 15_000,
      requestTimeoutMs: STEP_TIMEOUT_MS,
    });
  }

  check(label: string, result: LoadResult): void {
    if (result.lost > 0 || rowErrors(result) > 0) {
      this.problems.push(
        `${label}: ${result.lost} lost, ${result.failed} POST(s) failed, ${result.duplicated} duplicated, ` +
          `${result.misdelivered} misdelivered${result.errorSamples.length ? `: ${result.errorSamples.join(' || ')}` : ''}`,
      );
    }
  }

  /** The agents write to the bot, each customer is accepted by one of them, then the connector goes quiet. */
  private async activeSessions(
    target: TargetProcess,
    http: Agent,
    agents: readonly TestAgent[],
    customers: readonly TestCustomer[],
  ) {
    const ctx = this.setup(target, http);
    await registerAgents(ctx, agents);
    const sessions = await openSessions(
      ctx,
      agents,
      customers,
      SETUP_CONCURRENCY,
      performance.now() + this.settings.phaseTimeoutMs,
    );
    await this.connector.quiet(300, 15_000);
    return sessions;
  }

  /** The relay scenario: the echo bot and Relaydesk side by side, one row each per concurrency level. */
  async relayScenario(): Promise<void> {
    const { settings } = this;
    const perAgent = settings.relaySessionsPerAgent;
    const agents = Array.from({ length: Math.ceil(settings.agents / perAgent) }, (_, index) =>
      benchAgent(index + 1),
    );
    const customers = Array.from({ length: settings.agents }, (_, index) =>
      benchCustomer('relay', index + 1),
    );
    log(`starting the echo bot and Relaydesk (${agents.length} agents)`);
    const capacity = perAgent > 1 ? { MAX_SESSIONS: String(perAgent), AGENT_CAPACITY: String(perAgent) } : {};
    const [echo, desk] = await Promise.all([
      this.start('echo', 'echo'),
      this.start('relaydesk', 'relay', {
        AGENT_IDS: agents.map((agent) => agent.aadObjectId).join(','),
        ...capacity,
      }),
    ]);
    const http = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
    try {
      const setupStart = performance.now();
      const sessions = await this.activeSessions(desk, http, agents, customers);
      const byAgent = new Map<string, number>();
      for (const session of sessions)
        byAgent.set(session.agent.aadObjectId, (byAgent.get(session.agent.aadObjectId) ?? 0) + 1);
      const spread = [...byAgent.values()];
      log(
        `${sessions.length} Active sessions on ${byAgent.size} agents (${Math.min(...spread)}–${Math.max(...spread)} each) ` +
          `in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
      );
      if (byAgent.size !== agents.length) {
        this.notes.push(
          `Routing put the ${sessions.length} relay sessions on ${byAgent.size} of ${agents.length} agents.`,
        );
      }
      const agentOf = new Map(
        sessions.map((session) => [session.customer.userId, session.agent.conversationId]),
      );

      this.idle.push({ process: 'echo bot', memory: (await echo.probe(true)).memory });
      this.idle.push({
        process: `Relaydesk, ${sessions.length} Active sessions`,
        memory: (await desk.probe(true)).memory,
      });

      const targets = [
        {
          target: echo,
          scenario: 'echo bot: POST → echo reply',
          deliverTo: (c: TestCustomer) => c.conversationId,
        },
        {
          target: desk,
          scenario:
            `Relaydesk: customer POST → card in agent chat (${settings.agents} Active sessions` +
            (perAgent > 1 ? `, ${perAgent} per agent)` : ')'),
          deliverTo: (c: TestCustomer) => agentOf.get(c.userId)!,
        },
      ];
      // Each server is warmed once, before its first row: a warm process stays warm for the next rows.
      const warmed = new Set<TargetProcess>();
      for (const concurrency of settings.concurrency) {
        for (const { target, scenario, deliverTo } of targets) {
          if (settings.warmup === 0 || warmed.has(target)) continue;
          const label = `${scenario.split(':')[0]} at concurrency ${concurrency}`;
          await this.warmUp(
            target,
            label,
            (count) => this.messages(count, customers, deliverTo),
            concurrency,
          );
          warmed.add(target);
        }
        // Calls counted over the whole row, per bot: a late panel update of one round arrives during the other bot's.
        const rows = targets.map(
          ({ deliverTo }) => new RoundsTally(this.connector, customers.map(deliverTo)),
        );
        // Each bot's connections stay open from round to round, as a row sent at once keeps them.
        const connections = targets.map(() => new Agent({ keepAlive: true, maxSockets: concurrency }));
        const rounds = Math.min(settings.rounds, settings.messages);
        for (let round = 0; round < rounds; round += 1) {
          const count = roundShare(settings.messages, rounds, round);
          for (const [index, { target, deliverTo }] of targets.entries()) {
            const messages = this.messages(count, customers, deliverTo);
            // Never collected first: a forced full collection resets V8's heap sizing, and the next seconds of
            // scavenges cost the row about a third more CPU per message than the warmed server's steady state.
            const before = await target.probe(false);
            const windowStart = performance.now();
            const clientCpu = process.cpuUsage();
            const result = await this.load(target, messages, concurrency, connections[index]);
            const clientCpuUsed = process.cpuUsage(clientCpu);
            rows[index]!.add(result, before, await target.probe(false), {
              clientCpuMs: (clientCpuUsed.user + clientCpuUsed.system) / 1000,
              windowMs: performance.now() - windowStart,
            });
          }
        }
        await this.connector.quiet(QUIET_MS, STEP_TIMEOUT_MS);
        for (const connection of connections) connection.destroy();
        for (const [index, { scenario }] of targets.entries()) {
          const label = `${scenario.split(':')[0]} at concurrency ${concurrency}`;
          const row: RelayRow = { scenario, concurrency, ...rows[index]!.row(), cores: cpus().length };
          this.relay.push(row);
          this.check(label, row.result);
          log(
            `${label}: ${throughput(row.result).toFixed(0)} msg/s, ${row.result.delivered}/${row.result.planned} ` +
              `delivered in ${rounds} round(s), ${rowErrors(row.result)} error(s)`,
          );
        }
      }
      this.peak.push({ process: 'echo bot', memory: (await echo.probe(false)).memory });
      this.peak.push({ process: 'Relaydesk', memory: (await desk.probe(false)).memory });
      await this.stop(echo, 'echo bot');
      await this.stop(desk, 'Relaydesk (relay scenario)');
    } finally {
      http.destroy();
    }
  }

  /**
   * Two Relaydesk instances on one PostgreSQL database (started here, on 127.0.0.1, as the tests start it), each
   * customer's messages through one of them as a load balancer with affinity would send them; one row at the
   * highest concurrency, the servers' CPU added up.
   */
  async postgresScenario(): Promise<void> {
    const { settings } = this;
    const concurrency = Math.max(...settings.concurrency);
    const agents = Array.from({ length: settings.agents }, (_, index) => benchAgent(index + 1));
    const customers = Array.from({ length: settings.agents }, (_, index) => benchCustomer('pg', index + 1));
    log('starting PostgreSQL and two Relaydesk instances on it');
    const postgres = await startPostgres();
    const http = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
    try {
      const env = {
        STORE: 'postgres',
        DATABASE_URL: postgres.url,
        AGENT_IDS: agents.map((agent) => agent.aadObjectId).join(','),
      };
      const first = await this.start('relaydesk', 'pg-a', env);
      const second = await this.start('relaydesk', 'pg-b', env);
      const sessions = await this.activeSessions(first, http, agents, customers);
      const agentOf = new Map(
        sessions.map((session) => [session.customer.userId, session.agent.conversationId]),
      );
      const instanceOf = new Map(
        customers.map((customer, index) => [customer.userId, index % 2 ? second : first]),
      );
      const spread = (count: number) =>
        this.messages(count, customers, (c) => agentOf.get(c.userId)!).map((message, index) => ({
          ...message,
          url: instanceOf.get(customers[index % customers.length]!.userId)!.url,
        }));
      const label = `Relaydesk ×2 on PostgreSQL at concurrency ${concurrency}`;
      // Untimed warm-up of both instances (their messages are spread as the measured ones are).
      for (let sent = 0; sent < settings.warmup; sent += WARMUP_BATCH) {
        this.check(`${label}, warm-up`, await this.load(first, spread(WARMUP_BATCH), concurrency));
      }
      const before = await Promise.all([first.probe(false), second.probe(false)]);
      const windowStart = performance.now();
      const clientCpu = process.cpuUsage();
      const result = await this.load(first, spread(settings.messages), concurrency);
      const clientCpuUsed = process.cpuUsage(clientCpu);
      const windowMs = performance.now() - windowStart;
      const after = await Promise.all([first.probe(false), second.probe(false)]);
      const costs = [serverCost(before[0], after[0]), serverCost(before[1], after[1])];
      this.relay.push({
        scenario: `Relaydesk ×2 on one PostgreSQL: customer POST → card in agent chat (${sessions.length} Active sessions)`,
        concurrency,
        result,
        serverCpuMs: costs[0]!.serverCpuMs + costs[1]!.serverCpuMs,
        serverElu: (costs[0]!.serverElu + costs[1]!.serverElu) / 2,
        clientCpuMs: (clientCpuUsed.user + clientCpuUsed.system) / 1000,
        windowMs,
        cores: cpus().length,
      });
      this.check(label, result);
      log(
        `${label}: ${throughput(result).toFixed(0)} msg/s, ${result.delivered}/${result.planned} delivered`,
      );
      await this.stop(first, 'Relaydesk on PostgreSQL (A)');
      await this.stop(second, 'Relaydesk on PostgreSQL (B)');
    } finally {
      http.destroy();
      await postgres.stop();
    }
  }

  /** Memory per Active session: a fresh Relaydesk, agents with free capacity, S customers accepted. */
  async activeSessionsMemory(): Promise<void> {
    const { settings } = this;
    const total = settings.memoryWarmup + settings.sessions;
    const agents = Array.from({ length: Math.ceil(total / settings.sessionsPerAgent) }, (_, index) =>
      benchAgent(index + 1),
    );
    const warm = Array.from({ length: settings.memoryWarmup }, (_, index) =>
      benchCustomer('warm', index + 1),
    );
    const measured = Array.from({ length: settings.sessions }, (_, index) =>
      benchCustomer('memory', index + 1),
    );
    log(`memory: ${settings.sessions} Active sessions on ${agents.length} agents`);
    const desk = await this.start('relaydesk', 'memory-active', {
      AGENT_IDS: agents.map((agent) => agent.aadObjectId).join(','),
      MAX_SESSIONS: String(settings.sessionsPerAgent),
      AGENT_CAPACITY: String(settings.sessionsPerAgent),
    });
    const http = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
    try {
      const ctx = this.setup(desk, http);
      const deadline = performance.now() + settings.phaseTimeoutMs;
      await registerAgents(ctx, agents);
      await openSessions(ctx, agents, warm, SETUP_CONCURRENCY, deadline);
      await this.connector.quiet(300, 15_000);
      await this.measureGrowth(
        desk,
        'Relaydesk, Active sessions (customer accepted)',
        measured.length,
        async () => {
          const started = performance.now();
          await openSessions(ctx, agents, measured, SETUP_CONCURRENCY, deadline);
          await this.connector.quiet(300, 15_000);
          log(
            `memory: opened ${measured.length} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
          );
        },
      );
      await this.stop(desk, 'Relaydesk (memory, Active sessions)');
    } finally {
      http.destroy();
    }
  }

  /** Reads the server's memory (after full collections) and SQLite file size around `grow`, as one memory row. */
  private async measureGrowth(
    desk: TargetProcess,
    scenario: string,
    count: number,
    grow: () => Promise<void>,
  ): Promise<void> {
    const before = await desk.probe(true);
    const dbBefore = (await desk.stats()).dbBytes;
    await grow();
    const after = await desk.probe(true);
    const dbAfter = (await desk.stats()).dbBytes;
    this.memory.push({
      scenario,
      count,
      before: before.memory,
      after: after.memory,
      dbBytesBefore: dbBefore,
      dbBytesAfter: dbAfter,
      collected: before.collected && after.collected,
    });
  }

  /** Memory per queued work item: a fresh Relaydesk whose only agent never signs in, S customers writing. */
  async queuedItemsMemory(): Promise<void> {
    const { settings } = this;
    const warm = Array.from({ length: settings.memoryWarmup }, (_, index) =>
      benchCustomer('warm-queue', index + 1),
    );
    const measured = Array.from({ length: settings.sessions }, (_, index) =>
      benchCustomer('queue', index + 1),
    );
    log(`memory: ${settings.sessions} work items waiting in the queue`);
    const desk = await this.start('relaydesk', 'memory-queued', { AGENT_IDS: benchAgent(1).aadObjectId });
    const http = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
    try {
      const ctx = this.setup(desk, http);
      const deadline = performance.now() + settings.phaseTimeoutMs;
      await queueCustomers(ctx, warm, SETUP_CONCURRENCY, deadline);
      await this.connector.quiet(300, 15_000);
      await this.measureGrowth(
        desk,
        'Relaydesk, work items waiting in the queue (no agent reachable)',
        measured.length,
        async () => {
          await queueCustomers(ctx, measured, SETUP_CONCURRENCY, deadline);
          await this.connector.quiet(300, 15_000);
        },
      );
      await this.stop(desk, 'Relaydesk (memory, queued work items)');
    } finally {
      http.destroy();
    }
  }
}

/** Messages per warm-up batch, and how close the last batches' CPU per message must be to call it settled. */
const WARMUP_BATCH = 1000;
const WARMUP_SETTLED = 0.05;
const WARMUP_SETTLED_BATCHES = 3;

/** Whether the warm-up batches' CPU per message (the last few) lie within WARMUP_SETTLED of each other. */
function isSettled(costs: readonly number[]): boolean {
  if (costs.length < WARMUP_SETTLED_BATCHES) return false;
  const low = Math.min(...costs);
  return Math.max(...costs) <= low * (1 + WARMUP_SETTLED);
}

/** Messages of a row sent in round `round` of `rounds`: equal shares, the remainder in the first rounds. */
function roundShare(messages: number, rounds: number, round: number): number {
  return Math.floor(messages / rounds) + (round < messages % rounds ? 1 : 0);
}

/** A row's figures added up over its rounds, and the connector calls to its conversations from start to end. */
class RoundsTally {
  private readonly results: LoadResult[] = [];
  private readonly calls0: { readonly posts: number; readonly updates: number };
  private serverCpuMs = 0;
  private eluActive = 0;
  private eluIdle = 0;
  private clientCpuMs = 0;
  private windowMs = 0;

  constructor(
    private readonly connector: BenchConnector,
    private readonly conversationIds: readonly string[],
  ) {
    this.calls0 = connector.callsTo(conversationIds);
  }

  add(
    result: LoadResult,
    before: Probe,
    after: Probe,
    client: { clientCpuMs: number; windowMs: number },
  ): void {
    this.results.push(result);
    this.serverCpuMs += (after.cpuMicros - before.cpuMicros) / 1000;
    this.eluActive += after.elu.active - before.elu.active;
    this.eluIdle += after.elu.idle - before.elu.idle;
    this.clientCpuMs += client.clientCpuMs;
    this.windowMs += client.windowMs;
  }

  row(): Omit<RelayRow, 'scenario' | 'concurrency' | 'cores'> {
    const calls = this.connector.callsTo(this.conversationIds);
    const busy = this.eluActive + this.eluIdle;
    return {
      result: {
        ...mergedResults(this.results),
        connectorPosts: calls.posts - this.calls0.posts,
        connectorUpdates: calls.updates - this.calls0.updates,
      },
      serverCpuMs: this.serverCpuMs,
      serverElu: busy > 0 ? this.eluActive / busy : 0,
      clientCpuMs: this.clientCpuMs,
      windowMs: this.windowMs,
    };
  }
}

function serverCost(before: Probe, after: Probe): { serverCpuMs: number; serverElu: number } {
  const active = after.elu.active - before.elu.active;
  const idle = after.elu.idle - before.elu.idle;
  return {
    serverCpuMs: (after.cpuMicros - before.cpuMicros) / 1000,
    serverElu: active + idle > 0 ? active / (active + idle) : 0,
  };
}

function packageVersion(name: string): string {
  try {
    const parsed = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return parsed.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' (src/ has uncommitted changes)' : ''}`;
}

function machineFacts(settings: BenchSettings): [string, string][] {
  const cores = cpus();
  return [
    ['Date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
    [
      'Machine',
      `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${process.platform} ${process.arch}`,
    ],
    ['Node', process.version],
    ['Relaydesk runs from', 'its build (dist/, made by npm run build before the run), as npm start runs it'],
    [
      'Node options of both servers',
      settings.nodeFlags.length > 0 ? settings.nodeFlags.join(' ') : "none (Node's defaults)",
    ],
    [
      'Load average at start (1 / 5 / 15 min)',
      loadavg()
        .map((value) => value.toFixed(2))
        .join(' / '),
    ],
    [
      'Relaydesk',
      `${gitRevision()}; botbuilder ${packageVersion('botbuilder')}, restify ${packageVersion('restify')}, better-sqlite3 ${packageVersion('better-sqlite3')}`,
    ],
    [
      'Load',
      `${settings.messages} timed messages per row, sent in ${settings.rounds} round(s) with the echo bot's and Relaydesk's rows in turn, each server first warmed with at least ${settings.warmup} untimed ones until its CPU per message settled (see Notes), from ${settings.agents} customers in turn ` +
        `(customer i % ${settings.agents}); memory: ${settings.sessions} items after ${settings.memoryWarmup} untimed`,
    ],
  ];
}

/**
 * The simulated hour with Teams' limits and without: its table, and the paced run's delays drawn beside the report
 * (paced-delay.svg). A lost or duplicated message or a 429 is a problem, as in the relay rows.
 */
async function growthSection(bench: Bench): Promise<string> {
  try {
    log('growth rows: relayed message, queued customer and session load at 100 and 5,000');
    return growthTable(await growthRows());
  } catch (error) {
    bench.problems.push(`growth rows stopped: ${error instanceof Error ? error.message : String(error)}`);
    return '';
  }
}

async function pacedSection(bench: Bench, reportPath: string): Promise<string> {
  try {
    log("paced scenario: a simulated hour, one agent with 10 sessions, Teams' limits and then none");
    const runs: PacedRun[] = [await pacedRun("Teams' limits", {}), await pacedRun('unlimited')];
    for (const run of runs) {
      if (run.shown !== run.messages || run.duplicated > 0 || run.throttled > 0) {
        bench.problems.push(
          `paced scenario (${run.name}): ${run.messages - run.shown} lost, ${run.duplicated} duplicated, ${run.throttled} × 429`,
        );
      }
    }
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(join(dirname(reportPath), 'paced-delay.svg'), `${delaySvg(runs[0]!)}\n`);
    return `## Paced: a simulated hour in Teams' limits\n\n${pacedTable(runs)}\n\nDelays drawn in paced-delay.svg beside this report.\n`;
  } catch (error) {
    bench.problems.push(`paced scenario stopped: ${error instanceof Error ? error.message : String(error)}`);
    return '';
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    process.stdout.write(
      [
        'npm run bench [-- --help]',
        '',
        ...SETTINGS_HELP.map(([key, text]) => `  ${key.padEnd(22)} ${text}`),
      ].join('\n') + '\n',
    );
    return 0;
  }
  buildServer();
  const settings = readSettings(process.env, join(repoRoot, 'test-artifacts', 'bench', 'report.md'));
  const facts = machineFacts(settings);
  const connector = await BenchConnector.start();
  const temp = mkdtempSync(join(tmpdir(), 'relaydesk-bench-'));
  const bench = new Bench(settings, connector, temp);
  const hardStop = setTimeout(() => {
    process.stderr.write(`[bench] BENCH_TIMEOUT_S (${settings.totalTimeoutMs / 1000} s) passed: stopping\n`);
    bench.killAll();
    rmSync(temp, { recursive: true, force: true });
    process.exit(1);
  }, settings.totalTimeoutMs);
  hardStop.unref();
  const started = performance.now();
  try {
    const { scenarios } = settings;
    if (scenarios.has('relay')) await bench.relayScenario();
    if (scenarios.has('postgres')) await bench.postgresScenario();
    if (scenarios.has('memory')) {
      await bench.activeSessionsMemory();
      await bench.queuedItemsMemory();
    }
  } catch (error) {
    bench.problems.push(
      `run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    bench.killAll();
  } finally {
    clearTimeout(hardStop);
    await connector.close();
    rmSync(temp, { recursive: true, force: true });
  }
  const growth = settings.scenarios.has('growth') ? await growthSection(bench) : '';
  const paced = settings.scenarios.has('paced') ? await pacedSection(bench, settings.reportPath) : '';
  bench.notes.push(`The whole run took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  const report = renderReport({
    title: 'Relaydesk benchmark',
    facts: [
      ...facts,
      [
        'Load average at the end',
        loadavg()
          .map((value) => value.toFixed(2))
          .join(' / '),
      ],
    ],
    relay: bench.relay,
    idle: bench.idle,
    peak: bench.peak,
    memory: bench.memory,
    notes: bench.notes,
    problems: bench.problems,
  });
  mkdirSync(dirname(settings.reportPath), { recursive: true });
  const full = [report, growth && `## Growth\n\n${growth}\n`, paced].filter((part) => part !== '').join('\n');
  writeFileSync(settings.reportPath, full);
  process.stdout.write(`\n${full}\n`);
  log(`report written to ${relative(process.cwd(), settings.reportPath) || settings.reportPath}`);
  return bench.problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
