/**
 * The reliability report (`npm run test:reliability`): runs the suite in test/reliability with RELIABILITY_REPORT
 * set, so each scenario records its row (scenario, load, faults injected, sent, delivered, lost, duplicated), then
 * prints the rows as a Markdown table and writes it to test-artifacts/reliability/report.md.
 *
 *   tsx scripts/reliability-report.ts --run   run the suite, then report (exit code: the suite's)
 *   tsx scripts/reliability-report.ts         report the rows of the last run
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_REPORT_DIR,
  REPORT_ENV,
  readHardeningRows,
  readReliabilityRows,
  type HardeningRow,
  type ReliabilityRow,
} from '../test/support/reliability-rows';

const repoRoot = resolve(__dirname, '..');
const COMMAND = 'npm run test:reliability';

function cell(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
}

function markdownTable(rows: readonly ReliabilityRow[]): string {
  const header = ['Scenario', 'Load', 'Faults injected', 'Sent', 'Delivered', 'Lost', 'Duplicated', 'Note'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index >= 3 && index <= 6 ? '---:' : '---')).join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[row.scenario, row.load, row.faults, row.sent, row.delivered, row.lost, row.duplicated, row.note]
          .map(cell)
          .join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

function hardeningTable(rows: readonly HardeningRow[]): string {
  const header = ['Finding', 'Attempts', 'Refused', 'Lost', 'Server alive', 'Note'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index >= 1 && index <= 3 ? '---:' : '---')).join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[row.finding, row.attempts, row.refused, row.lost, row.alive ? 'yes' : 'NO', row.note]
          .map(cell)
          .join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

function report(
  rows: readonly ReliabilityRow[],
  hardening: readonly HardeningRow[],
  date: Date,
  suitePassed: boolean | undefined,
): string {
  const totals = rows.reduce(
    (sum, row) => ({
      sent: sum.sent + row.sent,
      lost: sum.lost + row.lost,
      duplicated: sum.duplicated + row.duplicated,
    }),
    { sent: 0, lost: 0, duplicated: 0 },
  );
  return [
    `Reliability report, ${date.toISOString().slice(0, 10)} (\`${COMMAND}\`)${
      suitePassed === undefined ? '' : suitePassed ? ': suite passed' : ': SUITE FAILED'
    }.`,
    '',
    markdownTable(rows),
    '',
    `${rows.length} scenarios; ${totals.sent} sent, ${totals.lost} lost, ${totals.duplicated} duplicated in all.`,
    '',
    ...(hardening.length > 0
      ? [
          'Hardening (attacks on the HTTP layer, a failing or hung store):',
          '',
          hardeningTable(hardening),
          '',
          `${hardening.length} findings; ${hardening.reduce((sum, row) => sum + row.attempts, 0)} attempts, ${hardening.reduce((sum, row) => sum + row.lost, 0)} lost, server alive after ${hardening.filter((row) => row.alive).length} of ${hardening.length}.`,
          '',
        ]
      : []),
  ].join('\n');
}

function runSuite(dir: string): boolean {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const jest = join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(process.execPath, [jest, 'test/reliability'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, [REPORT_ENV]: dir },
  });
  return result.status === 0;
}

function main(): void {
  const args = process.argv.slice(2);
  const dir = resolve(repoRoot, DEFAULT_REPORT_DIR);
  const passed = args.includes('--run') ? runSuite(dir) : undefined;
  const rows = readReliabilityRows(dir);
  const hardening = readHardeningRows(dir);
  if (rows.length === 0 && hardening.length === 0) {
    process.stderr.write(`No rows in ${dir}: run \`${COMMAND}\` first.\n`);
    process.exitCode = 1;
    return;
  }
  const text = report(rows, hardening, new Date(), passed);
  writeFileSync(join(dir, 'report.md'), text);
  process.stdout.write(`\n${text}`);
  if (passed === false) process.exitCode = 1;
}

main();
