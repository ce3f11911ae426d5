import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Plan {
  readonly SOLO: readonly string[];
  readonly CHUNKS: Readonly<Record<'first' | 'postgres', number>>;
  allSpecs(): string[];
  specsOfChunk(pass: 'first' | 'postgres', n: number): string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plan = require('./chunk-plan.js') as Plan;

const chunksOf = (pass: 'first' | 'postgres') =>
  Array.from({ length: plan.CHUNKS[pass] }, (_none, index) => plan.specsOfChunk(pass, index + 1));

describe("npm test's chunks", () => {
  it('run every spec exactly once in the first pass: in one chunk, or alone', () => {
    const chunked = chunksOf('first').flat();
    expect([...chunked, ...plan.SOLO].sort()).toEqual(plan.allSpecs());
    expect(new Set(chunked).size).toBe(chunked.length);
    expect(plan.SOLO).toContain('cards/render-card.spec.ts');
  });

  it('run the whole-desk suites again on PostgreSQL, each once, and nothing that chooses its store itself', () => {
    const chunked = chunksOf('postgres').flat();
    expect(new Set(chunked).size).toBe(chunked.length);
    expect(chunked.every((spec) => /^(http|web|browser|reliability)\//.test(spec))).toBe(true);
    expect(chunked).toContain('http/wrap-up.spec.ts');
    expect(chunked).not.toContain('reliability/crash-restart.spec.ts');
    expect(chunked).not.toContain('browser/tab-logic.spec.ts');
  });

  it('has a chunk file for every chunk, and none is empty', () => {
    for (const pass of ['first', 'postgres'] as const) {
      chunksOf(pass).forEach((specs, index) => {
        expect(existsSync(join(__dirname, `${pass}-${index + 1}.chunk.ts`))).toBe(true);
        expect(specs.length).toBeGreaterThan(0);
      });
      expect(existsSync(join(__dirname, `${pass}-${plan.CHUNKS[pass] + 1}.chunk.ts`))).toBe(false);
    }
  });
});
