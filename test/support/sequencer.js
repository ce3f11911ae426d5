/**
 * The order `npm test` starts its test files in: the long specs first, side by side (suite-plan.js says why), then
 * jest's own order (on a clean clone, the largest files first).
 */
const Sequencer = require('@jest/test-sequencer').default;
const { LONG } = require('./suite-plan.js');

const longRank = (path) => {
  const index = LONG.findIndex((spec) => path.split('\\').join('/').endsWith(`/test/${spec}`));
  return index < 0 ? LONG.length : index;
};

class LongFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    // Array.prototype.sort is stable: jest's order holds among the rest.
    return [...ordered].sort((a, b) => longRank(a.path) - longRank(b.path));
  }
}

module.exports = LongFirstSequencer;
