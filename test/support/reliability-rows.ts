import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * One line of the reliability report. Each reliability scenario records one when RELIABILITY_REPORT is set
 * (`npm run test:reliability` sets it); scripts/reliability-report.ts prints them as a Markdown table.
 */
export interface ReliabilityRow {
  readonly scenario: string;
  /** The load, in words: "200 messages, 20 in flight". */
  readonly load: string;
  /** The faults injected, in words; "none" when there were none. */
  readonly faults: string;
  /** Messages (or actions) sent by customers and agents. */
  readonly sent: number;
  /** Of those, how many reached where they should (the agent, the customer, the store). */
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Anything the numbers alone do not say. */
  readonly note?: string;
}

/** Set to a folder (relative to the repository) to record rows there; unset in `npm test`. */
export const REPORT_ENV = 'RELIABILITY_REPORT';

export const DEFAULT_REPORT_DIR = 'test-artifacts/reliability';

const repoRoot = resolve(__dirname, '..', '..');

export function reportDir(value: string | undefined = process.env[REPORT_ENV]): string | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  return resolve(repoRoot, value === '1' ? DEFAULT_REPORT_DIR : value);
}

function fileNameOf(scenario: string): string {
  return `${scenario
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.json`;
}

/** Writes the row as its own file (jest runs files in parallel workers), replacing an earlier run's. */
export function recordReliabilityRow(row: ReliabilityRow): void {
  const dir = reportDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileNameOf(row.scenario)), `${JSON.stringify(row, null, 2)}\n`);
}

export function readReliabilityRows(dir: string): ReliabilityRow[] {
  return readRows<ReliabilityRow>(dir, (name) => !name.startsWith(HARDENING_PREFIX));
}

/**
 * One line of the hardening table: an attack or a fault aimed at the HTTP layer or the store (issue 10), how
 * often it was tried, how often it was refused as it should be, what was lost, and whether the server still
 * answered afterwards.
 */
export interface HardeningRow {
  /** "1. gzip body on every route". */
  readonly finding: string;
  readonly attempts: number;
  /** Attempts answered as they should be (a 4xx/5xx refusal, a 503 instead of a false 200...). */
  readonly refused: number;
  /** Messages acknowledged (2xx) that are not in the store afterwards. */
  readonly lost: number;
  /** /healthz answered 200 after the last attempt. */
  readonly alive: boolean;
  readonly note?: string;
}

const HARDENING_PREFIX = 'hardening-';

/** Writes a hardening row beside the scenario rows (its own file, as they are). */
export function recordHardeningRow(row: HardeningRow): void {
  const dir = reportDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${HARDENING_PREFIX}${fileNameOf(row.finding)}`),
    `${JSON.stringify(row, null, 2)}\n`,
  );
}

export function readHardeningRows(dir: string): HardeningRow[] {
  return readRows<HardeningRow>(dir, (name) => name.startsWith(HARDENING_PREFIX));
}

function readRows<T>(dir: string, wanted: (name: string) => boolean): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json') && wanted(name));
  } catch {
    return [];
  }
  // Numeric order, so finding 10 comes after 9 rather than after 1.
  return names
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T);
}

/** Lost and duplicated, counted by a delivery id: every sent id should be seen exactly once. */
export function countDeliveries(
  sentIds: readonly string[],
  seenIds: readonly string[],
): { delivered: number; lost: number; duplicated: number } {
  const seen = new Map<string, number>();
  for (const id of seenIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  let delivered = 0;
  let lost = 0;
  let duplicated = 0;
  for (const id of new Set(sentIds)) {
    const times = seen.get(id) ?? 0;
    if (times === 0) lost += 1;
    else delivered += 1;
    duplicated += Math.max(0, times - 1);
  }
  return { delivered, lost, duplicated };
}
