import type { Logger } from '../app/ports';
import { messageOf } from './delivery';

export interface SweeperOptions {
  /** One pass: missed offers go to the next agent (deskSweep in src/app/sweep.ts). */
  readonly sweep: () => Promise<unknown>;
  /** 0 starts no timer; passes then run only through runOnce(). */
  readonly intervalMs: number;
  readonly logger: Logger;
}

/** Runs the sweep on a timer that never keeps the process alive; passes never overlap. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly logger: Logger;

  constructor(private readonly options: SweeperOptions) {
    this.logger = options.logger.child({ component: 'sweeper' });
  }

  start(): void {
    if (this.timer || this.stopped || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass now, or the pass already under way; a failure is logged, not thrown. */
  runOnce(): Promise<void> {
    this.running ??= this.options
      .sweep()
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ reason: messageOf(error), err: error }, 'sweep failed'),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    await this.runOnce();
  }
}
