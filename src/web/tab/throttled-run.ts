import type { TabClock } from './clock';
import { CoalescedRun } from './coalesced-run';

/**
 * Runs a task at most once per `gapMs`, start to start: a request inside the gap is put off to its end, and any
 * number of requests meanwhile make that one run. Runs never overlap (CoalescedRun).
 */
export class ThrottledRun {
  private readonly runs: CoalescedRun;
  private lastStart = Number.NEGATIVE_INFINITY;
  private cancelLater: (() => void) | undefined;

  constructor(
    private readonly clock: Pick<TabClock, 'now' | 'after'>,
    private readonly gapMs: number,
    task: () => Promise<void>,
  ) {
    this.runs = new CoalescedRun(() => {
      this.lastStart = this.clock.now();
      return task();
    });
  }

  /** Runs now when the gap since the last run has passed, else once when it has. */
  request(): void {
    if (this.cancelLater) return;
    const wait = this.lastStart + this.gapMs - this.clock.now();
    if (wait <= 0) {
      void this.runs.run();
      return;
    }
    this.cancelLater = this.clock.after(wait, () => {
      this.cancelLater = undefined;
      void this.runs.run();
    });
  }

  /** Runs now whatever the gap (someone asked for it); a run put off is folded into this one. */
  now(): Promise<void> {
    this.cancel();
    return this.runs.run();
  }

  cancel(): void {
    this.cancelLater?.();
    this.cancelLater = undefined;
  }
}
