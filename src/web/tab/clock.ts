/** Time as the tab reads it, injectable so a test (or Playwright's page.clock) decides what "now" is. */
export interface TabClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
  /** Calls `run` once after `ms`; the returned function cancels it. */
  after(ms: number, run: () => void): () => void;
}

export const browserClock: TabClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const id = globalThis.setInterval(tick, ms);
    return () => globalThis.clearInterval(id);
  },
  after: (ms, run) => {
    const id = globalThis.setTimeout(run, ms);
    return () => globalThis.clearTimeout(id);
  },
};
