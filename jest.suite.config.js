/**
 * `npm test`'s first pass: every spec, in the chunks of test/chunks/chunk-plan.js (a chunk loads botbuilder, restify
 * and the desk once for all its specs, where a test file of its own loads them again), and the long ones alone.
 * `npx jest` (jest.config.js) runs each spec file by itself, as when working on one.
 */
const base = require('./jest.config.js');
const { SOLO } = require('./test/chunks/chunk-plan.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testSequencer: '<rootDir>/test/chunks/sequencer.js',
  testMatch: ['<rootDir>/test/chunks/first-*.chunk.ts', ...SOLO.map((spec) => `<rootDir>/test/${spec}`)],
};
