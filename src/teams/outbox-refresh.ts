import type { OutboxEntry } from './outbox-store';

/**
 * Refreshes (slot updates of a low priority: the panel) go to a recipient at most once per interval. One that comes
 * sooner waits, its recipient run again by a timer when its turn comes; a newer render queued meanwhile replaces it
 * (the outbox drops a superseded slot update unsent). Under load a chat's panel is updated about once per interval
 * instead of once per message, and the relayed messages themselves are never held back.
 */
export class RefreshPacer {
  private readonly sentAt = new Map<string, number>();
  private readonly timers = new RecipientTimers();
  /** Recipients whose waiting refresh's timer has fired: it goes on the next look, whatever the clock says. */
  private readonly due = new Set<string>();

  constructor(
    private readonly refresh: { readonly priority: number; readonly intervalMs: number } | undefined,
  ) {}

  private isRefresh(entry: OutboxEntry): boolean {
    const { refresh } = this;
    return (
      refresh !== undefined &&
      refresh.intervalMs > 0 &&
      entry.slot !== undefined &&
      (entry.priority ?? 1) >= refresh.priority
    );
  }

  /** How long the head entry must still wait for its turn (0: it goes now). */
  waitFor(ownerKey: string, entry: OutboxEntry, now: number): number {
    if (!this.isRefresh(entry) || this.due.delete(ownerKey)) return 0;
    return this.holding(ownerKey, now);
  }

  /**
   * How long a refresh to the recipient would wait now (0: it would go at once), and the priority from which a slot
   * update is a refresh: a removal lets the lease go when only such refreshes are left, and the run comes back then.
   */
  held(ownerKey: string, now: number): { readonly waitMs: number; readonly priority: number } | undefined {
    const waitMs = this.refresh && !this.due.has(ownerKey) ? this.holding(ownerKey, now) : 0;
    return this.refresh && waitMs > 0 ? { waitMs, priority: this.refresh.priority } : undefined;
  }

  private holding(ownerKey: string, now: number): number {
    const last = this.sentAt.get(ownerKey);
    const interval = this.refresh?.intervalMs ?? 0;
    if (last === undefined || interval <= 0) return 0;
    const wait = last + interval - now;
    // A clock moved back (tests) leaves no longer wait than one interval.
    return wait > 0 ? Math.min(wait, interval) : 0;
  }

  /** The entry went out (or was refused for good) at `now`. */
  sent(ownerKey: string, entry: OutboxEntry, now: number): void {
    if (!this.isRefresh(entry)) return;
    if (this.sentAt.size >= MAX_RECIPIENTS) this.sentAt.clear();
    this.sentAt.set(ownerKey, now);
  }

  /** Calls `run` for the recipient after `waitMs`, once however often asked meanwhile. */
  later(ownerKey: string, waitMs: number, run: () => void): void {
    this.timers.once(ownerKey, waitMs, () => {
      this.due.add(ownerKey);
      run();
    });
  }

  stop(): void {
    this.timers.stop();
    this.due.clear();
  }
}

/** One pending timer per recipient at most; stop() clears them all and refuses new ones. */
export class RecipientTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  once(ownerKey: string, waitMs: number, run: () => void): void {
    if (this.stopped || this.timers.has(ownerKey)) return;
    const timer = setTimeout(() => {
      this.timers.delete(ownerKey);
      run();
    }, waitMs);
    timer.unref();
    this.timers.set(ownerKey, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Recipients whose last refresh is remembered, at most; beyond it the memory starts afresh (a refresh goes at once). */
const MAX_RECIPIENTS = 10_000;
