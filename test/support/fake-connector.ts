import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  TEAMS_CONVERSATION_WINDOWS,
  TEAMS_TENANT_WINDOWS,
  type RateWindow,
} from '../../src/domain/call-budget';

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

/**
 * Teams' rate limits, as the connector enforces them with `teamsLimits`. Windows slide exactly: a call arriving at
 * t is over a window when the calls accepted with an arrival in (t − windowMs, t] number `limit` already.
 */
export interface TeamsLimitsOptions {
  /** Per bot and conversation (thread, the path's conversation id); TEAMS_CONVERSATION_WINDOWS when unset. */
  readonly conversationWindows?: readonly RateWindow[];
  /** Per app and tenant, all its conversations together; TEAMS_TENANT_WINDOWS when unset. */
  readonly tenantWindows?: readonly RateWindow[];
  /** The clock arrivals are read from: Date.now when unset; `() => clock.now()` with the desk's fake clock. */
  readonly now?: () => number;
}

export interface FakeConnectorOptions {
  /** Faults planned from the start; plan() adds more later. */
  readonly faults?: FaultPlan;
  /**
   * Enforce Teams' rate limits: `true` for Microsoft's published ones (7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per
   * hour per conversation; 50 per 1 s per tenant) on Date.now, or other windows and clock. Off when unset.
   */
  readonly teamsLimits?: boolean | TeamsLimitsOptions;
}

/** The tenant of every activity call that names none (neither conversation.tenantId nor channelData.tenant.id). */
export const DEFAULT_TENANT = 'default-tenant';

export type LimitScope = 'conversation' | 'tenant';

/** One window a throttled call was over. */
export interface LimitHit {
  readonly scope: LimitScope;
  readonly limit: number;
  readonly windowMs: number;
  /** Until the oldest call that window counts leaves it, in ms from the call's arrival. */
  readonly waitMs: number;
}

/** An activity call answered 429 for being over Teams' limits; nothing of it was processed. */
export interface ThrottledCall {
  readonly method: string;
  readonly path: string;
  readonly kind: RecordedCall['kind'];
  readonly conversationId: string;
  readonly tenantId: string;
  /** Its arrival, on the limits' clock. */
  readonly at: number;
  /** The Retry-After it was answered with, in whole seconds: the longest wait of the windows it was over. */
  readonly retryAfter: number;
  /** The window it was over that made it wait longest (the first of them on a tie). */
  readonly limit: LimitHit;
  /** Every window it was over, conversation windows first, in the order they are configured. */
  readonly exceeded: readonly LimitHit[];
  readonly activity: Record<string, unknown> | undefined;
}

/** The most calls accepted in any one window of a limit: `busiest <= limit` unless the limits are off. */
export interface BusiestWindow {
  readonly limit: number;
  readonly windowMs: number;
  readonly busiest: number;
}

/** What the limits saw of one conversation or one tenant. */
export interface LimitCounters {
  /** Calls let through by the limits (then processed: recorded, or 400/404 for a bad call). */
  readonly accepted: number;
  /** Calls answered 429 by the limits; a call over a tenant window counts in its conversation too, and so on. */
  readonly throttled: number;
  /** One entry per window of the scope, in the order they are configured. */
  readonly busiest: readonly BusiestWindow[];
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
 *
 * With `teamsLimits` it also throttles as Teams does: an activity call over a conversation's or a tenant's window
 * (by its arrival on the limits' clock) is answered 429 with Retry-After, recorded in `throttled` and never
 * processed. Order: a hold first, then the fault plan, then the limits, then the call itself.
 */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  readonly refused: RefusedCall[] = [];
  /** Activity calls answered 429 by the Teams limits (`teamsLimits`), in order; never in `calls` or `refused`. */
  readonly throttled: ThrottledCall[] = [];
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
  private limits: TeamsLimits | undefined;

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
    if (options.teamsLimits) {
      connector.limits = new TeamsLimits(options.teamsLimits === true ? {} : options.teamsLimits);
    }
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

  /** Calls accepted and throttled in one conversation, and its busiest windows; zeros when it had no call. */
  conversationLimits(conversationId: string): LimitCounters {
    return this.requireLimits().counters('conversation', conversationId);
  }

  /** Calls accepted and throttled for one tenant (DEFAULT_TENANT when unset), and its busiest windows. */
  tenantLimits(tenantId: string = DEFAULT_TENANT): LimitCounters {
    return this.requireLimits().counters('tenant', tenantId);
  }

  /** The counters of every conversation and tenant that had an activity call. */
  limitCounters(): {
    conversations: ReadonlyMap<string, LimitCounters>;
    tenants: ReadonlyMap<string, LimitCounters>;
  } {
    const limits = this.requireLimits();
    return { conversations: limits.all('conversation'), tenants: limits.all('tenant') };
  }

  /**
   * The busiest window seen per limit, over all conversations (resp. tenants): the most calls accepted in any
   * window of it, so a test can assert `busiest <= limit` for each.
   */
  busiestWindows(): { conversation: BusiestWindow[]; tenant: BusiestWindow[] } {
    const limits = this.requireLimits();
    return { conversation: limits.busiest('conversation'), tenant: limits.busiest('tenant') };
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

  private requireLimits(): TeamsLimits {
    if (!this.limits)
      throw new Error('FakeConnector: start it with { teamsLimits } to count against the limits');
    return this.limits;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readBody(req);
    // A call arrives once its request is in; a hold makes the answer late, not the arrival.
    const arrivedAt = this.limits?.now();
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
    if (this.limits && arrivedAt !== undefined) {
      // The fault plan stands in front of the limits: a call it answers never reaches them and is not counted.
      const tenantId = tenantOf(activity);
      const exceeded = this.limits.admit(conversationId, tenantId, arrivedAt);
      const [first, ...others] = exceeded;
      if (first) {
        const limit = others.reduce((longest, hit) => (hit.waitMs > longest.waitMs ? hit : longest), first);
        const retryAfter = Math.ceil(limit.waitMs / 1000);
        const kind = req.method === 'PUT' ? 'update' : target ? 'reply' : 'send';
        this.throttled.push({
          method: req.method,
          path,
          kind,
          conversationId,
          tenantId,
          at: arrivedAt,
          retryAfter,
          limit,
          exceeded,
          activity,
        });
        this.wake();
        json(
          res,
          429,
          {
            error: {
              code: 'Throttled',
              message: `over ${limit.limit} calls per ${limit.windowMs} ms for the ${limit.scope}`,
            },
          },
          { 'Retry-After': `${retryAfter}` },
        );
        return;
      }
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

  /** waitFor() predicates may read `calls`, `refused`, `throttled` and `held`: each change checks them again. */
  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Teams' limits over the calls that reach them. Assumption: Teams does not count the calls it refuses with 429
 * towards its windows (its documentation does not say); counting them would only make a sender's life harder, so
 * a test passing here would pass against a stricter Teams as long as the sender waits out each Retry-After.
 */
class TeamsLimits {
  readonly now: () => number;
  private readonly windows: Readonly<Record<LimitScope, readonly RateWindow[]>>;
  private readonly byScope: Record<LimitScope, Map<string, SlidingWindows>> = {
    conversation: new Map(),
    tenant: new Map(),
  };

  constructor(options: TeamsLimitsOptions) {
    this.now = options.now ?? Date.now;
    this.windows = {
      conversation: options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS,
      tenant: options.tenantWindows ?? TEAMS_TENANT_WINDOWS,
    };
  }

  /** The windows a call arriving at `at` would be over; when none, the call is counted as accepted. */
  admit(conversationId: string, tenantId: string, at: number): LimitHit[] {
    const conversation = this.counter('conversation', conversationId);
    const tenant = this.counter('tenant', tenantId);
    const exceeded = [...conversation.exceeded(at), ...tenant.exceeded(at)];
    if (exceeded.length > 0) {
      conversation.throttled += 1;
      tenant.throttled += 1;
    } else {
      conversation.accept(at);
      tenant.accept(at);
    }
    return exceeded;
  }

  counters(scope: LimitScope, key: string): LimitCounters {
    return (this.byScope[scope].get(key) ?? new SlidingWindows(scope, this.windows[scope])).snapshot();
  }

  all(scope: LimitScope): ReadonlyMap<string, LimitCounters> {
    return new Map([...this.byScope[scope]].map(([key, windows]) => [key, windows.snapshot()]));
  }

  busiest(scope: LimitScope): BusiestWindow[] {
    return this.windows[scope].map((window, index) => ({
      limit: window.limit,
      windowMs: window.windowMs,
      busiest: Math.max(0, ...[...this.byScope[scope].values()].map((each) => each.busiestAt(index))),
    }));
  }

  private counter(scope: LimitScope, key: string): SlidingWindows {
    let counter = this.byScope[scope].get(key);
    if (!counter) {
      counter = new SlidingWindows(scope, this.windows[scope]);
      this.byScope[scope].set(key, counter);
    }
    return counter;
  }
}

/** The accepted calls of one conversation or tenant, by arrival, against its windows. */
class SlidingWindows {
  accepted = 0;
  throttled = 0;
  /** Arrivals of accepted calls, ascending; those no window can count any more are dropped. */
  private readonly times: number[] = [];
  private readonly busiest: number[];
  private readonly longestMs: number;

  constructor(
    private readonly scope: LimitScope,
    private readonly windows: readonly RateWindow[],
  ) {
    this.busiest = windows.map(() => 0);
    this.longestMs = windows.reduce((longest, window) => Math.max(longest, window.windowMs), 0);
  }

  /** The windows already full at `at`: those counting `limit` calls or more in (at − windowMs, at]. */
  exceeded(at: number): LimitHit[] {
    const upTo = countAtMost(this.times, at);
    const hits: LimitHit[] = [];
    for (const window of this.windows) {
      const inWindow = upTo - countAtMost(this.times, at - window.windowMs);
      if (inWindow < window.limit) continue;
      // One more call fits once all but limit − 1 of them have left: when the oldest of those leaves.
      const oldest = this.times[upTo - window.limit]!;
      hits.push({
        scope: this.scope,
        limit: window.limit,
        windowMs: window.windowMs,
        waitMs: oldest + window.windowMs - at,
      });
    }
    return hits;
  }

  accept(at: number): void {
    this.accepted += 1;
    const index = countAtMost(this.times, at);
    this.times.splice(index, 0, at);
    // The windows that now hold this call end at it or at a later accepted call less than a window after it.
    this.windows.forEach((window, w) => {
      for (let j = index; j < this.times.length && this.times[j]! < at + window.windowMs; j += 1) {
        const end = this.times[j]!;
        const inWindow = countAtMost(this.times, end) - countAtMost(this.times, end - window.windowMs);
        this.busiest[w] = Math.max(this.busiest[w]!, inWindow);
      }
    });
    const horizon = this.times[this.times.length - 1]! - this.longestMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= horizon) drop += 1;
    this.times.splice(0, drop);
  }

  busiestAt(index: number): number {
    return this.busiest[index] ?? 0;
  }

  snapshot(): LimitCounters {
    return {
      accepted: this.accepted,
      throttled: this.throttled,
      busiest: this.windows.map((window, index) => ({
        limit: window.limit,
        windowMs: window.windowMs,
        busiest: this.busiestAt(index),
      })),
    };
  }
}

/** How many of the ascending `times` are at or before `at`. */
function countAtMost(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The call's tenant: conversation.tenantId, else channelData.tenant.id, else DEFAULT_TENANT. */
function tenantOf(activity: Record<string, unknown> | undefined): string {
  const fromConversation = field(field(activity, 'conversation'), 'tenantId');
  if (typeof fromConversation === 'string' && fromConversation !== '') return fromConversation;
  const fromChannelData = field(field(field(activity, 'channelData'), 'tenant'), 'id');
  if (typeof fromChannelData === 'string' && fromChannelData !== '') return fromChannelData;
  return DEFAULT_TENANT;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
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
