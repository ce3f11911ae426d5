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
 * The server's time as this browser can tell it: the browser's clock corrected by how far it is off (skew = server
 * now − browser now). Countdowns and "waiting" times are measured on the server's clock, so a browser clock set
 * wrong must not shorten or stretch them.
 */
export class ServerClock implements TabClock {
  private skewMs: number | undefined;

  constructor(private readonly browser: TabClock) {}

  /** The browser's own time, to note when a request for a state is sent (see observe). */
  browserNow(): number {
    return this.browser.now();
  }

  /**
   * A state read at `serverNow` (WorkspaceState.now) has just arrived, asked for at browser time `sentAt`. The
   * server read its clock somewhere between sending and arrival, so the skew lies between two bounds; the skew
   * known so far is kept when it fits them (a slow answer says little), else the nearest bound is taken.
   */
  observe(serverNow: number, sentAt: number = this.browser.now()): void {
    const arrivedAt = this.browser.now();
    const lowest = serverNow - arrivedAt;
    const highest = serverNow - Math.min(sentAt, arrivedAt);
    this.skewMs =
      this.skewMs === undefined
        ? Math.round((lowest + highest) / 2)
        : Math.min(Math.max(this.skewMs, lowest), highest);
  }

  now(): number {
    return this.browser.now() + (this.skewMs ?? 0);
  }

  every(ms: number, tick: () => void): () => void {
    return this.browser.every(ms, tick);
  }

  after(ms: number, run: () => void): () => void {
    return this.browser.after(ms, run);
  }
}
