/**
 * `npm test`'s first pass, in two runs (test/support/suite-plan.js says why):
 * - `RELAYDESK_SUITE_PART=coverage`: the specs of the rules, the store, the use cases and the cards, with coverage
 *   and its threshold;
 * - `RELAYDESK_SUITE_PART=desks`: every other spec (whole desks over HTTP, the browser, reliability), without
 *   coverage, the long ones started first (test/support/sequencer.js).
 * Without the variable: every spec, with coverage as jest.config.js asks.
 */
const base = require('./jest.config.js');
const { coverageSpecs, otherSpecs } = require('./test/support/suite-plan.js');

const part = process.env.RELAYDESK_SUITE_PART;
const specs = { coverage: coverageSpecs, desks: otherSpecs }[part];
if (part !== undefined && specs === undefined) {
  throw new Error(`RELAYDESK_SUITE_PART must be coverage or desks, not "${part}"`);
}

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testSequencer: '<rootDir>/test/support/sequencer.js',
  ...(specs ? { testMatch: specs().map((spec) => `<rootDir>/test/${spec}`) } : {}),
  ...(part === 'desks' ? { collectCoverage: false, coverageThreshold: undefined } : {}),
};
