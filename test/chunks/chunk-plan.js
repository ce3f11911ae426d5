/**
 * How `npm test` groups the spec files. Jest gives every test file a module registry of its own, so each file
 * loads botbuilder, restify and the desk afresh (2–3 s on two cores, the largest part of most files' time); a
 * chunk is one test file that requires its share of the specs, each inside a describe named after it, and loads
 * them once. `npx jest <spec>` still runs one spec alone (jest.config.js), and each spec must pass either way.
 *
 * Plain JavaScript: the jest configs read it as well as the chunk files.
 */
const { readFileSync, readdirSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const TEST_ROOT = join(__dirname, '..');

/** Specs that run as test files of their own: long enough alone that a chunk holding them would run last. */
const LONG = ['reliability/teams-limits-hour.spec.ts', 'reliability/teams-limits-tenant.spec.ts'];

/** The chunk files of each pass (test/chunks/<pass>-<n>.chunk.ts, n from 1). */
const CHUNKS = { first: 14, postgres: 8 };

/**
 * The second pass, with RELAYDESK_TEST_STORE=postgres: the suites that run a whole desk (HTTP, web, browser,
 * reliability) again, each desk on a database of its own on the test PostgreSQL server. Tests that start no desk,
 * or choose their store themselves, run once, in the first pass.
 */
const POSTGRES_DIRECTORIES = ['http', 'web', 'browser', 'reliability'];
const POSTGRES_LEAVES_OUT = [
  // The tab's and the chat page's logic on fake DOMs, and the Chromium check: no desk.
  /^browser\/(chromium-setup|tab-logic|chat-logic|chat-transcript-file)\.spec\.ts$/,
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

/** A spec with snapshot files: jest keeps them by test file, so it runs as one (its snapshots stay where they are). */
function hasSnapshotFile(spec) {
  return readFileSync(join(TEST_ROOT, spec), 'utf8').includes('toMatchSnapshot(');
}

/** Specs that run as test files of their own: the long ones, and those with snapshot files. */
const SOLO = [...new Set([...LONG, ...allSpecs().filter(hasSnapshotFile)])];

/** The specs a pass runs in chunks: every spec but the solo ones, or the PostgreSQL pass's share. */
function chunkedSpecs(pass) {
  const specs = allSpecs().filter((spec) => !SOLO.includes(spec));
  if (pass === 'first') return specs;
  return specs.filter(
    (spec) =>
      POSTGRES_DIRECTORIES.includes(spec.split('/')[0]) &&
      !POSTGRES_LEAVES_OUT.some((pattern) => pattern.test(spec)),
  );
}

/**
 * What a spec is guessed to take, for balancing: its size (more tests), more for those that start a browser or a
 * whole desk. Jest runs the longest test files first only once it has timed them, never on a clean clone.
 */
function weightOf(spec) {
  const size = readFileSync(join(TEST_ROOT, spec), 'utf8').length;
  const factor = { browser: 3, reliability: 3, http: 2, web: 2, store: 1.5 }[spec.split('/')[0]] ?? 1;
  return factor * (2_000 + size);
}

/** The chunks of a pass, the specs dealt heaviest first, each to the chunk lightest so far. */
function chunksOf(pass) {
  const count = CHUNKS[pass];
  const chunks = Array.from({ length: count }, () => ({ weight: 0, specs: [] }));
  const weighed = chunkedSpecs(pass).map((spec) => ({ spec, weight: weightOf(spec) }));
  weighed.sort((a, b) => b.weight - a.weight || a.spec.localeCompare(b.spec));
  for (const { spec, weight } of weighed) {
    const lightest = chunks.reduce((best, chunk) => (chunk.weight < best.weight ? chunk : best));
    lightest.weight += weight;
    lightest.specs.push(spec);
  }
  return chunks;
}

function chunkOf(pass, n) {
  const count = CHUNKS[pass];
  if (!Number.isInteger(n) || n < 1 || n > count)
    throw new Error(`${pass} has chunks 1 to ${count}, not ${n}.`);
  return chunksOf(pass)[n - 1];
}

/** Chunk n of a pass (1-based): its specs, by path. */
function specsOfChunk(pass, n) {
  return [...chunkOf(pass, n).specs].sort();
}

/** What chunk n of a pass is guessed to take (test/chunks/sequencer.js starts the heaviest first). */
function chunkWeight(pass, n) {
  return chunkOf(pass, n).weight;
}

module.exports = { TEST_ROOT, LONG, SOLO, CHUNKS, allSpecs, chunkedSpecs, specsOfChunk, chunkWeight };
