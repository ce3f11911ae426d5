import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notifier } from '../../src/app/desk-context';
import { silentLogger } from '../../src/app/ports';
import type { AgentView } from '../../src/app/views';
import { AgentEventHub, EventingNotifier } from '../../src/web/agent-events';
import { FakeClock } from '../support/fake-clock';
import { EventStreamReader, type SseEvent } from './agent-api-support';

/** How long the hub may take to let go of a stream whose client went away. */
const BOUNDED_WAIT_MS = 2000;

/** When the hub sent a workspace event, by its clock: the event's only data. */
const sentAt = (event: SseEvent | undefined) =>
  event === undefined ? undefined : (JSON.parse(event.data) as { at: number }).at;

/** Resolves when `settled` does; rejects, naming what it waited for, after `ms`. */
async function within<T>(ms: number, what: string, settled: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A bare HTTP server whose every request is an event stream of the agent named in the path. `served` holds,
 * in order of arrival, what hub.serve() returned for each: it resolves once the hub has let that stream go.
 */
async function hubServer(hub: AgentEventHub, expiresAt?: () => number) {
  const served: Promise<void>[] = [];
  const server: Server = createServer((req, res) => {
    const agentId = (req.url ?? '/').slice(1);
    const exp = expiresAt?.();
    served.push(hub.serve(agentId, req, res, exp !== undefined ? { expiresAt: exp } : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (agentId: string) => `http://127.0.0.1:${port}/${agentId}`,
    served,
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
      // A later change, sent at a later time: for each stream, the next event is that one, nothing in between.
      clock.advance(1000);
      hub.publishAll();
      await alex.waitForEvents('workspace', 3);
      await bea.waitForEvents('workspace', 2);
      expect(sentAt(alex.named('workspace')[2])).toBe(clock.now());
      expect(sentAt(bea.named('workspace')[1])).toBe(clock.now());
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
      await within(BOUNDED_WAIT_MS, 'the hub to let the stream go', server.served[0]!);
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
    const record = (line: string) => {
      sent.push(line);
      return Promise.resolve();
    };
    const inner: Notifier = {
      toCustomer: (customerId, text) => record(`customer ${customerId}: ${text}`),
      toAgent: (agentId, view, options) =>
        record(`agent ${agentId}: ${view.kind} ${options?.target?.kind ?? ''}`),
      workItemsChanged: () => record('work items'),
    };
    const published: string[] = [];
    const notifier = new EventingNotifier(inner, {
      publish: (agentId) => void published.push(agentId),
      publishAll: () => void published.push('*'),
    });
    const view: AgentView = { kind: 'help' };
    await notifier.toAgent('alex', view, { target: { kind: 'panel' } });
    await notifier.toCustomer('emulator:1', 'hello');
    await notifier.workItemsChanged();
    expect(sent).toEqual(['agent alex: help panel', 'customer emulator:1: hello', 'work items']);
    expect(published).toEqual(['alex', '*']);
  });
});
