/**
 * How `npm test` runs the specs: which run again on PostgreSQL, and which start first.
 *
 * Plain JavaScript: the jest configs read it.
 */
const { readdirSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const TEST_ROOT = join(__dirname, '..');

/**
 * The long specs, started first and side by side (test/support/sequencer.js): beside a browser spec each ran 4 to 5
 * times as long as alone (the tenant spec 142 s against 27 s), and started last it ran past its timeout.
 */
const LONG = ['reliability/teams-limits-hour.spec.ts', 'reliability/teams-limits-tenant.spec.ts'];

/**
 * The second pass, with RELAYDESK_TEST_STORE=postgres: the suites that run a whole desk (HTTP, web, browser,
 * reliability) again, each desk on a database of its own on the test PostgreSQL server. Tests that start no desk,
 * or choose their store themselves, run once, in the first pass.
 */
const POSTGRES_DIRECTORIES = ['http', 'web', 'browser', 'reliability'];
/**
 * The browser specs that run again on PostgreSQL: one journey per page (the agent's workspace, the customer's chat
 * page, the supervisor's Floor). The others drive the same HTTP routes the http/ and web/ specs run on PostgreSQL,
 * so running all 28 again tested the pages twice rather than the store twice.
 */
const BROWSER_ON_POSTGRES = [
  'browser/workspace-journey.spec.ts',
  'browser/webchat.spec.ts',
  'browser/chat-first-hour.spec.ts',
  'browser/workspace-floor.spec.ts',
];
const POSTGRES_LEAVES_OUT = [
  // Browser specs besides the journeys above (see BROWSER_ON_POSTGRES).
  (spec) => spec.startsWith('browser/') && !BROWSER_ON_POSTGRES.includes(spec),
  /^web\/(agent-api-units|agent-events|agent-events-bus|archive-writer|directline-routes|local-directline|webchat-archive)\.spec\.ts$/,
  /^(http|reliability)\/two-instances(-live)?\.spec\.ts$/,
  /^reliability\/(crash-restart|crash-restart-postgres|http-edge)\.spec\.ts$/,
  // Transfer races: the first pass runs them on one instance (SQLite) and on two instances sharing PostgreSQL.
  /^reliability\/transfer-races\.spec\.ts$/,
  // Teams' limits on a fake clock: SQLite chosen (or no desk at all); the outbox store itself is tested on both.
  /^reliability\/teams-limits-(burst|hour|tenant)\.spec\.ts$/,
  // Rules of the customer's side and of absent agents on a fake clock: their tables (position_notices, agent_away)
  // are in the SQL contract on both backends, and the reads they make are the ones the specs above run on both.
  /^http\/(operating-hours|keep-agent|missed-offer|customer-end|overflow|queue-position|away-agents)\.spec\.ts$/,
  // The satisfaction survey's journeys: its table is in the store specs on both backends (csat-surveys).
  /^http\/csat-survey\.spec\.ts$/,
];

/** Every spec under test/, as a path relative to it with forward slashes, sorted. */
function allSpecs() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts')) found.push(relative(TEST_ROOT, path).split(sep).join('/'));
    }
  };
  walk(TEST_ROOT);
  return found.sort();
}

/**
 * The specs that measure coverage: the rules (src/domain) and the store (src/store) are held to their threshold by
 * the specs written for them and for the use cases and cards over them, not by whole desks passing through. Counted
 * from every spec, coverage made the desk specs about a quarter slower (30 HTTP specs: 89 s → 114 s); counted from
 * these, it measured 94.8 % of lines.
 */
const COVERAGE_DIRECTORIES = ['domain', 'store', 'app', 'cards'];

/** The first pass's two parts: the specs measured for coverage, and the rest (run without instrumentation). */
function coverageSpecs() {
  return allSpecs().filter((spec) => COVERAGE_DIRECTORIES.includes(spec.split('/')[0]));
}

function otherSpecs() {
  return allSpecs().filter((spec) => !COVERAGE_DIRECTORIES.includes(spec.split('/')[0]));
}

/** The specs the PostgreSQL pass runs. */
function postgresSpecs() {
  return allSpecs().filter(
    (spec) =>
      POSTGRES_DIRECTORIES.includes(spec.split('/')[0]) &&
      !POSTGRES_LEAVES_OUT.some((rule) => (typeof rule === 'function' ? rule(spec) : rule.test(spec))),
  );
}

module.exports = {
  TEST_ROOT,
  LONG,
  BROWSER_ON_POSTGRES,
  COVERAGE_DIRECTORIES,
  allSpecs,
  coverageSpecs,
  otherSpecs,
  postgresSpecs,
};
