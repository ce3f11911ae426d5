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

/**
 * The server's time as this browser can tell it: the browser's clock corrected by how far it was off when the
 * last workspace state arrived (skew = server now − browser now then). Countdowns and "waiting" times are
 * measured on the server's clock, so a browser clock set wrong must not shorten or stretch them.
 */
export class ServerClock implements TabClock {
  private skewMs = 0;

  constructor(private readonly browser: TabClock) {}

  /** A state read at `serverNow` (WorkspaceState.now) has just arrived. */
  observe(serverNow: number): void {
    this.skewMs = serverNow - this.browser.now();
  }

  now(): number {
    return this.browser.now() + this.skewMs;
  }

  every(ms: number, tick: () => void): () => void {
    return this.browser.every(ms, tick);
  }

  after(ms: number, run: () => void): () => void {
    return this.browser.after(ms, run);
  }
}
