import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An activity the fake Bot Connector accepted: a new one (send, reply) or a replacement (update). */
export interface RecordedCall {
  /** Order of arrival among accepted calls, from 1. */
  readonly seq: number;
  readonly kind: 'send' | 'reply' | 'update';
  readonly conversationId: string;
  /** The new activity's id (send, reply) or the id of the activity replaced (update). */
  readonly activityId: string;
  /** For a reply, the activity it answers. */
  readonly replyToId?: string;
  readonly activity: Record<string, unknown>;
}

/** A call answered with a failure on purpose; nothing of it was processed. */
export interface RefusedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly activity: Record<string, unknown> | undefined;
}

interface PlannedFailure {
  remaining: number;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Only calls to this conversation; every call when unset. */
  readonly conversationId?: string;
}

/** A slow connector: activity calls wait until `release()`, then are handled as usual. */
export interface HeldResponses {
  release(): void;
}

export interface WaitOptions {
  /** Upper bound on the wait; the promise rejects, naming what it waited for, when it passes. */
  readonly timeoutMs?: number;
}

const ACTIVITIES_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

/**
 * A local stand-in for the Bot Connector service (the activity's serviceUrl), on 127.0.0.1:
 * POST /v3/conversations/:id/activities (send), POST …/activities/:activityId (reply) and
 * PUT …/activities/:activityId (update), each answered with `{ id }`. Updating an id it never issued is 404.
 * It also serves OpenID metadata and a JWKS for token validation tests, counting those requests.
 */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  readonly refused: RefusedCall[] = [];
  /** Requests for the OpenID metadata document or the key set. */
  openIdRequests = 0;
  private readonly issued = new Set<string>();
  private readonly failures: PlannedFailure[] = [];
  private readonly waiters = new Set<() => void>();
  private gate: Promise<void> | undefined;
  /** Activity calls waiting at a hold now. */
  held = 0;
  private nextId = 1;
  private jwks: { keys: object[] } = { keys: [] };

  private constructor(
    private readonly server: Server,
    readonly serviceUrl: string,
  ) {}

  static async start(): Promise<FakeConnector> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const connector = new FakeConnector(server, `http://127.0.0.1:${port}/`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void connector.handle(req, res));
    return connector;
  }

  /** The OpenID metadata URL to give the bot (its jwks_uri points back here). */
  get openIdMetadataUrl(): string {
    return `${this.serviceUrl}openid/.well-known/openidconfiguration`;
  }

  setSigningKeys(keys: object[]): void {
    this.jwks = { keys };
  }

  /** The next `count` activity calls are answered with `status` (and headers) and not processed. */
  failNext(count: number, status: number, headers: Record<string, string> = {}): void {
    this.failures.push({ remaining: count, status, headers });
  }

  /** Every call to one conversation is answered with `status` (and headers), unprocessed, until stopFailing(). */
  failConversation(conversationId: string, status: number, headers: Record<string, string> = {}): void {
    this.failures.push({ remaining: Number.POSITIVE_INFINITY, status, headers, conversationId });
  }

  /** Forgets every planned failure: the connector works again. */
  stopFailing(): void {
    this.failures.length = 0;
  }

  /**
   * Holds every activity call from now on (a slow connector): each waits, unanswered, until release(); then it
   * is handled as usual (recorded or refused). Nothing is processed while held.
   */
  hold(): HeldResponses {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.gate = gate;
    return {
      release: () => {
        if (this.gate === gate) this.gate = undefined;
        release();
      },
    };
  }

  /** New activities (sends and replies) in one conversation, in order. */
  posted(conversationId: string): RecordedCall[] {
    return this.calls.filter((call) => call.conversationId === conversationId && call.kind !== 'update');
  }

  updates(conversationId: string, activityId?: string): RecordedCall[] {
    return this.calls.filter(
      (call) =>
        call.conversationId === conversationId &&
        call.kind === 'update' &&
        (activityId === undefined || call.activityId === activityId),
    );
  }

  /** Resolves once `ready()` holds for the calls recorded so far; checked on each new call, never by polling. */
  waitFor(
    description: string,
    ready: (calls: readonly RecordedCall[]) => boolean,
    options: WaitOptions = {},
  ) {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<void>((resolve, reject) => {
      if (ready(this.calls)) {
        resolve();
        return;
      }
      const check = () => {
        if (!ready(this.calls)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${description} (${this.calls.length} calls)`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Waits until `count` calls have been recorded after the first `since` of them, and returns those. */
  async waitForCalls(since: number, count: number, options: WaitOptions = {}): Promise<RecordedCall[]> {
    await this.waitFor(`${count} call(s) after #${since}`, (calls) => calls.length >= since + count, options);
    return this.calls.slice(since, since + count);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readBody(req);
    if (req.method === 'GET' && path.startsWith('/openid/')) {
      this.openIdRequests += 1;
      if (path.endsWith('/keys')) json(res, 200, this.jwks);
      else
        json(res, 200, { issuer: 'https://api.botframework.com', jwks_uri: `${this.serviceUrl}openid/keys` });
      return;
    }
    const match = ACTIVITIES_PATH.exec(path);
    const conversationId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
    const target = match?.[2] ? decodeURIComponent(match[2]) : undefined;
    const activity = parseObject(body);
    if (
      !conversationId ||
      (req.method !== 'POST' && req.method !== 'PUT') ||
      (req.method === 'PUT' && !target)
    ) {
      json(res, 404, { error: { code: 'NotFound', message: `no route for ${req.method} ${path}` } });
      return;
    }
    if (this.gate) {
      this.held += 1;
      // waitFor() predicates may read `held` too.
      for (const waiter of [...this.waiters]) waiter();
      await this.gate;
      this.held -= 1;
    }
    const failure = this.failures.find(
      (planned) =>
        planned.remaining > 0 &&
        (planned.conversationId === undefined || planned.conversationId === conversationId),
    );
    if (failure) {
      failure.remaining -= 1;
      this.refused.push({ method: req.method, path, status: failure.status, activity });
      json(res, failure.status, { error: { code: 'Planned', message: 'planned failure' } }, failure.headers);
      return;
    }
    if (!activity) {
      json(res, 400, { error: { code: 'BadArgument', message: 'body is not an activity' } });
      return;
    }
    if (req.method === 'PUT') {
      if (!target || !this.issued.has(target)) {
        json(res, 404, { error: { code: 'ActivityNotFound', message: 'no such activity' } });
        return;
      }
      this.record({ kind: 'update', conversationId, activityId: target, activity });
      json(res, 200, { id: target });
      return;
    }
    const activityId = `activity-${this.nextId++}`;
    this.issued.add(activityId);
    this.record({
      kind: target ? 'reply' : 'send',
      conversationId,
      activityId,
      ...(target ? { replyToId: target } : {}),
      activity,
    });
    json(res, 200, { id: activityId });
  }

  /** Forgets an issued activity id, as if the message had been deleted: updating it is 404 from now on. */
  forget(activityId: string): void {
    this.issued.delete(activityId);
  }

  private record(call: Omit<RecordedCall, 'seq'>): void {
    this.calls.push({ ...call, seq: this.calls.length + 1 });
    for (const waiter of [...this.waiters]) waiter();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
