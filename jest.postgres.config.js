/**
 * The second pass of `npm test`, with RELAYDESK_TEST_STORE=postgres: the suites that run a whole desk (HTTP, web,
 * browser, reliability) again, so every desk they start runs on a database of its own on the test PostgreSQL
 * server. Which specs, and why the others run once, is in test/chunks/chunk-plan.js; they run in its chunks. One spec
 * alone on PostgreSQL: `RELAYDESK_TEST_STORE=postgres npx jest <spec>`.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testSequencer: '<rootDir>/test/chunks/sequencer.js',
  testMatch: ['<rootDir>/test/chunks/postgres-*.chunk.ts'],
  collectCoverage: false,
  coverageThreshold: undefined,
};
