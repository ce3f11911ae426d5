import { Client, Pool } from 'pg';
import type { LogFields, Logger } from '../../src/app/ports';
import {
  LocalLiveEvents,
  MAX_PAYLOAD_BYTES,
  openLiveEvents,
  startPostgresLiveEvents,
  type PostgresLiveEvents,
  type PostgresLiveEventsOptions,
  type ReceivedLiveEvent,
} from '../../src/store/sql/live-events';
import { createTestDatabase, POSTGRES_URL_VARIABLE, type TestDatabase } from '../support/postgres-server';

/** Items as they arrive, and a bounded wait for one that matches (no sleeping). */
class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) waiter();
  }

  waitFor(description: string, ready: (items: readonly T[]) => boolean, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready(this.items)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

interface Line {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

function recordingLogger(lines: Recorder<Line>): Logger {
  const at =
    (level: Line['level']) =>
    (fields: LogFields, message: string): void =>
      lines.push({ level, message, fields });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/** Sockets and timers that keep the event loop alive. */
function handles(): { sockets: number; timers: number } {
  const all = process.getActiveResourcesInfo();
  return {
    sockets: all.filter((kind) => kind === 'TCPSocketWrap').length,
    timers: all.filter((kind) => kind === 'Timeout').length,
  };
}

/**
 * The handles once they are back to `expected`, or as they stand after `withinMs`: a timer of the test's own
 * clients (or of the worker) may still be ending for a moment, while a leaked one stays.
 */
async function settledHandles(
  expected: { sockets: number; timers: number },
  withinMs = 1000,
): Promise<{ sockets: number; timers: number }> {
  const deadline = Date.now() + withinMs;
  let now = handles();
  while (Date.now() < deadline && (now.sockets !== expected.sockets || now.timers !== expected.timers)) {
    await new Promise((resolve) => setImmediate(resolve));
    now = handles();
  }
  return now;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** Polls pg_stat_activity until `count` listening connections of the instance remain, within a bound. */
async function expectListeners(url: string, instanceId: string, count: number): Promise<void> {
  const deadline = Date.now() + 3000;
  await withClient(url, async (client) => {
    for (let found = -1; Date.now() < deadline;) {
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1',
        [`relaydesk-live:${instanceId}`],
      );
      found = rows[0]!.n;
      if (found === count) return;
      await client.query('select pg_sleep(0.02)');
    }
    throw new Error(`expected ${count} listening connection(s) of ${instanceId}`);
  });
}

describe('PostgresLiveEvents', () => {
  let database: TestDatabase;
  const opened: PostgresLiveEvents[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });

  afterAll(async () => {
    await database.drop();
  });

  async function instance(instanceId: string, options: Partial<PostgresLiveEventsOptions> = {}) {
    const lines = new Recorder<Line>();
    const events = new Recorder<ReceivedLiveEvent>();
    const bus = await startPostgresLiveEvents({
      url: database.url,
      logger: recordingLogger(lines),
      instanceId,
      channel: 'test_live',
      random: () => 0,
      baseDelayMs: 50,
      maxDelayMs: 200,
      ...options,
    });
    opened.push(bus);
    bus.subscribe((event) => events.push(event));
    return { bus, lines, events };
  }

  // From the maintenance database, which stays open while this one refuses connections.
  const terminate = (instanceId: string) =>
    withClient(process.env[POSTGRES_URL_VARIABLE]!, async (client) => {
      const { rows } = await client.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2',
        [databaseName(database.url), `relaydesk-live:${instanceId}`],
      );
      expect(rows).toEqual([{ pg_terminate_backend: true }]);
    });

  it('carries an event to the other instance within a second, never back to its sender', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const started = performance.now();
    expect(await a.bus.publish({ kind: 'agent', agentId: 'alex' })).toBe(true);
    await b.events.waitFor('alex on b', (items) => items.length > 0, 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(b.events.items).toEqual([{ kind: 'agent', agentId: 'alex' }]);
    // NOTIFY is delivered in commit order: once b's reply reaches a, a's own echo would have come first.
    await b.bus.publish({ kind: 'work-items' });
    await a.events.waitFor('work items on a', (items) => items.length > 0, 1000);
    expect(a.events.items).toEqual([{ kind: 'work-items' }]);
  });

  it('publishes through a pool when given one', async () => {
    const pool = new Pool({ connectionString: database.url, max: 1 });
    try {
      const a = await instance('a', { publisher: pool });
      const b = await instance('b');
      expect(await a.bus.publish({ kind: 'agent', agentId: 'alex' })).toBe(true);
      await b.events.waitFor('alex on b', (items) => items.length > 0, 1000);
      expect(b.events.items).toEqual([{ kind: 'agent', agentId: 'alex' }]);
    } finally {
      await pool.end();
    }
  });

  it('drops and logs malformed payloads sent on the channel by anyone', async () => {
    const a = await instance('a');
    const junk = [
      'not json',
      JSON.stringify({ v: 1, from: 'x', event: { kind: 'agent' } }),
      JSON.stringify({ v: 2, from: 'x', event: { kind: 'work-items' } }),
      JSON.stringify({ v: 1, from: 'x', event: { kind: 'agent', agentId: 'y'.repeat(MAX_PAYLOAD_BYTES) } }),
    ];
    await withClient(database.url, async (client) => {
      for (const payload of junk) await client.query('select pg_notify($1, $2)', ['test_live', payload]);
      const valid = JSON.stringify({ v: 1, from: 'raw', event: { kind: 'work-items' } });
      await client.query('select pg_notify($1, $2)', ['test_live', valid]);
    });
    await a.events.waitFor('the valid event', (items) => items.length > 0, 1000);
    expect(a.events.items).toEqual([{ kind: 'work-items' }]);
    const dropped = a.lines.items.filter((line) => line.message === 'live event dropped');
    expect(dropped.map((line) => [line.level, line.fields['reason']])).toEqual([
      ['warn', 'not JSON'],
      ['warn', 'event.agentId: Invalid input: expected string, received undefined'],
      ['warn', 'v: Invalid input: expected 1'],
      ['warn', 'empty or too large'],
    ]);
  });

  it('refuses to publish an event too large for NOTIFY', async () => {
    const a = await instance('a');
    expect(await a.bus.publish({ kind: 'agent', agentId: 'z'.repeat(9000) })).toBe(false);
    expect(a.lines.items).toEqual([
      expect.objectContaining({ level: 'warn', message: 'live event refused' }),
    ]);
  });

  it('reconnects after its connection is terminated, says resync, and hears later events', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await terminate('a');
    await a.events.waitFor('resync', (items) => items.some((event) => event.kind === 'resync'));
    expect(a.lines.items.find((line) => line.level === 'warn')?.fields).toMatchObject({
      attempt: 1,
      delayMs: 25,
    });
    await b.bus.publish({ kind: 'agent', agentId: 'bea' });
    await a.events.waitFor('bea', (items) => items.length === 2, 1000);
    expect(a.events.items).toEqual([{ kind: 'resync' }, { kind: 'agent', agentId: 'bea' }]);
    expect(b.events.items).toEqual([]);
  });

  it('backs off while the database refuses connections, and owes the others a resync for what it missed', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const name = databaseName(database.url);
    const server = process.env[POSTGRES_URL_VARIABLE]!;
    await withClient(server, (client) => client.query(`alter database ${name} allow_connections false`));
    try {
      await terminate('a');
      const warnings = () => a.lines.items.filter((line) => line.level === 'warn');
      await a.lines.waitFor('three attempts', () => warnings().length >= 3);
      // random() = 0: half of each ceiling, doubling from 50 ms up to 200 ms.
      const attempts = warnings().slice(0, 3);
      expect(attempts.map((line) => [line.fields['attempt'], line.fields['delayMs']])).toEqual([
        [1, 25],
        [2, 50],
        [3, 100],
      ]);
      expect(await a.bus.publish({ kind: 'agent', agentId: 'alex' })).toBe(false);
    } finally {
      await withClient(server, (client) => client.query(`alter database ${name} allow_connections true`));
    }
    await a.events.waitFor('resync on a', (items) => items.some((event) => event.kind === 'resync'));
    await b.events.waitFor('resync on b', (items) => items.some((event) => event.kind === 'resync'));
    expect(b.events.items).toEqual([{ kind: 'resync' }]);
  });

  it('leaves no connection, socket or timer behind when closed, even mid-reconnect', async () => {
    const before = handles();
    const a = await instance('a', { pingMs: 1000 });
    const b = await instance('b', { baseDelayMs: 60_000 });
    await terminate('b');
    await b.lines.waitFor('a reconnect scheduled', (items) => items.some((line) => line.level === 'warn'));
    await Promise.all([a.bus.close(), b.bus.close(), a.bus.close()]);
    expect(await a.bus.publish({ kind: 'work-items' })).toBe(false);
    expect(await settledHandles(before)).toEqual(before);
    await expectListeners(database.url, 'a', 0);
    await expectListeners(database.url, 'b', 0);
  });

  it('rejects a start when the database is unreachable, leaving nothing open', async () => {
    const before = handles();
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    await expect(
      startPostgresLiveEvents({ url: url.toString(), logger: recordingLogger(new Recorder()) }),
    ).rejects.toThrow('no_such_database');
    expect(await settledHandles(before)).toEqual(before);
  });

  it('refuses a channel name it could not quote safely', async () => {
    await expect(
      openLiveEvents(
        { kind: 'postgres', url: database.url },
        { logger: recordingLogger(new Recorder()), channel: 'x"; drop' },
      ),
    ).rejects.toThrow('channel');
  });
});

describe('LocalLiveEvents', () => {
  it('has nobody to tell on a single instance', async () => {
    const bus = await openLiveEvents(
      { kind: 'sqlite', path: ':memory:' },
      { logger: recordingLogger(new Recorder()) },
    );
    expect(bus).toBeInstanceOf(LocalLiveEvents);
    const events: ReceivedLiveEvent[] = [];
    const unsubscribe = bus.subscribe((event) => void events.push(event));
    expect(await bus.publish({ kind: 'work-items' })).toBe(true);
    unsubscribe();
    await bus.close();
    expect(events).toEqual([]);
  });
});
