import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A minimal Bot Connector for the benchmark, on 127.0.0.1. Unlike test/support/fake-connector.ts it stamps every
 * call with its arrival time (performance.now(), the load generator's clock: both run in this process) and keeps
 * only what the benchmark reads: the bench tokens an activity carries, and the whole activity only while
 * `keepActivities` is on (setting up sessions needs the offer cards; the timed phases do not).
 *
 * POST /v3/conversations/:id/activities[/:replyToId] answers `{ id }`; PUT …/activities/:id (a card updated in
 * place) answers `{ id }` too. Every call succeeds: nothing here injects faults.
 */

/** Every text the load generator sends carries one token; the connector finds it in whatever the bot posts. */
export const tokenText = (token: number) => `Bench message ${token}`;
const TOKEN_PATTERN = /Bench message (\d+)\b/g;

export interface Arrival {
  readonly conversationId: string;
  /** performance.now() when the request body had fully arrived. */
  readonly at: number;
  readonly kind: 'post' | 'update';
  /** The bench tokens anywhere in the body (each once). */
  readonly tokens: readonly number[];
  /** The parsed activity, when `keepActivities` was on. */
  readonly activity?: Record<string, unknown>;
  readonly activityId: string;
}

export interface ConnectorCounts {
  posts: number;
  updates: number;
  other: number;
}

const ACTIVITIES_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export class BenchConnector {
  /** Every accepted call while `keepActivities` is on (setup); empty otherwise. */
  readonly kept: Arrival[] = [];
  readonly counts: ConnectorCounts = { posts: 0, updates: 0, other: 0 };
  /** Posts and updates per conversation: a bot's own calls, counted apart from the other bot's running meanwhile. */
  private readonly perConversation = new Map<string, { posts: number; updates: number }>();
  keepActivities = false;
  private readonly listeners = new Set<(arrival: Arrival) => void>();
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    readonly serviceUrl: string,
  ) {}

  static async start(): Promise<BenchConnector> {
    const server = createServer({ keepAlive: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const connector = new BenchConnector(server, `http://127.0.0.1:${port}/`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => connector.handle(req, res));
    return connector;
  }

  /** Posts and updates so far to these conversations. */
  callsTo(conversationIds: Iterable<string>): { posts: number; updates: number } {
    const total = { posts: 0, updates: 0 };
    for (const id of new Set(conversationIds)) {
      const calls = this.perConversation.get(id);
      total.posts += calls?.posts ?? 0;
      total.updates += calls?.updates ?? 0;
    }
    return total;
  }

  /** Calls `listener` for every accepted call from now on; returns the function that stops it. */
  onArrival(listener: (arrival: Arrival) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the first call from now on that `match` accepts, or rejects after `timeoutMs` naming what it
   * waited for.
   */
  next(description: string, match: (arrival: Arrival) => boolean, timeoutMs: number): Promise<Arrival> {
    return new Promise((resolve, reject) => {
      const stop = this.onArrival((arrival) => {
        if (!match(arrival)) return;
        clearTimeout(timer);
        stop();
        resolve(arrival);
      });
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`connector: no ${description} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  /**
   * Resolves once no call has arrived for `quietMs` (the bot has sent what it had to), or after `timeoutMs` at
   * the latest; says which.
   */
  async quiet(quietMs: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    let last = performance.now();
    const stop = this.onArrival(() => (last = performance.now()));
    try {
      for (;;) {
        const now = performance.now();
        if (now - last >= quietMs) return true;
        if (now >= deadline) return false;
        await sleep(Math.min(quietMs - (now - last), deadline - now, 50));
      }
    } finally {
      stop();
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const match = ACTIVITIES_PATH.exec(path);
      const conversationId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
      const target = match?.[2] ? decodeURIComponent(match[2]) : undefined;
      const isPost = req.method === 'POST';
      const isUpdate = req.method === 'PUT' && target !== undefined;
      if (!conversationId || (!isPost && !isUpdate)) {
        this.counts.other += 1;
        reply(res, 404, { error: { code: 'NotFound', message: `no route for ${req.method} ${path}` } });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const activityId = isUpdate && target ? target : `activity-${this.nextId++}`;
      const arrival: Arrival = {
        conversationId,
        at,
        kind: isPost ? 'post' : 'update',
        tokens: tokensIn(text),
        activityId,
        ...(this.keepActivities ? { activity: parseObject(text) } : {}),
      };
      const ours = this.perConversation.get(conversationId) ?? { posts: 0, updates: 0 };
      this.perConversation.set(conversationId, ours);
      if (isPost) {
        this.counts.posts += 1;
        ours.posts += 1;
      } else {
        this.counts.updates += 1;
        ours.updates += 1;
      }
      if (this.keepActivities) this.kept.push(arrival);
      for (const listener of [...this.listeners]) listener(arrival);
      reply(res, 200, { id: activityId });
    });
    req.on('error', () => res.destroy());
  }
}

function tokensIn(text: string): number[] {
  const found = new Set<number>();
  for (const match of text.matchAll(TOKEN_PATTERN)) found.add(Number(match[1]));
  return [...found];
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
