/**
 * `npm test`'s first pass: every spec, the long ones started first (test/support/sequencer.js).
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testSequencer: '<rootDir>/test/support/sequencer.js',
};
