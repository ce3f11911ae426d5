import { basename, join } from 'node:path';

interface ChunkPlan {
  readonly TEST_ROOT: string;
  specsOfChunk(pass: 'first' | 'postgres', n: number): string[];
}

// The plan is JavaScript, as the jest configs read it too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plan = require('./chunk-plan.js') as ChunkPlan;

/**
 * Runs one chunk of specs in this test file (see chunk-plan.js): the chunk file's name says which, as
 * `<pass>-<n>.chunk.ts`. Each spec is required inside a describe named after its path, so its hooks stay its own.
 */
export function runChunk(chunkFile: string): void {
  const match = /^(first|postgres)-(\d+)\.chunk\.ts$/.exec(basename(chunkFile));
  if (!match) throw new Error(`${chunkFile} is not named <first|postgres>-<n>.chunk.ts`);
  const pass = match[1] as 'first' | 'postgres';
  for (const spec of plan.specsOfChunk(pass, Number(match[2]))) {
    describe(spec, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(plan.TEST_ROOT, spec));
    });
  }
}
