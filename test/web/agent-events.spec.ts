import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notifier } from '../../src/app/desk-context';
import { silentLogger } from '../../src/app/ports';
import type { AgentView } from '../../src/app/views';
import { AgentEventHub, EventingNotifier } from '../../src/web/agent-events';
import { FakeClock } from '../support/fake-clock';
import { EventStreamReader } from './agent-api-support';

/** A bare HTTP server whose every request is an event stream of the agent named in the path. */
async function hubServer(hub: AgentEventHub, expiresAt?: () => number) {
  const server: Server = createServer((req, res) => {
    const agentId = (req.url ?? '/').slice(1);
    const exp = expiresAt?.();
    void hub.serve(agentId, req, res, exp !== undefined ? { expiresAt: exp } : {});
  });
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

describe('AgentEventHub', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));

  it('merges changes inside the coalescing window into one event, per agent', async () => {
    const hub = new AgentEventHub({ clock, logger: silentLogger, coalesceMs: 30, heartbeatMs: 60_000 });
    const server = await hubServer(hub);
    const alex = await EventStreamReader.open(server.url('alex'));
    const bea = await EventStreamReader.open(server.url('bea'));
    try {
      await alex.waitForEvents('workspace', 1);
      await bea.waitForEvents('workspace', 1);
      for (let n = 0; n < 5; n += 1) hub.publish('alex');
      await alex.waitForEvents('workspace', 2);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(alex.named('workspace')).toHaveLength(2);
      expect(bea.named('workspace')).toHaveLength(1);
      hub.publishAll();
      await bea.waitForEvents('workspace', 2);
      await alex.waitForEvents('workspace', 3);
      expect(hub.count()).toBe(2);
    } finally {
      hub.close();
      await server.close();
    }
  });

  it('ends a stream when its token expires', async () => {
    const hub = new AgentEventHub({ clock, logger: silentLogger, heartbeatMs: 60_000 });
    const server = await hubServer(hub, () => clock.now() + 50);
    try {
      const stream = await EventStreamReader.open(server.url('alex'));
      await stream.waitForEvents('workspace', 1);
      await stream.ended;
      expect(hub.count('alex')).toBe(0);
    } finally {
      hub.close();
      await server.close();
    }
  });

  it('keeps at most maxStreamsPerAgent streams per agent, closing the oldest', async () => {
    const hub = new AgentEventHub({
      clock,
      logger: silentLogger,
      heartbeatMs: 60_000,
      maxStreamsPerAgent: 2,
    });
    const server = await hubServer(hub);
    const streams: EventStreamReader[] = [];
    try {
      for (let n = 0; n < 3; n += 1) {
        const stream = await EventStreamReader.open(server.url('alex'));
        await stream.waitForEvents('workspace', 1);
        streams.push(stream);
      }
      await streams[0]!.ended;
      expect(hub.count('alex')).toBe(2);
    } finally {
      for (const stream of streams) stream.close();
      hub.close();
      await server.close();
    }
  });

  it('forgets a stream whose client went away, and refuses new streams once closed', async () => {
    const hub = new AgentEventHub({ clock, logger: silentLogger, heartbeatMs: 60_000 });
    const server = await hubServer(hub);
    try {
      const stream = await EventStreamReader.open(server.url('alex'));
      await stream.waitForEvents('workspace', 1);
      stream.close();
      const deadline = Date.now() + 2000;
      while (hub.count('alex') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(hub.count('alex')).toBe(0);
      hub.close();
      const refused = await fetch(server.url('alex'));
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: 'ShuttingDown' });
    } finally {
      await server.close();
    }
  });
});

describe('EventingNotifier', () => {
  it('passes every send on and tells the hub which agent’s workspace changed', async () => {
    const sent: string[] = [];
    const inner: Notifier = {
      toCustomer: async (customerId, text) => void sent.push(`customer ${customerId}: ${text}`),
      toAgent: async (agentId, view, options) =>
        void sent.push(`agent ${agentId}: ${view.kind} ${options?.slot ?? ''}`),
      workItemsChanged: async () => void sent.push('work items'),
    };
    const published: string[] = [];
    const notifier = new EventingNotifier(inner, {
      publish: (agentId) => void published.push(agentId),
      publishAll: () => void published.push('*'),
    });
    const view: AgentView = { kind: 'help' };
    await notifier.toAgent('alex', view, { slot: 'panel' });
    await notifier.toCustomer('emulator:1', 'hello');
    await notifier.workItemsChanged();
    expect(sent).toEqual(['agent alex: help panel', 'customer emulator:1: hello', 'work items']);
    expect(published).toEqual(['alex', '*']);
  });
});
