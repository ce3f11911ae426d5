/**
 * The shared record of open workspace tabs (agent_tabs): an instance writes a row while an agent has a stream open
 * on it and vouches for it every refresh; any instance asks "open anywhere, seen within 45 s". The clock is a fake
 * one moved by hand and the refresh timer is run by hand: nothing sleeps.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogFields, Logger } from '../../src/app/ports';
import { silentLogger } from '../../src/app/ports';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import {
  TAB_REFRESH_MS,
  TAB_STALE_MS,
  TabPresence,
  type PresenceTimers,
} from '../../src/store/sql/tab-presence';
import { AgentEventHub } from '../../src/web/agent-events';
import { FakeClock } from '../support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { EventStreamReader } from '../web/agent-api-support';

/** The refresh timer, run by hand. */
class ManualTimers implements PresenceTimers {
  readonly running = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;

  setInterval(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.running.set(handle, { callback, ms });
    return handle;
  }

  clearInterval(handle: unknown): void {
    this.running.delete(handle as number);
  }

  fire(): void {
    for (const { callback } of [...this.running.values()]) callback();
  }
}

interface Line {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (fields: LogFields, message: string) =>
    void lines.push({ level, message, fields });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

interface Backend {
  /** The database of instance A and of instance B (one and the same on SQLite: one instance per file). */
  open(): Promise<[SqlDatabase, SqlDatabase]>;
  dispose(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'SQLite',
    () => {
      const db = openDatabase({ kind: 'sqlite', path: ':memory:', busyTimeoutMs: 0 });
      return Promise.resolve({ open: () => Promise.resolve([db, db]), dispose: () => db.close() });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database: TestDatabase = await createTestDatabase();
      const opened: SqlDatabase[] = [];
      return {
        open: () => {
          const a = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
          const b = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
          opened.push(a, b);
          return Promise.resolve([a, b]);
        },
        dispose: async () => {
          for (const db of opened) await db.close();
          await database.drop();
        },
      };
    },
  ],
];

describe.each(backends)('tab presence on %s', (_name, fresh) => {
  let backend: Backend;
  let dbA: SqlDatabase;
  let dbB: SqlDatabase;
  let clock: FakeClock;
  const made: TabPresence[] = [];

  const presence = (
    db: SqlDatabase,
    instanceId: string,
    extra: { timers?: ManualTimers; logger?: Logger } = {},
  ) => {
    const one = new TabPresence({
      database: db,
      clock,
      logger: extra.logger ?? silentLogger,
      instanceId,
      ...(extra.timers ? { timers: extra.timers } : {}),
    });
    made.push(one);
    return one;
  };
  const rows = () => dbB.db.selectFrom('agent_tabs').selectAll().orderBy('instance_id').execute();

  beforeEach(async () => {
    backend = await fresh();
    [dbA, dbB] = await backend.open();
    await migrateToLatest(dbA);
    clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  });

  afterEach(async () => {
    for (const one of made.splice(0)) await one.close();
    await backend.dispose();
  });

  it('a stream open on one instance makes the agent reachable from the other; its end makes it unreachable', async () => {
    const a = presence(dbA, 'instance-a');
    const b = presence(dbB, 'instance-b');
    expect(await b.isOpenAnywhere('alex')).toBe(false);
    a.streamsChanged('alex', 1);
    a.streamsChanged('alex', 2);
    await a.settled();
    expect(await b.isOpenAnywhere('alex')).toBe(true);
    expect(await b.isOpenAnywhere('bea')).toBe(false);
    expect(await rows()).toEqual([
      { agent_key: 'alex', instance_id: 'instance-a', open_streams: 2, seen_at: clock.now() },
    ]);
    a.streamsChanged('alex', 1);
    a.streamsChanged('alex', 0);
    await a.settled();
    expect(await b.isOpenAnywhere('alex')).toBe(false);
    expect(await rows()).toEqual([]);
  });

  it('counts a row for 45 s after it was last vouched for; the 15 s refresh vouches again', async () => {
    const timers = new ManualTimers();
    const a = presence(dbA, 'instance-a', { timers });
    const b = presence(dbB, 'instance-b');
    a.start();
    expect([...timers.running.values()].map((timer) => timer.ms)).toEqual([TAB_REFRESH_MS]);
    a.streamsChanged('alex', 1);
    await a.settled();
    clock.advance(TAB_STALE_MS);
    expect(await b.isOpenAnywhere('alex')).toBe(true);
    clock.advance(1);
    expect(await b.isOpenAnywhere('alex')).toBe(false);
    timers.fire();
    await a.settled();
    expect(await b.isOpenAnywhere('alex')).toBe(true);
    expect((await rows())[0]?.seen_at).toBe(clock.now());
  });

  it('a dead instance (never closed) stops counting after 45 s, and a live one purges its rows after 90 s', async () => {
    const timers = new ManualTimers();
    const dead = new TabPresence({ database: dbA, clock, logger: silentLogger, instanceId: 'killed' });
    dead.streamsChanged('alex', 1);
    await dead.settled();
    const live = presence(dbB, 'instance-b', { timers });
    live.start();
    live.streamsChanged('bea', 1);
    await live.settled();
    clock.advance(TAB_STALE_MS + 1);
    expect(await live.isOpenAnywhere('alex')).toBe(false);
    timers.fire();
    await live.settled();
    // Stale, but kept a while: a live instance with a lagging clock would still refresh it.
    expect((await rows()).map((row) => row.instance_id)).toEqual(['instance-b', 'killed']);
    clock.advance(TAB_STALE_MS);
    timers.fire();
    await live.settled();
    expect((await rows()).map((row) => row.instance_id)).toEqual(['instance-b']);
    expect(await live.isOpenAnywhere('bea')).toBe(true);
  });

  it('close removes this instance’s rows only, stops the refresh, and ignores later changes', async () => {
    const timers = new ManualTimers();
    const a = presence(dbA, 'instance-a', { timers });
    const b = presence(dbB, 'instance-b');
    a.start();
    a.streamsChanged('alex', 1);
    b.streamsChanged('bea', 1);
    await Promise.all([a.settled(), b.settled()]);
    await a.close();
    await a.close();
    expect(timers.running.size).toBe(0);
    a.streamsChanged('alex', 3);
    await a.refresh();
    await a.settled();
    expect((await rows()).map((row) => [row.instance_id, row.agent_key])).toEqual([['instance-b', 'bea']]);
    expect(await b.isOpenAnywhere('alex')).toBe(false);
  });

  it('writes the last of many changes in a row, for more agents than one statement takes', async () => {
    const a = presence(dbA, 'instance-a');
    const agents = Array.from({ length: 450 }, (_, index) => `agent-${index}`);
    for (let round = 1; round <= 3; round += 1) {
      for (const agentId of agents) a.streamsChanged(agentId, round);
    }
    for (const agentId of agents.slice(0, 100)) a.streamsChanged(agentId, 0);
    await a.settled();
    const written = await rows();
    expect(written).toHaveLength(350);
    expect(new Set(written.map((row) => row.open_streams))).toEqual(new Set([3]));
  });

  it('a failed write is told once, kept, and written by the next refresh', async () => {
    const lines: Line[] = [];
    const timers = new ManualTimers();
    const a = presence(dbA, 'instance-a', { timers, logger: recordingLogger(lines) });
    await dbA.db.schema.alterTable('agent_tabs').renameTo('agent_tabs_away').execute();
    a.streamsChanged('alex', 1);
    await a.settled();
    a.streamsChanged('bea', 1);
    await a.settled();
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'open tabs not written',
    ]);
    await dbA.db.schema.alterTable('agent_tabs_away').renameTo('agent_tabs').execute();
    a.start();
    timers.fire();
    await a.settled();
    expect((await rows()).map((row) => row.agent_key).sort()).toEqual(['alex', 'bea']);
    expect(lines.at(-1)?.message).toBe('open tabs written again');
  });
});

describe('AgentEventHub tells the tab presence its stream counts', () => {
  it('on open, on close by the client, and when the hub closes', async () => {
    const told: Array<[string, number]> = [];
    let onTold: () => void = () => undefined;
    const hub = new AgentEventHub({
      clock: new FakeClock(0),
      logger: silentLogger,
      heartbeatMs: 60_000,
      onStreamsChanged: (agentId, streams) => {
        told.push([agentId, streams]);
        onTold();
      },
    });
    const server: Server = createServer((req, res) => void hub.serve((req.url ?? '/').slice(1), req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await EventStreamReader.open(`${url}/alex`);
      const second = await EventStreamReader.open(`${url}/alex`);
      await second.waitForEvents('workspace', 1);
      expect(told).toEqual([
        ['alex', 1],
        ['alex', 2],
      ]);
      // The server hears of the client's close a moment later; jest's timeout bounds the wait.
      const toldAgain = new Promise<void>((resolve) => (onTold = resolve));
      first.close();
      await toldAgain;
      expect(told.at(-1)).toEqual(['alex', 1]);
      hub.close();
      expect(told.at(-1)).toEqual(['alex', 0]);
      await second.ended;
    } finally {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
