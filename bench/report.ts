import { percentile, type LoadResult } from './load';
import type { MemoryFigures } from './protocol';

/** The benchmark's figures as Markdown. */

export interface RelayRow {
  readonly scenario: string;
  readonly concurrency: number;
  readonly result: LoadResult;
  /** Server process CPU (user + system) during the row, ms. */
  readonly serverCpuMs: number;
  /** Server event-loop utilisation during the row, 0..1. */
  readonly serverElu: number;
  /** This process's CPU (load generator and fake connector) during the row, ms. */
  readonly clientCpuMs: number;
  /** How long the row's window lasted (POSTs, deliveries, the quiet wait after), ms. */
  readonly windowMs: number;
  readonly cores: number;
}

export interface MemoryRow {
  readonly scenario: string;
  readonly count: number;
  readonly before: MemoryFigures;
  readonly after: MemoryFigures;
  readonly dbBytesBefore: number;
  readonly dbBytesAfter: number;
  readonly collected: boolean;
}

export interface IdleRow {
  readonly process: string;
  readonly memory: MemoryFigures;
}

export interface ReportInput {
  readonly title: string;
  readonly facts: readonly [string, string][];
  readonly relay: readonly RelayRow[];
  readonly idle: readonly IdleRow[];
  /** Peak RSS of the relay scenario's servers, over their lives. */
  readonly peak: readonly IdleRow[];
  readonly memory: readonly MemoryRow[];
  readonly notes: readonly string[];
  readonly problems: readonly string[];
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function throughput(result: LoadResult): number {
  return result.wallMs > 0 ? (result.delivered / result.wallMs) * 1000 : 0;
}

function latencies(values: readonly number[]): string {
  return [50, 95, 99, 100].map((p) => ms(percentile(values, p))).join(' / ');
}

export function rowErrors(result: LoadResult): number {
  return result.failed + result.duplicated + result.misdelivered;
}

function table(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly (readonly string[])[],
) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

export function relayTable(rows: readonly RelayRow[]): string {
  return table(
    [
      'Scenario',
      'Messages',
      'Concurrency',
      'Throughput (msg/s)',
      'POST p50 / p95 / p99 / max (ms)',
      'Delivery p50 / p95 / p99 / max (ms)',
      'Lost',
      'Errors',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows.map(({ scenario, concurrency, result }) => [
      scenario,
      String(result.planned),
      String(concurrency),
      throughput(result).toFixed(0),
      latencies(result.postMs),
      latencies(result.deliveryMs),
      String(result.lost),
      String(rowErrors(result)),
    ]),
  );
}

export function costTable(rows: readonly RelayRow[]): string {
  return table(
    [
      'Scenario',
      'Concurrency',
      'POSTs answered 2xx per second',
      'Server CPU per message (ms)',
      'Server event loop busy',
      'Delivery p50, first → last tenth of the messages (ms)',
      'Load generator + connector CPU per message (ms)',
      'All cores busy',
      'Connector calls per message (posts + updates)',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows.map(({ scenario, concurrency, result, serverCpuMs, serverElu, clientCpuMs, windowMs, cores }) => [
      scenario,
      String(concurrency),
      result.postWallMs > 0 ? ((result.accepted / result.postWallMs) * 1000).toFixed(0) : '–',
      ms(result.sent > 0 ? serverCpuMs / result.sent : Number.NaN),
      `${(serverElu * 100).toFixed(0)} %`,
      `${ms(percentile(result.firstTenthDeliveryMs, 50))} → ${ms(percentile(result.lastTenthDeliveryMs, 50))}`,
      ms(result.sent > 0 ? clientCpuMs / result.sent : Number.NaN),
      windowMs > 0 ? `${(((serverCpuMs + clientCpuMs) / (windowMs * cores)) * 100).toFixed(0)} %` : '–',
      result.sent > 0
        ? `${((result.connectorPosts + result.connectorUpdates) / result.sent).toFixed(2)} (${(
            result.connectorPosts / result.sent
          ).toFixed(2)} + ${(result.connectorUpdates / result.sent).toFixed(2)})`
        : '–',
    ]),
  );
}

/** Relaydesk's row against the echo bot's at each concurrency. */
export function overheadTable(rows: readonly RelayRow[]): string {
  const levels = [...new Set(rows.map((row) => row.concurrency))];
  const lines: string[][] = [];
  for (const level of levels) {
    const echo = rows.find((row) => row.concurrency === level && row.scenario.startsWith('echo'));
    const desk = rows.find((row) => row.concurrency === level && row.scenario.startsWith('Relaydesk'));
    if (!echo || !desk) continue;
    const ratio = (a: number, b: number) =>
      b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(1)}×` : '–';
    lines.push([
      String(level),
      ratio(throughput(desk.result), throughput(echo.result)),
      ratio(percentile(desk.result.postMs, 50), percentile(echo.result.postMs, 50)),
      ratio(percentile(desk.result.deliveryMs, 50), percentile(echo.result.deliveryMs, 50)),
      ratio(percentile(desk.result.deliveryMs, 99), percentile(echo.result.deliveryMs, 99)),
      ratio(
        desk.result.sent > 0 ? desk.serverCpuMs / desk.result.sent : Number.NaN,
        echo.result.sent > 0 ? echo.serverCpuMs / echo.result.sent : Number.NaN,
      ),
    ]);
  }
  return table(
    [
      'Concurrency',
      'Throughput, Relaydesk / echo',
      'POST p50, Relaydesk / echo',
      'Delivery p50, Relaydesk / echo',
      'Delivery p99, Relaydesk / echo',
      'CPU per message, Relaydesk / echo',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r'],
    lines,
  );
}

export function memoryTable(rows: readonly MemoryRow[]): string {
  return table(
    [
      'Scenario',
      'Count',
      'Heap used before → after',
      'Heap per item',
      'RSS before → after',
      'RSS per item',
      'SQLite file per item',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows.map((row) => [
      row.scenario,
      String(row.count),
      `${mb(row.before.heapUsed)} → ${mb(row.after.heapUsed)}`,
      kb((row.after.heapUsed - row.before.heapUsed) / row.count),
      `${mb(row.before.rss)} → ${mb(row.after.rss)}`,
      kb((row.after.rss - row.before.rss) / row.count),
      kb((row.dbBytesAfter - row.dbBytesBefore) / row.count),
    ]),
  );
}

export function idleTable(rows: readonly IdleRow[]): string {
  return table(
    ['Process', 'Heap used', 'Heap total', 'RSS', 'External'],
    ['l', 'r', 'r', 'r', 'r'],
    rows.map(({ process, memory }) => [
      process,
      mb(memory.heapUsed),
      mb(memory.heapTotal),
      mb(memory.rss),
      mb(memory.external),
    ]),
  );
}

export function peakTable(rows: readonly IdleRow[]): string {
  const echo = rows.find((row) => row.process === 'echo bot')?.memory.peakRss;
  return table(
    ['Process', 'Peak RSS', 'Over the echo bot'],
    ['l', 'r', 'r'],
    rows.map(({ process, memory }) => [
      process,
      mb(memory.peakRss),
      echo === undefined || process === 'echo bot'
        ? ''
        : `${memory.peakRss >= echo ? '+' : '−'}${mb(Math.abs(memory.peakRss - echo))}`,
    ]),
  );
}

export function renderReport(input: ReportInput): string {
  const collected = input.memory.every((row) => row.collected);
  return [
    `# ${input.title}`,
    '',
    ...input.facts.map(([key, value]) => `- ${key}: ${value}`),
    '',
    '## Relay: throughput and latency',
    '',
    relayTable(input.relay),
    '',
    'Relaydesk against the echo bot:',
    '',
    overheadTable(input.relay),
    '',
    'Where the time goes:',
    '',
    costTable(input.relay),
    '',
    ...(input.memory.length > 0 || input.idle.length > 0
      ? [
          '## Memory',
          '',
          `Read in the server process after two full collections (${collected ? 'global.gc' : 'NOT collected: no --expose-gc'}).`,
          '',
          ...(input.memory.length > 0 ? [memoryTable(input.memory), ''] : []),
          'Idle, after the relay scenario was set up (before any timed message):',
          '',
          idleTable(input.idle),
          '',
          ...(input.peak.length > 0
            ? [
                "Peak RSS of the relay scenario's servers since they started (warm-up and timed rows included):",
                '',
                peakTable(input.peak),
                '',
              ]
            : []),
        ]
      : []),
    ...(input.notes.length > 0 ? ['## Notes', '', ...input.notes.map((note) => `- ${note}`), ''] : []),
    input.problems.length > 0
      ? ['## PROBLEMS (exit code 1)', '', ...input.problems.map((problem) => `- ${problem}`), ''].join('\n')
      : 'No message lost, duplicated or misdelivered; no POST failed; no error logged.\n',
  ].join('\n');
}
