/** The benchmark's sizes, from BENCH_* environment variables; every one is bounded. */
import { resolve } from 'node:path';
import { checkNodeFlags, packageStartFlags } from '../scripts/start-flags';

export interface BenchSettings {
  /** Timed messages per scenario row. */
  readonly messages: number;
  /** One row per level, for each of the echo bot and Relaydesk. */
  readonly concurrency: readonly number[];
  /**
   * A row's messages are sent in this many rounds, the echo bot's and Relaydesk's in turn, so both rows of a level
   * see the same machine: this VM's speed drifts by ±20 % within minutes, and one row after the other compared the
   * bots at different speeds.
   */
  readonly rounds: number;
  /** Active sessions (and customers) in the relay scenario: one per agent unless relaySessionsPerAgent says more. */
  readonly agents: number;
  /**
   * Sessions each agent of the relay scenario works at once. With one (the default), every message is for the session
   * the agent has open, and their panel shows nothing new; with more, most are for sessions in the background, so
   * each one changes the panel (its unread count) and the panel card is updated too.
   */
  readonly relaySessionsPerAgent: number;
  /**
   * Untimed messages before a server's first timed row, at least: warm-up goes on in batches until the server's
   * CPU per message settles (three batches in a row within WARMUP_SETTLED of each other), at most 4× this.
   */
  readonly warmup: number;
  /** Sessions (and queued work items) opened for the memory figures. */
  readonly sessions: number;
  /** Sessions opened (and queued items) before the memory baseline is read. */
  readonly memoryWarmup: number;
  /** Relaydesk's MAX_SESSIONS (= AGENT_CAPACITY) in the memory scenario. */
  readonly sessionsPerAgent: number;
  /** No new POST of a timed row starts after this. */
  readonly phaseTimeoutMs: number;
  /** The whole run is cut off (children killed, exit 1) after this. */
  readonly totalTimeoutMs: number;
  readonly reportPath: string;
  /** When set, each server process writes a V8 CPU profile (.cpuprofile) there. */
  readonly cpuProfileDir?: string;
  /** The parts of the run to do (all by default): a profile or a quick check can run the relay rows alone. */
  readonly scenarios: ReadonlySet<BenchScenario>;
  /** The Node options both servers run with: `npm start`'s unless BENCH_NODE_FLAGS says otherwise. */
  readonly nodeFlags: readonly string[];
}

export const BENCH_SCENARIOS = ['relay', 'postgres', 'memory', 'growth', 'paced'] as const;
export type BenchScenario = (typeof BENCH_SCENARIOS)[number];

export const SETTINGS_HELP: readonly [string, string][] = [
  ['BENCH_MESSAGES', 'timed messages per row (default 2000)'],
  ['BENCH_CONCURRENCY', 'comma-separated POSTs in flight, one row each (default 1,16)'],
  ['BENCH_ROUNDS', 'rounds a row is sent in, the two bots in turn (default 5)'],
  ['BENCH_AGENTS', 'customers = Active sessions in the relay scenario (default 20)'],
  [
    'BENCH_RELAY_SESSIONS_PER_AGENT',
    'sessions each relay agent works at once (default 1: every message is for the open session)',
  ],
  [
    'BENCH_WARMUP',
    'untimed messages at least before a server is timed, until its CPU per message settles (default 5000)',
  ],
  ['BENCH_SESSIONS', 'sessions / queued work items for the memory figures (default 200)'],
  ['BENCH_MEMORY_WARMUP', 'sessions / queued items opened before the memory baseline (default 100)'],
  ['BENCH_PHASE_TIMEOUT_S', 'send window of one row (default 60)'],
  ['BENCH_TIMEOUT_S', 'hard limit of the whole run (default 600)'],
  ['BENCH_REPORT', 'where the Markdown report goes (default test-artifacts/bench/report.md)'],
  ['BENCH_CPU_PROF', 'a folder: each server process writes a V8 .cpuprofile there (off by default)'],
  ['BENCH_SCENARIOS', `comma-separated parts to run (default all: ${BENCH_SCENARIOS.join(',')})`],
  [
    'BENCH_NODE_FLAGS',
    'Node options of both servers, space-separated, or none (default: those npm start gives Relaydesk)',
  ],
];

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key}: "${raw}" is not a whole number between ${min} and ${max}`);
  }
  return value;
}

function integers(
  env: NodeJS.ProcessEnv,
  key: string,
  fallback: readonly number[],
  min: number,
  max: number,
) {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length > 8 || values.some((value) => !Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${key}: "${raw}" is not a list of at most 8 whole numbers between ${min} and ${max}`);
  }
  return values;
}

function scenarios(env: NodeJS.ProcessEnv): ReadonlySet<BenchScenario> {
  const raw = env['BENCH_SCENARIOS'];
  if (raw === undefined || raw.trim() === '') return new Set(BENCH_SCENARIOS);
  const names = raw.split(',').map((part) => part.trim());
  const known = (name: string): name is BenchScenario =>
    (BENCH_SCENARIOS as readonly string[]).includes(name);
  const unknown = names.filter((name) => !known(name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_SCENARIOS: "${unknown.join(', ')}" is not one of ${BENCH_SCENARIOS.join(', ')}`);
  }
  return new Set(names.filter(known));
}

/**
 * The Node options of both servers: those `npm start` gives Relaydesk, so the bench measures the server as it is
 * run, and the echo bot the same ones, so both stand on the same heap settings. BENCH_NODE_FLAGS (space-separated,
 * or "none" for Node's defaults) replaces them, to measure a change of them in turn.
 */
function nodeFlags(env: NodeJS.ProcessEnv): string[] {
  const raw = env['BENCH_NODE_FLAGS']?.trim();
  if (raw === undefined || raw === '') return packageStartFlags(resolve(__dirname, '..'));
  if (raw === 'none') return [];
  const flags = raw.split(/\s+/);
  checkNodeFlags(flags, 'BENCH_NODE_FLAGS');
  return flags;
}

export function readSettings(env: NodeJS.ProcessEnv, defaultReportPath: string): BenchSettings {
  const sessionsPerAgent = 10;
  return {
    messages: integer(env, 'BENCH_MESSAGES', 2000, 1, 100_000),
    concurrency: integers(env, 'BENCH_CONCURRENCY', [1, 16], 1, 256),
    rounds: integer(env, 'BENCH_ROUNDS', 5, 1, 50),
    agents: integer(env, 'BENCH_AGENTS', 20, 1, 200),
    relaySessionsPerAgent: integer(env, 'BENCH_RELAY_SESSIONS_PER_AGENT', 1, 1, 20),
    warmup: integer(env, 'BENCH_WARMUP', 5000, 0, 50_000),
    sessions: integer(env, 'BENCH_SESSIONS', 200, 1, 2000),
    memoryWarmup: integer(env, 'BENCH_MEMORY_WARMUP', 100, 0, 2000),
    sessionsPerAgent,
    phaseTimeoutMs: integer(env, 'BENCH_PHASE_TIMEOUT_S', 60, 1, 3600) * 1000,
    totalTimeoutMs: integer(env, 'BENCH_TIMEOUT_S', 600, 10, 7200) * 1000,
    reportPath: env['BENCH_REPORT']?.trim() || defaultReportPath,
    ...(env['BENCH_CPU_PROF']?.trim() ? { cpuProfileDir: resolve(env['BENCH_CPU_PROF'].trim()) } : {}),
    scenarios: scenarios(env),
    nodeFlags: nodeFlags(env),
  };
}
