/**
 * The second pass of `npm test`: the suites that run a whole desk (HTTP, web, browser, reliability) again with RELAYDESK_TEST_STORE=postgres, so every desk they start runs on a
 * database of its own on the test PostgreSQL server. Tests that choose their store themselves keep it and run once.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/http/**/*.spec.ts',
    '<rootDir>/test/web/**/*.spec.ts',
    '<rootDir>/test/browser/**/*.spec.ts',
    '<rootDir>/test/reliability/**/*.spec.ts',
  ],
  // Specs that start no desk, or choose their store themselves (they run the same in the first pass; the web chat
  // archive's spec runs on both backends there).
  testPathIgnorePatterns: [
    '/node_modules/',
    // The tab's and the chat page's logic on fake DOMs, and the Chromium check: no desk.
    '/test/browser/(chromium-setup|tab-logic|chat-logic|chat-transcript-file)\\.spec\\.ts$',
    '/test/web/(agent-api-units|agent-events|agent-events-bus|archive-writer|directline-routes|local-directline|webchat-archive)\\.spec\\.ts$',
    '/test/(http|reliability)/two-instances(-live)?\\.spec\\.ts$',
    '/test/reliability/(crash-restart|crash-restart-postgres|http-edge)\\.spec\\.ts$',
    // Transfer races: the first pass runs them on one instance (SQLite) and on two instances sharing PostgreSQL.
    '/test/reliability/transfer-races\\.spec\\.ts$',
    // Teams' limits on a fake clock: SQLite chosen (or no desk at all); the outbox store itself is tested on both.
    '/test/reliability/teams-limits-(burst|hour|tenant)\\.spec\\.ts$',
    // Rules of the customer's side and of absent agents on a fake clock: their tables (position_notices, agent_away)
    // are in the SQL contract on both backends, and the reads they make are the ones the specs above run on both.
    '/test/http/(operating-hours|keep-agent|missed-offer|customer-end|overflow|queue-position|away-agents)\\.spec\\.ts$',
  ],
  collectCoverage: false,
  coverageThreshold: undefined,
};
