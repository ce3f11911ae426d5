/**
 * The second pass of `npm test`, with RELAYDESK_TEST_STORE=postgres: the suites that run a whole desk (HTTP, web,
 * browser, reliability) again, so every desk they start runs on a database of its own on the test PostgreSQL
 * server. Which specs, and why the others run once: test/support/suite-plan.js. One spec alone on PostgreSQL:
 * `RELAYDESK_TEST_STORE=postgres npx jest <spec>`.
 */
const base = require('./jest.config.js');
const { postgresSpecs } = require('./test/support/suite-plan.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: postgresSpecs().map((spec) => `<rootDir>/test/${spec}`),
  testSequencer: '<rootDir>/test/support/sequencer.js',
  collectCoverage: false,
  coverageThreshold: undefined,
};
