import { reconnectDelayMs } from './backoff';
import type { TabClock } from './clock';
import type { Notices } from './notices';
import { describeProblem } from './problem-words';

const CONNECTION_NOTICE = 'connection';

/**
 * Failed requests, as the agent reads them. A connection problem shows one lasting notice and retries the
 * workspace with a growing backoff; the notice leaves by itself as soon as a request works again.
 */
export class ConnectionProblems {
  private attempt = 0;
  private cancelRetry: (() => void) | undefined;

  constructor(
    private readonly notices: Notices,
    private readonly clock: TabClock,
    private readonly retry: () => void,
  ) {}

  report(error: unknown, during: 'refresh' | 'action'): void {
    const problem = describeProblem(error, during);
    if (!problem.connection) {
      this.notices.show(problem.notice);
      return;
    }
    this.notices.show(problem.notice, CONNECTION_NOTICE);
    if (this.cancelRetry) return;
    this.cancelRetry = this.clock.after(reconnectDelayMs(this.attempt), () => {
      this.cancelRetry = undefined;
      this.retry();
    });
    this.attempt += 1;
  }

  /** A read the agent asked for (an article): a failure is told as an action's is, and gives undefined. */
  async read<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await request();
      this.recovered();
      return value;
    } catch (error) {
      this.report(error, 'action');
      return undefined;
    }
  }

  /** A request worked: the tab is live again. */
  recovered(): void {
    this.attempt = 0;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.notices.clear(CONNECTION_NOTICE);
  }
}
