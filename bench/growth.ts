/**
 * Growth rows: what one relayed message, one newly queued customer and one session load cost as the history and
 * the queue grow. In-process (the desk's use cases on a real SQLite file, no HTTP and no Bot Connector), so the
 * figures isolate what the store does; the HTTP rows of run.ts carry the rest. CPU is process.cpuUsage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveCustomerMessage } from '../src/app/customers';
import type { DeskPorts, Notifier } from '../src/app/desk-context';
import { KeyedQueue } from '../src/app/keyed-queue';
import { setPresence, showPanel } from '../src/app/panel-actions';
import { pick } from '../src/app/work-item-actions';
import { sessionDetail } from '../src/app/workspace';
import { silentLogger } from '../src/app/ports';
import { DEFAULT_WORKSTREAM } from '../src/domain/workstream';
import { createVaderScorer } from '../src/sentiment/vader-scorer';
import { openStore } from '../src/store/create-storage';
import { createDeskRepositories } from '../src/store/sql/desk-repositories';

export interface GrowthRow {
  readonly what: string;
  readonly small: { readonly size: number; readonly ms: number };
  readonly large: { readonly size: number; readonly ms: number };
}

const quiet: Notifier = { toCustomer: () => Promise.resolve(), toAgent: () => Promise.resolve() };

async function withDesk<T>(work: (ports: DeskPorts) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'relaydesk-growth-'));
  const store = openStore({
    store: 'sqlite',
    sqlitePath: join(dir, 'bench.db'),
    databaseUrl: '',
    databasePoolSize: 1,
  });
  try {
    await store.ready();
    let n = 0;
    let now = Date.UTC(2026, 11, 1);
    const ports: DeskPorts = {
      ...createDeskRepositories(store.database),
      notifier: quiet,
      clock: { now: () => (now += 1) },
      ids: { next: () => `g-${(n += 1)}` },
      scorer: createVaderScorer(),
      kb: { search: () => [] },
      logger: silentLogger,
      settings: {
        workstream: { ...DEFAULT_WORKSTREAM, agentCapacityUnits: 10, maxSessions: 10 },
        maxTextChars: 4000,
        rateLimitPerMinute: 0,
      },
      agents: () => Promise.resolve(['alice']),
      canReach: () => Promise.resolve(true),
      hasOpenTab: () => Promise.resolve(true),
      customerTurns: new KeyedQueue(),
    };
    return await work(ports);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU milliseconds per call of `step`, over `count` calls. */
async function cpuPer(count: number, step: (index: number) => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < count; index += 1) await step(index);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / count;
}

const say = (ports: DeskPorts, customer: string, text: string) =>
  receiveCustomerMessage(ports, { customerId: `bench:${customer}`, channelId: 'bench', text });

async function activeSession(ports: DeskPorts): Promise<string> {
  await showPanel(ports, 'alice', 'Alice');
  const outcome = await say(ports, 'kim', 'Hello, my order has not arrived');
  if (outcome.kind !== 'queued') throw new Error('expected the customer to be queued');
  await pick(ports, 'alice', outcome.workItemId);
  return outcome.workItemId;
}

/** CPU per relayed customer message with `small`, then `large`, earlier messages in the session. */
async function relayRow(small: number, large: number, measured: number): Promise<GrowthRow> {
  return withDesk(async (ports) => {
    await activeSession(ports);
    const fill = async (upTo: number, from: number) => {
      for (let index = from; index < upTo; index += 1) await say(ports, 'kim', `Earlier message ${index}`);
    };
    await fill(small, 1);
    const atSmall = await cpuPer(measured, (index) => say(ports, 'kim', `Measured small ${index}`));
    await fill(large, small + measured);
    const atLarge = await cpuPer(measured, (index) => say(ports, 'kim', `Measured large ${index}`));
    return {
      what: 'CPU per relayed customer message (earlier messages in the session)',
      small: { size: small, ms: atSmall },
      large: { size: large, ms: atLarge },
    };
  });
}

/** CPU per newly queued customer with `small`, then `large`, already queued (no agent free: nothing offered). */
async function queueRow(small: number, large: number, measured: number): Promise<GrowthRow> {
  return withDesk(async (ports) => {
    await showPanel(ports, 'alice', 'Alice');
    await setPresence(ports, 'alice', 'away');
    let next = 0;
    const arrive = () => say(ports, `c${(next += 1)}`, 'Hello, I am waiting');
    while (next < small) await arrive();
    const atSmall = await cpuPer(measured, arrive);
    while (next < large) await arrive();
    const atLarge = await cpuPer(measured, arrive);
    return {
      what: 'CPU per newly queued customer (customers already queued)',
      small: { size: small, ms: atSmall },
      large: { size: large, ms: atLarge },
    };
  });
}

/** CPU per load of the session detail (the tab opening a session) with `small`, then `large`, messages. */
async function loadRow(small: number, large: number, measured: number): Promise<GrowthRow> {
  return withDesk(async (ports) => {
    const id = await activeSession(ports);
    const fill = async (upTo: number, from: number) => {
      for (let index = from; index < upTo; index += 1) await say(ports, 'kim', `History ${index}`);
    };
    await fill(small, 1);
    const atSmall = await cpuPer(measured, () => sessionDetail(ports, 'alice', id));
    await fill(large, small);
    const atLarge = await cpuPer(measured, () => sessionDetail(ports, 'alice', id));
    return {
      what: 'CPU per session load in the tab (messages in the session)',
      small: { size: small, ms: atSmall },
      large: { size: large, ms: atLarge },
    };
  });
}

export async function growthRows(): Promise<GrowthRow[]> {
  // A first pass warms the JIT and SQLite's caches; its figures are dropped.
  await relayRow(50, 100, 200);
  return [await relayRow(100, 5000, 500), await queueRow(100, 5000, 500), await loadRow(100, 5000, 200)];
}

export function growthTable(rows: readonly GrowthRow[]): string {
  const lines = rows.map(
    ({ what, small, large }) =>
      `| ${what} | ${small.size.toLocaleString('en')}: ${small.ms.toFixed(3)} ms | ` +
      `${large.size.toLocaleString('en')}: ${large.ms.toFixed(3)} ms | ${(large.ms / small.ms).toFixed(2)}× |`,
  );
  return [
    '| growth (in-process, SQLite file) | small | large | large ÷ small |',
    '| --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

if (require.main === module) {
  void growthRows().then((rows) => console.log(growthTable(rows)));
}
