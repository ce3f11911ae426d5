/**
 * The second pass of `npm test`: the suites that run a whole desk (HTTP, web, reliability, and the two browser
 * journeys) again with RELAYDESK_TEST_STORE=postgres, so every desk they start runs on a database of its own on
 * the test PostgreSQL server. Tests that choose their store themselves keep it. The other browser specs drive the
 * tab's own behaviour through the same API and run once, to keep `npm test` within 10 minutes on 2 cores.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/http/**/*.spec.ts',
    '<rootDir>/test/web/**/*.spec.ts',
    '<rootDir>/test/browser/workspace-journey.spec.ts',
    '<rootDir>/test/browser/webchat.spec.ts',
    '<rootDir>/test/reliability/**/*.spec.ts',
  ],
  // Specs that start no desk, or choose their store themselves (they run the same in the first pass; the web chat
  // archive's spec runs on both backends there).
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/web/(agent-api-units|agent-events|agent-events-bus|archive-writer|directline-routes|local-directline|webchat-archive)\\.spec\\.ts$',
    '/test/(http|reliability)/two-instances(-live)?\\.spec\\.ts$',
    '/test/reliability/(crash-restart|crash-restart-postgres|http-edge)\\.spec\\.ts$',
  ],
  collectCoverage: false,
  coverageThreshold: undefined,
};
