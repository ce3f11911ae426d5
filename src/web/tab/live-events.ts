import { reconnectDelayMs } from './backoff';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveEventsOptions {
  /** The stream's URL with a token; asked again before each new connection, `fresh` after one was refused. */
  readonly url: (fresh: boolean) => Promise<string>;
  /** Something the agent sees changed; also called after each (re)connection to catch up. */
  readonly onChange: () => void;
  readonly onStatus: (status: LiveStatus) => void;
}

/**
 * GET /api/agent/events as Server-Sent Events. EventSource retries a dropped connection by itself; when it gives
 * up (an error status such as 401 for an expired token) a new one is opened with a fresh URL, after a backoff.
 */
export class LiveEvents {
  private source: EventSource | undefined;
  private retryTimer: number | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(private readonly options: LiveEventsOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
  }

  private async connect(): Promise<void> {
    this.options.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let url: string;
    try {
      url = await this.options.url(this.attempt > 0);
    } catch {
      this.retryLater();
      return;
    }
    if (this.stopped) return;
    const source = new EventSource(url);
    this.source = source;
    source.addEventListener('open', () => {
      this.attempt = 0;
      this.options.onStatus('live');
      this.options.onChange();
    });
    source.addEventListener('workspace', () => this.options.onChange());
    source.addEventListener('error', () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.retryLater();
      } else {
        this.options.onStatus('reconnecting');
      }
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.options.onStatus('reconnecting');
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => void this.connect(), reconnectDelayMs(this.attempt));
    this.attempt += 1;
  }
}
