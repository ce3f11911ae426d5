const START_WINDOW_MS = 60 * 1000;

/** Whole seconds from `now` until `at`, at least 1 (a Retry-After of 0 would invite an immediate retry). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

interface StartWindow {
  readonly openedAt: number;
  starts: number;
  refusals: number;
}

export type StartAdmission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number; readonly firstOfBurst: boolean };

/**
 * Conversation starts per client address, counted in a fixed minute from each address's first start. The map is
 * in order of opening, so ended minutes are forgotten from its front and, past maxAddresses, so are the oldest.
 */
export class StartWindows {
  private readonly windows = new Map<string, StartWindow>();

  constructor(
    private readonly perMinute: number,
    private readonly maxAddresses: number,
  ) {}

  /** Counts a start from `address`, or refuses it when the address's minute is used up. */
  admit(address: string, now: number): StartAdmission {
    if (this.perMinute <= 0) return { admitted: true };
    this.forgetEnded(now);
    const window = this.windowOf(address, now);
    if (window.starts < this.perMinute) {
      window.starts += 1;
      return { admitted: true };
    }
    window.refusals += 1;
    return {
      admitted: false,
      retryAfterSeconds: secondsUntil(window.openedAt + START_WINDOW_MS, now),
      firstOfBurst: window.refusals === 1,
    };
  }

  /** Addresses counted now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private windowOf(address: string, now: number): StartWindow {
    const known = this.windows.get(address);
    if (known) return known;
    for (const oldest of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(oldest);
    }
    const opened: StartWindow = { openedAt: now, starts: 0, refusals: 0 };
    this.windows.set(address, opened);
    return opened;
  }

  private forgetEnded(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.openedAt < START_WINDOW_MS) break;
      this.windows.delete(address);
    }
  }
}
