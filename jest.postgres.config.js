/**
 * The second pass of `npm test`: the suites that run a whole desk (HTTP, web, browser, reliability) again with
 * RELAYDESK_TEST_STORE=postgres, so every desk they start runs on a database of its own on the test PostgreSQL
 * server. Tests that choose their store themselves keep it.
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
  collectCoverage: false,
  coverageThreshold: undefined,
};
