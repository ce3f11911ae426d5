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

/**
 * One step of a fault plan: the activity calls it matches are answered with `respond` and not processed. Each
 * call takes the first step that matches it and has calls left, so steps in a row follow one another.
 */
export interface ConnectorFault {
  /** Only activity calls to this conversation; every activity call when unset. */
  readonly conversationId?: string;
  /** How many calls the step answers; every matching call, until stopFailing(), when unset. */
  readonly times?: number;
  /** The HTTP status the call is answered with (429, 5xx, 403, 404 …). */
  readonly respond: number;
  /** Seconds sent as Retry-After, as a throttling connector does. */
  readonly retryAfter?: number;
}

/**
 * The faults a connector answers with, in order, e.g. 30 throttled calls, then 20 that fail:
 * `[{ times: 30, respond: 429, retryAfter: 2 }, { times: 20, respond: 503 }]`.
 */
export type FaultPlan = readonly ConnectorFault[];

export interface FakeConnectorOptions {
  /** Faults planned from the start; plan() adds more later. */
  readonly faults?: FaultPlan;
}

/** The header the shorthands failNext() and failConversation() take, as the connector would send it. */
export interface RetryAfterHeader {
  readonly 'Retry-After'?: string;
}

interface PlannedFault {
  readonly fault: ConnectorFault;
  remaining: number;
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
 *
 * It fails on purpose as a fault plan says (429 with Retry-After, 5xx, 403, 404 for one conversation …): a call
 * answered with a fault is recorded in `refused` and never processed, so a correct sender delivers each activity
 * exactly once. And it can be slow for as long as a test wants: hold() keeps every activity call waiting until
 * released, without a timer.
 */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  readonly refused: RefusedCall[] = [];
  /** Requests for the OpenID metadata document or the key set. */
  openIdRequests = 0;
  /** Activity calls waiting at a hold now. */
  held = 0;
  /** Activity calls that waited at a hold, in all. */
  totalHeld = 0;
  private readonly issued = new Set<string>();
  private readonly faults: PlannedFault[] = [];
  private readonly waiters = new Set<() => void>();
  private gate: { readonly opened: Promise<void>; open(): void } | undefined;
  private nextId = 1;
  private jwks: { keys: object[] } = { keys: [] };

  private constructor(
    private readonly server: Server,
    readonly serviceUrl: string,
  ) {}

  static async start(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const connector = new FakeConnector(server, `http://127.0.0.1:${port}/`);
    connector.plan(options.faults ?? []);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      connector.handle(req, res).catch((error: unknown) => {
        // The client went away mid-request (the test is ending): answer if the socket still listens.
        if (!res.headersSent) json(res, 500, { error: { code: 'FakeConnector', message: String(error) } });
      });
    });
    return connector;
  }

  /** The OpenID metadata URL to give the bot (its jwks_uri points back here). */
  get openIdMetadataUrl(): string {
    return `${this.serviceUrl}openid/.well-known/openidconfiguration`;
  }

  setSigningKeys(keys: object[]): void {
    this.jwks = { keys };
  }

  /** Adds these faults to the plan, after those planned already. */
  plan(faults: FaultPlan): void {
    for (const fault of faults) {
      this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    }
  }

  /** Shorthand for `plan([{ times: count, respond: status, retryAfter }])`. */
  failNext(count: number, status: number, header: RetryAfterHeader = {}): void {
    this.plan([{ times: count, respond: status, ...retryAfterOf(header) }]);
  }

  /** Shorthand for `plan([{ conversationId, respond: status, retryAfter }])`: until stopFailing(). */
  failConversation(conversationId: string, status: number, header: RetryAfterHeader = {}): void {
    this.plan([{ conversationId, respond: status, ...retryAfterOf(header) }]);
  }

  /** Forgets the whole fault plan: the connector works again. */
  stopFailing(): void {
    this.faults.length = 0;
  }

  /**
   * Holds every activity call from now on (a slow connector): each waits, unanswered, until release(); then it
   * is handled as usual (recorded or refused). Nothing is processed while held.
   */
  hold(): HeldResponses {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const gate = { opened, open };
    this.gate = gate;
    return {
      release: () => {
        if (this.gate === gate) this.gate = undefined;
        gate.open();
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

  /**
   * Resolves once `ready()` holds for the calls recorded so far; checked on each new call, refusal and held
   * call, never by polling.
   */
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

  /** Forgets an issued activity id, as if the message had been deleted: updating it is 404 from now on. */
  forget(activityId: string): void {
    this.issued.delete(activityId);
  }

  async close(): Promise<void> {
    this.gate?.open();
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
      this.totalHeld += 1;
      this.wake();
      await this.gate.opened;
      this.held -= 1;
    }
    const planned = this.faults.find(
      (step) =>
        step.remaining > 0 &&
        (step.fault.conversationId === undefined || step.fault.conversationId === conversationId),
    );
    if (planned) {
      planned.remaining -= 1;
      const { respond, retryAfter } = planned.fault;
      this.refused.push({ method: req.method, path, status: respond, activity });
      this.wake();
      const headers: Record<string, string> =
        retryAfter === undefined ? {} : { 'Retry-After': `${retryAfter}` };
      json(res, respond, { error: { code: 'Planned', message: `planned ${respond}` } }, headers);
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

  private record(call: Omit<RecordedCall, 'seq'>): void {
    this.calls.push({ ...call, seq: this.calls.length + 1 });
    this.wake();
  }

  /** waitFor() predicates may read `calls`, `refused` and `held`: each change checks them again. */
  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function retryAfterOf(header: RetryAfterHeader): { retryAfter?: number } {
  const value = header['Retry-After'];
  return value === undefined ? {} : { retryAfter: Number(value) };
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
