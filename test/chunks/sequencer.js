/**
 * The order `npm test` starts its test files in. Jest orders files it has not timed yet (a clean clone) by size,
 * which says nothing of a chunk file: the long specs that run alone start first, side by side (together they keep
 * both cores busy without the browser chunks slowing them), then the chunks, heaviest first.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');
const { LONG, chunkWeight } = require('./chunk-plan.js');

/** Lower starts sooner: the long solo specs, then the chunks by weight, then anything else. */
function rank(path) {
  const long = LONG.findIndex((spec) => path.endsWith(spec));
  if (long >= 0) return [0, long];
  const chunk = /^(first|postgres)-(\d+)\.chunk\.ts$/.exec(basename(path));
  if (chunk) return [1, -chunkWeight(chunk[1], Number(chunk[2]))];
  return [2, 0];
}

class ChunkSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => {
      const [ra, rb] = [rank(a.path), rank(b.path)];
      return ra[0] - rb[0] || ra[1] - rb[1] || a.path.localeCompare(b.path);
    });
  }
}

module.exports = ChunkSequencer;
