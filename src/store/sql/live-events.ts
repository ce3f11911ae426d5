import { randomUUID } from 'node:crypto';
import { Client, type Notification } from 'pg';
import { z } from 'zod';
import type { Logger, Random } from '../../app/ports';
import type { LiveEvent, LiveEventBus, LiveEventListener, ReceivedLiveEvent } from '../../shared/live-events';
import type { DatabaseTarget } from './open-database';

export type { LiveEvent, LiveEventBus, LiveEventListener, ReceivedLiveEvent };

/**
 * Live-update events shared by the desk's instances on one PostgreSQL database, over LISTEN/NOTIFY: each
 * instance tells the others which agent's workspace (or everyone's work items) changed, so their open tabs
 * refresh too. Events carry no state, only what to refresh; a missed one is made up for by `resync`.
 */

/** NOTIFY refuses payloads of 8000 bytes or more; ours are tiny, so anything near that is a bug. */
export const MAX_PAYLOAD_BYTES = 2000;
export const DEFAULT_CHANNEL = 'relaydesk_live_events';

const eventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent'), agentId: z.string().min(1).max(256) }),
  z.object({ kind: z.literal('work-items') }),
  z.object({ kind: z.literal('resync') }),
]);
const envelopeSchema = z.object({ v: z.literal(1), from: z.string().min(1).max(128), event: eventSchema });
type Envelope = z.infer<typeof envelopeSchema>;

/** A NOTIFY payload read back, or why it was refused: anyone on the database may send on the channel. */
export function parseEnvelope(
  payload: string | undefined,
): { ok: true; envelope: Envelope } | { ok: false; reason: string } {
  if (payload === undefined || Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
    return { ok: false, reason: 'empty or too large' };
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
}

/** A single instance (SQLite, memory): there is nobody to tell and nobody tells it anything. */
export class LocalLiveEvents implements LiveEventBus {
  publish(): Promise<boolean> {
    return Promise.resolve(true);
  }

  subscribe(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}

/** Where pg_notify runs; a pg.Pool or pg.Client fits. */
export interface Queryable {
  query(text: string, values: unknown[]): Promise<unknown>;
}

export interface PostgresLiveEventsOptions {
  /** postgres://user@host:port/database */
  readonly url: string;
  readonly logger: Logger;
  /** Lower-case letters, digits and _. Default: relaydesk_live_events. */
  readonly channel?: string;
  /** Tags this instance's events so it skips their echo; shown in pg_stat_activity. Default: a random UUID. */
  readonly instanceId?: string;
  /** Where to publish; default the listening connection. A pool keeps publishing while that one reconnects. */
  readonly publisher?: Queryable;
  /** Jitter of the reconnection backoff. Default Math.random. */
  readonly random?: Random;
  /** The first reconnection wait; each later one doubles up to maxDelayMs (jitter over the upper half). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Reconnection attempts in a row before giving up (logged at error). Default 10,000 (a day at 10 s). */
  readonly maxAttempts?: number;
  /** How often the listening connection is checked: a half-open TCP connection raises nothing. 0 = never. */
  readonly pingMs?: number;
  /** Bounds connecting and every query on the listening connection. Default 10 s. */
  readonly timeoutMs?: number;
}

const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
const noop = () => undefined;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class PostgresLiveEvents implements LiveEventBus {
  readonly instanceId: string;
  readonly channel: string;
  private readonly listeners = new Set<LiveEventListener>();
  private readonly logger: Logger;
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private attempt = 0;
  private closed = false;
  /** A publish failed: the others may have missed a change, so they get a resync once we can send again. */
  private owesResync = false;
  /** NOTIFYs go one at a time: the listening client runs one query at a time (pg deprecates queueing more). */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PostgresLiveEventsOptions) {
    this.channel = options.channel ?? DEFAULT_CHANNEL;
    if (!CHANNEL_PATTERN.test(this.channel)) throw new Error(`Invalid live events channel: ${this.channel}`);
    this.instanceId = options.instanceId ?? randomUUID();
    this.logger = options.logger.child({ component: 'live-events', instanceId: this.instanceId });
  }

  /** Connects and listens; rejects when the first connection fails (later drops are reconnected). */
  async start(): Promise<void> {
    this.connecting = this.connect();
    await this.connecting.finally(() => (this.connecting = undefined));
  }

  async publish(event: LiveEvent): Promise<boolean> {
    const sent = await this.send(event);
    if (sent && this.owesResync) {
      this.owesResync = false;
      await this.send({ kind: 'resync' });
    }
    return sent;
  }

  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.listeners.clear();
    // A connection being opened sees `closed` when it is ready and ends itself.
    await this.connecting?.catch(noop);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(noop);
  }

  private async connect(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const client = new Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      keepAlive: true,
      application_name: `relaydesk-live:${this.instanceId}`.slice(0, 63),
    });
    client.on('notification', (message) => this.receive(message));
    client.on('error', (error) => this.lost(client, reasonOf(error)));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      // The channel matched CHANNEL_PATTERN, so quoting it is enough.
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await client.end().catch(noop);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(noop);
      return;
    }
    this.client = client;
    this.startPing(client);
  }

  private startPing(client: Client): void {
    const pingMs = this.options.pingMs ?? 30_000;
    if (pingMs <= 0) return;
    let inFlight = false;
    this.pingTimer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      client
        .query('select 1')
        .catch((error: unknown) => this.lost(client, `ping failed: ${reasonOf(error)}`))
        .finally(() => (inFlight = false));
    }, pingMs);
  }

  /** The listening connection failed or ended: forget it and try again later. */
  private lost(client: Client, reason: string): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    clearInterval(this.pingTimer);
    client.end().catch(noop);
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed) return;
    this.attempt += 1;
    const maxAttempts = this.options.maxAttempts ?? 10_000;
    if (this.attempt > maxAttempts) {
      this.logger.error(
        { attempts: maxAttempts, reason },
        'live events gave up reconnecting: other instances’ changes no longer reach this one’s tabs',
      );
      return;
    }
    const delayMs = this.backoff(this.attempt);
    this.logger.warn({ attempt: this.attempt, delayMs, reason }, 'live events connection down; reconnecting');
    this.reconnectTimer = setTimeout(() => this.reconnect(), delayMs);
  }

  private reconnect(): void {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    this.connecting = this.connect()
      .then(
        () => this.reconnected(),
        (error: unknown) => this.scheduleReconnect(reasonOf(error)),
      )
      .finally(() => (this.connecting = undefined));
  }

  private reconnected(): void {
    if (this.closed) return;
    this.logger.info({ attempts: this.attempt }, 'live events reconnected; tabs resync');
    this.attempt = 0;
    // Our own changes while away may not have reached the others either.
    if (this.owesResync) {
      this.owesResync = false;
      void this.send({ kind: 'resync' });
    }
    this.emit({ kind: 'resync' });
  }

  /** Exponential, capped, with jitter over the upper half so instances do not all come back at once. */
  private backoff(attempt: number): number {
    const base = this.options.baseDelayMs ?? 200;
    const ceiling = Math.min(this.options.maxDelayMs ?? 10_000, base * 2 ** Math.min(attempt - 1, 30));
    return Math.round(ceiling / 2 + ((this.options.random ?? Math.random)() * ceiling) / 2);
  }

  private send(event: ReceivedLiveEvent): Promise<boolean> {
    const sent = this.sending.then(() => this.sendNow(event));
    this.sending = sent;
    return sent;
  }

  private async sendNow(event: ReceivedLiveEvent): Promise<boolean> {
    if (this.closed) return false;
    const payload = JSON.stringify({ v: 1, from: this.instanceId, event });
    if (!parseEnvelope(payload).ok) {
      this.logger.warn({ kind: event.kind, bytes: Buffer.byteLength(payload) }, 'live event refused');
      return false;
    }
    const via = this.options.publisher ?? this.client;
    try {
      if (!via) throw new Error('not connected');
      await via.query('select pg_notify($1, $2)', [this.channel, payload]);
      return true;
    } catch (error) {
      // One warning per outage: every change while it lasts would fail alike.
      if (!this.owesResync) this.logger.warn({ reason: reasonOf(error) }, 'live event not sent');
      this.owesResync = true;
      return false;
    }
  }

  private receive(message: Notification): void {
    if (this.closed || message.channel !== this.channel) return;
    const parsed = parseEnvelope(message.payload);
    if (!parsed.ok) {
      const bytes = Buffer.byteLength(message.payload ?? '');
      this.logger.warn({ reason: parsed.reason, bytes, senderPid: message.processId }, 'live event dropped');
      return;
    }
    // Our own echo: this instance's tabs were told when the change was made.
    if (parsed.envelope.from === this.instanceId) return;
    this.emit(parsed.envelope.event);
  }

  private emit(event: ReceivedLiveEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ reason: reasonOf(error), kind: event.kind }, 'live event listener failed');
      }
    }
  }
}

/** Connects and listens; rejects when the database is not reachable. */
export async function startPostgresLiveEvents(
  options: PostgresLiveEventsOptions,
): Promise<PostgresLiveEvents> {
  const bus = new PostgresLiveEvents(options);
  await bus.start();
  return bus;
}

/** The bus for a database: LISTEN/NOTIFY on PostgreSQL, nothing to share on SQLite (one instance). */
export async function openLiveEvents(
  target: DatabaseTarget,
  options: Omit<PostgresLiveEventsOptions, 'url'>,
): Promise<LiveEventBus> {
  if (target.kind === 'sqlite') return new LocalLiveEvents();
  return startPostgresLiveEvents({ ...options, url: target.url });
}
