import { customerMessage, type TestCustomer } from '../support/activities';
import { FakeConnector } from '../support/fake-connector';
import { startTestDesk, type TestDesk } from '../support/harness';
import { textOf } from '../support/cards';

const customer: TestCustomer = { userId: 'probe-visitor', conversationId: 'probe-conv' };

/** The outbox sends nothing by itself: what a request queues waits for a drain (here, the shutdown's). */
const HELD_OUTBOX = { autoDrain: false, pollMs: 0, panelRefreshMs: 0 };

/** POSTs without the harness's drain after it, so what the turn queued is still pending. */
async function postUndrained(url: string, activity: object): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('GET /healthz and GET /readyz', () => {
  let desk: TestDesk;

  beforeEach(async () => {
    desk = await startTestDesk({ CONTACTS_FILE: 'off' });
  });
  afterEach(async () => {
    await desk.app.close();
  });

  it('are both 200 with JSON bodies when the desk can work', async () => {
    const health = await fetch(`${desk.app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const ready = await fetch(`${desk.app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ready.json()).toEqual({
      status: 'ready',
      failing: [],
      checks: {
        database: { ok: true, detail: 'answers' },
        migrations: { ok: true, detail: expect.stringMatching(/ applied$/) },
        outbox: { ok: true, detail: 'nothing due' },
      },
    });
  });

  it('/readyz is 503 naming the database while it is down, /healthz stays 200, and the change is logged once', async () => {
    await desk.app.database.close();
    for (let probe = 0; probe < 2; probe += 1) {
      const ready = await fetch(`${desk.app.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'not ready',
        failing: ['database'],
        checks: { database: { ok: false } },
      });
    }
    expect((await fetch(`${desk.app.baseUrl}/healthz`)).status).toBe(200);
    const notReady = desk.lines.filter((line) => line.msg === 'not ready');
    expect(notReady).toEqual([
      expect.objectContaining({
        level: 40,
        component: 'readyz',
        failing: [expect.stringMatching(/^database: /)],
      }),
    ]);
  });
});

describe('closing the desk (SIGTERM, Ctrl-C)', () => {
  let connector: FakeConnector;

  beforeEach(async () => {
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await connector.close();
  });

  it('sends what the outbox holds before it closes the store, and logs the drain', async () => {
    const desk = await startTestDesk({ CONTACTS_FILE: 'off' }, { outbox: HELD_OUTBOX });
    expect(await postUndrained(desk.app.url, customerMessage(connector.serviceUrl, customer, 'hi'))).toBe(
      200,
    );
    expect(await desk.app.outboxPending()).toBeGreaterThan(0);
    expect(connector.posted(customer.conversationId)).toEqual([]);

    await desk.app.close();
    expect(connector.posted(customer.conversationId).map(textOf)).toEqual([expect.stringMatching(/queue/)]);
    expect(desk.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^draining: /), 'drained']),
    );
    expect(desk.lines.find((line) => line.msg === 'drained')).toMatchObject({ outboxPending: 0 });
  });

  it('gives a connector that does not answer no more than SHUTDOWN_GRACE_S, leaving its sends for the next start', async () => {
    const desk = await startTestDesk(
      { CONTACTS_FILE: 'off', SHUTDOWN_GRACE_S: '1' },
      { outbox: HELD_OUTBOX },
    );
    const held = connector.hold();
    try {
      await postUndrained(desk.app.url, customerMessage(connector.serviceUrl, customer, 'hi'));
      const started = performance.now();
      await desk.app.close();
      expect(performance.now() - started).toBeLessThan(4000);
      expect(desk.lines.find((line) => line.msg.startsWith('grace period over'))).toMatchObject({
        level: 40,
        outboxPending: 1,
      });
      // /readyz is gone with the server: a load balancer has already stopped sending here.
      await expect(fetch(`${desk.app.baseUrl}/readyz`)).rejects.toThrow();
    } finally {
      held.release();
    }
  });
});
