import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { Notifier } from '../../src/app/desk-context';
import { silentLogger } from '../../src/app/ports';
import {
  startPostgresLiveEvents,
  type LiveEvent,
  type LiveEventBus,
  type LiveEventListener,
  type PostgresLiveEvents,
} from '../../src/store/sql/live-events';
import { AgentEventHub, EventingNotifier } from '../../src/web/agent-events';
import { FakeClock } from '../support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { EventStreamReader } from './agent-api-support';

/** A bare HTTP server whose every request is an event stream of the agent named in the path. */
async function hubServer(hub: AgentEventHub) {
  const server: Server = createServer((req, res) => void hub.serve((req.url ?? '/').slice(1), req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (agentId: string) => `http://127.0.0.1:${port}/${agentId}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const inner: Notifier = {
  toCustomer: async () => undefined,
  toAgent: async () => undefined,
  workItemsChanged: async () => undefined,
};

/** A bus standing for the other instances, in memory: what this hub published, and a way to deliver to it. */
class MemoryBus implements LiveEventBus {
  readonly published: LiveEvent[] = [];
  readonly listeners = new Set<LiveEventListener>();

  async publish(event: LiveEvent): Promise<boolean> {
    this.published.push(event);
    return true;
  }

  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {}
}

describe('AgentEventHub with a live event bus', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));

  it('publishes local changes, refreshes on remote ones, and every tab on resync', async () => {
    const bus = new MemoryBus();
    const hub = new AgentEventHub({ clock, logger: silentLogger, coalesceMs: 10, heartbeatMs: 60_000, bus });
    const server = await hubServer(hub);
    const alex = await EventStreamReader.open(server.url('alex'));
    const bea = await EventStreamReader.open(server.url('bea'));
    const deliver = (event: Parameters<LiveEventListener>[0]) =>
      bus.listeners.forEach((listen) => listen(event));
    try {
      await alex.waitForEvents('workspace', 1);
      await bea.waitForEvents('workspace', 1);
      const notifier = new EventingNotifier(inner, hub);
      await notifier.toAgent('alex', { kind: 'help' });
      await notifier.workItemsChanged();
      expect(bus.published).toEqual([{ kind: 'agent', agentId: 'alex' }, { kind: 'work-items' }]);
      await alex.waitForEvents('workspace', 2);
      await bea.waitForEvents('workspace', 2);
      deliver({ kind: 'agent', agentId: 'bea' });
      await bea.waitForEvents('workspace', 3);
      deliver({ kind: 'resync' });
      await alex.waitForEvents('workspace', 3);
      await bea.waitForEvents('workspace', 4);
      // Remote events are not told back to the bus.
      expect(bus.published).toHaveLength(2);
      hub.close();
      expect(bus.listeners.size).toBe(0);
    } finally {
      hub.close();
      await server.close();
    }
  });

  describe('on one PostgreSQL database', () => {
    let database: TestDatabase;
    const buses: PostgresLiveEvents[] = [];
    const hubs: AgentEventHub[] = [];
    const servers: Array<{ close(): Promise<void> }> = [];

    beforeAll(async () => {
      database = await createTestDatabase();
    });

    afterEach(async () => {
      for (const hub of hubs.splice(0)) hub.close();
      await Promise.all(servers.splice(0).map((server) => server.close()));
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });

    afterAll(async () => {
      await database.drop();
    });

    async function instance(instanceId: string) {
      const bus = await startPostgresLiveEvents({
        url: database.url,
        logger: silentLogger,
        instanceId,
        baseDelayMs: 20,
        random: () => 0.5,
      });
      buses.push(bus);
      const hub = new AgentEventHub({ clock, logger: silentLogger, heartbeatMs: 60_000, bus });
      hubs.push(hub);
      const server = await hubServer(hub);
      servers.push(server);
      return { hub, server, notifier: new EventingNotifier(inner, hub) };
    }

    it('a change notified on instance B reaches a tab open on instance A within a second', async () => {
      const a = await instance('a');
      const b = await instance('b');
      const alex = await EventStreamReader.open(a.server.url('alex'));
      const bea = await EventStreamReader.open(a.server.url('bea'));
      await alex.waitForEvents('workspace', 1);
      await bea.waitForEvents('workspace', 1);
      const started = performance.now();
      await b.notifier.toAgent('alex', { kind: 'help' });
      await alex.waitForEvents('workspace', 2, 1000);
      expect(performance.now() - started).toBeLessThan(1000);
      await b.notifier.workItemsChanged();
      await bea.waitForEvents('workspace', 2, 1000);
      await alex.waitForEvents('workspace', 3, 1000);
    });

    it('refreshes every tab on an instance whose listening connection came back', async () => {
      const a = await instance('a');
      const b = await instance('b');
      const alex = await EventStreamReader.open(a.server.url('alex'));
      await alex.waitForEvents('workspace', 1);
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1',
          ['relaydesk-live:a'],
        );
      } finally {
        await client.end();
      }
      await alex.waitForEvents('workspace', 2);
      await b.notifier.toAgent('alex', { kind: 'help' });
      await alex.waitForEvents('workspace', 3, 1000);
    });
  });
});
