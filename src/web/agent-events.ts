import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentSendOptions, CustomerNotice, Notifier } from '../app/desk-context';
import type { Clock, Logger } from '../app/ports';
import type { AgentView } from '../app/views';
import type { LiveEvent, LiveEventBus, ReceivedLiveEvent } from '../shared/live-events';

/**
 * Live updates for the workspace tab: an in-process hub of Server-Sent Events streams, one set per agent, fed
 * by the Notifier (EventingNotifier). Each stream gets a `workspace` event when it opens and whenever something
 * its agent sees changes, plus a comment line as a heartbeat. The events carry no state, only `{ at }`: the tab
 * reads the workspace again, so a missed or merged event loses nothing. With a LiveEventBus the hubs of several
 * instances on one database tell each other, so a change made through one reaches the tabs open on another.
 */

export const WORKSPACE_EVENT = 'workspace';

export interface AgentEventHubOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Comment lines keep proxies and the browser from timing the stream out. Default: 15 s. */
  readonly heartbeatMs?: number;
  /** Changes within this window reach a stream as one event. Default: 50 ms. */
  readonly coalesceMs?: number;
  /** Streams one agent may hold open (several tabs or windows); the oldest is closed beyond it. Default: 5. */
  readonly maxStreamsPerAgent?: number;
  /** Reconnection delay the browser is told to use (the SSE `retry:` field). Default: 2 s. */
  readonly retryMs?: number;
  /** Other instances of the desk: local changes are told to them, and theirs refresh the tabs open here. */
  readonly bus?: LiveEventBus;
  /** Told the agent's count of open streams here whenever a stream opens or ends (shared tab presence). */
  readonly onStreamsChanged?: (agentId: string, streams: number) => void;
  /**
   * Runs the hook once the change being published is committed (the store's afterCommit), so no tab, here or on
   * another instance, reads before it can see the change. Default: at once.
   */
  readonly afterCommit?: (hook: () => void) => Promise<void>;
  /** Members whose tabs hear every agent's change, not only their own: the supervisors, whose floor is live. */
  readonly watchers?: ReadonlySet<string>;
}

export interface StreamOptions {
  /** When the token the stream was opened with expires (epoch ms): the stream ends then. */
  readonly expiresAt?: number;
}

/** Timers longer than this overflow setTimeout. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class EventStream {
  private heartbeat: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private ended = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly agentId: string,
    private readonly res: ServerResponse,
    private readonly hub: {
      readonly clock: Clock;
      readonly coalesceMs: number;
      detach(stream: EventStream): void;
    },
  ) {
    this.done = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
    });
  }

  start(options: { heartbeatMs: number; retryMs: number; expiresAt?: number }): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.socket?.setNoDelay(true);
    this.res.on('close', () => this.end());
    this.write(`retry: ${options.retryMs}\n\n`);
    this.send();
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), options.heartbeatMs);
    this.heartbeat.unref();
    if (options.expiresAt !== undefined) {
      const left = Math.max(0, options.expiresAt - this.hub.clock.now());
      this.expiry = setTimeout(() => this.end(), Math.min(left, MAX_TIMER_MS));
      this.expiry.unref();
    }
  }

  /** Something changed: one event after the coalescing window, however many changes came in it. */
  notify(): void {
    if (this.ended || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.send();
    }, this.hub.coalesceMs);
    this.pending.unref();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
    clearTimeout(this.pending);
    this.hub.detach(this);
    if (!this.res.writableEnded) this.res.end();
    this.resolveDone();
  }

  private send(): void {
    this.write(`event: ${WORKSPACE_EVENT}\ndata: ${JSON.stringify({ at: this.hub.clock.now() })}\n\n`);
  }

  private write(chunk: string): void {
    if (this.ended || this.res.writableEnded || this.res.destroyed) return;
    this.res.write(chunk);
  }
}

export class AgentEventHub {
  private readonly streams = new Map<string, Set<EventStream>>();
  private readonly logger: Logger;
  private closed = false;
  private readonly unsubscribe: () => void;
  readonly clock: Clock;
  readonly coalesceMs: number;

  constructor(private readonly options: AgentEventHubOptions) {
    this.clock = options.clock;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.logger = options.logger.child({ component: 'agent-events' });
    this.unsubscribe = options.bus?.subscribe((event) => this.receive(event)) ?? (() => undefined);
  }

  /** Something this agent sees changed. */
  publish(agentId: string): void {
    this.onceCommitted(() => {
      this.notifyAgent(agentId);
      this.tell({ kind: 'agent', agentId });
    });
  }

  /** Something every agent sees changed (the dashboard's work items). */
  publishAll(): void {
    this.onceCommitted(() => {
      this.notifyAll();
      this.tell({ kind: 'work-items' });
    });
  }

  private onceCommitted(hook: () => void): void {
    if (!this.options.afterCommit) {
      hook();
      return;
    }
    // A hook runs only after the commit; a failing store already failed the use case that changed something.
    this.options
      .afterCommit(hook)
      .catch((error: unknown) => this.logger.warn({ reason: String(error) }, 'live event not published'));
  }

  private notifyAgent(agentId: string): void {
    for (const stream of this.streams.get(agentId) ?? []) stream.notify();
    for (const watcher of this.options.watchers ?? []) {
      if (watcher === agentId) continue;
      for (const stream of this.streams.get(watcher) ?? []) stream.notify();
    }
  }

  private notifyAll(): void {
    for (const set of this.streams.values()) for (const stream of set) stream.notify();
  }

  /** Other instances' tabs hear of it too; still after close(), as the desk may finish a request then. */
  private tell(event: LiveEvent): void {
    this.options.bus
      ?.publish(event)
      .catch((error: unknown) => this.logger.warn({ reason: String(error) }, 'live event not published'));
  }

  /** A change made through another instance, or `resync` after events may have been missed. */
  private receive(event: ReceivedLiveEvent): void {
    if (event.kind === 'agent') {
      this.notifyAgent(event.agentId);
      return;
    }
    if (event.kind === 'resync') this.logger.info({ streams: this.count() }, 'live events resync');
    this.notifyAll();
  }

  /** Open streams, for one agent or in all. */
  count(agentId?: string): number {
    if (agentId !== undefined) return this.streams.get(agentId)?.size ?? 0;
    let total = 0;
    for (const set of this.streams.values()) total += set.size;
    return total;
  }

  /**
   * Serves one SSE connection (already authenticated) until the client goes, the token expires or the hub
   * closes; resolves then. After close() a new connection is answered 503.
   */
  serve(
    agentId: string,
    _req: IncomingMessage,
    res: ServerResponse,
    options: StreamOptions = {},
  ): Promise<void> {
    if (this.closed) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ code: 'ShuttingDown', message: 'The server is shutting down.' }));
      return Promise.resolve();
    }
    const stream = new EventStream(agentId, res, this);
    const set = this.streams.get(agentId) ?? new Set<EventStream>();
    this.streams.set(agentId, set);
    set.add(stream);
    const max = this.options.maxStreamsPerAgent ?? 5;
    for (const oldest of [...set].slice(0, Math.max(0, set.size - max))) oldest.end();
    stream.start({
      heartbeatMs: this.options.heartbeatMs ?? 15_000,
      retryMs: this.options.retryMs ?? 2000,
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    });
    this.logger.debug({ agentId, streams: set.size }, 'event stream opened');
    this.streamsChanged(agentId);
    return stream.done;
  }

  /** Ends every stream (the server is closing) and refuses new ones. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    const all = [...this.streams.values()].flatMap((set) => [...set]);
    for (const stream of all) stream.end();
    if (all.length > 0) this.logger.info({ streams: all.length }, 'event streams closed');
  }

  /** Called by a stream as it ends. */
  detach(stream: EventStream): void {
    const set = this.streams.get(stream.agentId);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) this.streams.delete(stream.agentId);
    this.streamsChanged(stream.agentId);
  }

  private streamsChanged(agentId: string): void {
    try {
      this.options.onStreamsChanged?.(agentId, this.count(agentId));
    } catch (error) {
      // A failing listener must not keep a stream from opening or ending.
      this.logger.warn({ agentId, reason: String(error) }, 'stream count not told');
    }
  }
}

/**
 * The desk's Notifier with live updates: every view sent to an agent (panel, offer, message, …) also tells
 * that agent's open tabs that their workspace changed, and a change of the dashboard's work items tells every
 * open tab. Sending itself is left to the wrapped notifier (the chat cards).
 */
export class EventingNotifier implements Notifier {
  constructor(
    private readonly inner: Notifier,
    private readonly hub: Pick<AgentEventHub, 'publish' | 'publishAll'>,
  ) {}

  agentChanged(agentId: string): Promise<void> {
    this.hub.publish(agentId);
    return Promise.resolve();
  }

  toCustomer(customerId: string, text: string, notice?: CustomerNotice): Promise<void> {
    return this.inner.toCustomer(customerId, text, notice);
  }

  async toAgent(agentId: string, view: AgentView, options?: AgentSendOptions): Promise<void> {
    // The use case has written the store before it notifies, so the tab already reads the new state.
    this.hub.publish(agentId);
    await this.inner.toAgent(agentId, view, options);
  }

  async workItemsChanged(): Promise<void> {
    this.hub.publishAll();
    await this.inner.workItemsChanged?.();
  }
}
