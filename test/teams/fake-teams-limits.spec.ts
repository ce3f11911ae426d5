import { TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS } from '../../src/domain/call-budget';
import { DEFAULT_TENANT, FakeConnector, type FakeConnectorOptions } from '../support/fake-connector';
import { FakeClock } from '../support/harness';

/**
 * The fake Bot Connector under `teamsLimits` enforces Teams' rate limits ("Optimize your bot with rate limiting in
 * Teams"): per conversation 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour; per tenant 50 per 1 s. Pinned here
 * with plain HTTP calls, in the URL shapes botbuilder uses, on a clock moved by hand.
 */
describe('the fake connector’s Teams rate limits', () => {
  let connector: FakeConnector;
  let clock: FakeClock;

  async function start(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
    connector = await FakeConnector.start({ teamsLimits: { now: () => clock.now() }, ...options });
    return connector;
  }

  interface Answer {
    readonly status: number;
    readonly retryAfter: string | null;
    readonly id: string | undefined;
  }

  async function call(method: 'POST' | 'PUT', path: string, activity: object): Promise<Answer> {
    const response = await fetch(`${connector.serviceUrl}${path.replace(/^\//, '')}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const body = (await response.json()) as { id?: string };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), id: body.id };
  }

  function message(conversationId: string, text = 'hello', tenantId?: string): object {
    return {
      type: 'message',
      text,
      conversation: { id: conversationId, ...(tenantId === undefined ? {} : { tenantId }) },
    };
  }

  /** POST /v3/conversations/:id/activities, as sendActivity to a conversation does. */
  function send(conversationId: string, activity: object = message(conversationId)): Promise<Answer> {
    return call('POST', `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity);
  }

  /** POST …/activities/:activityId, as a reply does. */
  function reply(conversationId: string, replyToId: string, text = 'a reply'): Promise<Answer> {
    return call(
      'POST',
      `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(replyToId)}`,
      { ...message(conversationId, text), replyToId },
    );
  }

  /** PUT …/activities/:activityId, as updateActivity does. */
  function update(conversationId: string, activityId: string, text = 'updated'): Promise<Answer> {
    return call(
      'PUT',
      `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`,
      { ...message(conversationId, text), id: activityId },
    );
  }

  async function sendMany(conversationId: string, count: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let n = 0; n < count; n += 1) answers.push(await send(conversationId));
    return answers;
  }

  const statuses = (answers: readonly Answer[]) => answers.map((answer) => answer.status);

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  });

  afterEach(async () => {
    await connector.close();
  });

  describe('per conversation', () => {
    it('accepts 7 calls in one instant and answers the 8th 429 with Retry-After 1, unprocessed', async () => {
      await start();
      expect(statuses(await sendMany('conv-a', 7))).toEqual(Array(7).fill(200));
      const eighth = await send('conv-a', message('conv-a', 'the eighth'));
      expect(eighth).toEqual({ status: 429, retryAfter: '1', id: undefined });
      expect(connector.posted('conv-a')).toHaveLength(7);
      expect(connector.calls.some((recorded) => recorded.activity['text'] === 'the eighth')).toBe(false);
      expect(connector.refused).toEqual([]);
      expect(connector.throttled).toEqual([
        expect.objectContaining({
          method: 'POST',
          kind: 'send',
          conversationId: 'conv-a',
          tenantId: DEFAULT_TENANT,
          at: clock.now(),
          retryAfter: 1,
          limit: { scope: 'conversation', limit: 7, windowMs: 1_000, waitMs: 1_000 },
          exceeded: [{ scope: 'conversation', limit: 7, windowMs: 1_000, waitMs: 1_000 }],
          activity: expect.objectContaining({ text: 'the eighth' }),
        }),
      ]);
      // Another conversation has windows of its own.
      expect((await send('conv-b')).status).toBe(200);
    });

    it('slides the 1 s window exactly: a call is counted while its arrival is within (t − 1 s, t]', async () => {
      await start({
        teamsLimits: { now: () => clock.now(), conversationWindows: [TEAMS_CONVERSATION_WINDOWS[0]!] },
      });
      await sendMany('conv-a', 3);
      clock.advance(400);
      await sendMany('conv-a', 4);
      clock.advance(599); // 999 ms after the first three: they are all still in the window.
      expect(await send('conv-a')).toMatchObject({ status: 429, retryAfter: '1' });
      expect(connector.throttled[0]?.limit.waitMs).toBe(1);
      clock.advance(1); // 1,000 ms after the first three: they have left it.
      expect(statuses(await sendMany('conv-a', 4))).toEqual([200, 200, 200, 429]);
      // Now the oldest call in the window is one of the four sent 400 ms after the start, 600 ms ago.
      expect(connector.throttled[1]).toMatchObject({ retryAfter: 1, limit: { waitMs: 400 } });
    });

    it('allows 8 per 2 s: the 8th call a second after 7 goes, the 9th waits for the first 7 to leave', async () => {
      await start();
      await sendMany('conv-a', 7);
      expect((await send('conv-a')).status).toBe(429);
      clock.advance(1_000);
      // The 429 did not count: (t − 2 s, t] holds the first 7 only, so one more fits.
      expect((await send('conv-a')).status).toBe(200);
      const ninth = await send('conv-a');
      expect(ninth).toMatchObject({ status: 429, retryAfter: '1' });
      expect(connector.throttled[1]?.limit).toEqual({
        scope: 'conversation',
        limit: 8,
        windowMs: 2_000,
        waitMs: 1_000,
      });
      clock.advance(999);
      expect((await send('conv-a')).status).toBe(429);
      clock.advance(1);
      // (t − 2 s, t] now holds the one call of a second ago: 7 more fit, the 7 per 1 s being the tighter.
      expect(statuses(await sendMany('conv-a', 8))).toEqual([...Array(7).fill(200), 429]);
      expect(connector.throttled[3]?.exceeded.map((hit) => hit.limit)).toEqual([7, 8]);
      expect(connector.posted('conv-a')).toHaveLength(7 + 1 + 7);
    });

    it('allows 60 per 30 s: a call is refused until the oldest leaves, with Retry-After rounded up', async () => {
      await start();
      // 4 calls a second for 15 s: within 7 per 1 s and 8 per 2 s, 60 in all.
      for (let second = 0; second < 15; second += 1) {
        expect(statuses(await sendMany('conv-a', 4))).toEqual([200, 200, 200, 200]);
        clock.advance(1_000);
      }
      clock.advance(20_500 - 15_000); // 20.5 s after the first four
      expect(await send('conv-a')).toMatchObject({ status: 429, retryAfter: '10' });
      expect(connector.throttled[0]?.limit).toEqual({
        scope: 'conversation',
        limit: 60,
        windowMs: 30_000,
        waitMs: 9_500,
      });
      clock.advance(9_499); // 1 ms before the first four leave
      expect(await send('conv-a')).toMatchObject({ status: 429, retryAfter: '1' });
      clock.advance(1);
      // The first four have left: four more fit, the fifth is over again (the next four leave at 31 s).
      expect(statuses(await sendMany('conv-a', 5))).toEqual([200, 200, 200, 200, 429]);
      expect(connector.throttled[2]).toMatchObject({ retryAfter: 1, limit: { limit: 60, waitMs: 1_000 } });
    });

    it('counts replies and updates to the conversation like sends, and processes none that it throttles', async () => {
      await start();
      const { id: sent } = await send('conv-a');
      if (sent === undefined) throw new Error('the first send was answered without an id');
      for (let n = 0; n < 3; n += 1) expect((await reply('conv-a', sent)).status).toBe(200);
      for (let n = 0; n < 3; n += 1) expect((await update('conv-a', sent, `edit ${n}`)).status).toBe(200);
      expect(await update('conv-a', sent, 'edit refused')).toMatchObject({
        status: 429,
        retryAfter: '1',
      });
      expect(await reply('conv-a', sent, 'reply refused')).toMatchObject({ status: 429 });
      expect(connector.updates('conv-a', sent).map((call) => call.activity['text'])).toEqual([
        'edit 0',
        'edit 1',
        'edit 2',
      ]);
      expect(connector.posted('conv-a')).toHaveLength(4);
      expect(connector.throttled.map((throttled) => throttled.kind)).toEqual(['update', 'reply']);
      expect(connector.calls).toHaveLength(7);
    });
  });

  describe('per tenant', () => {
    it('allows 50 calls per second across a tenant’s conversations, each tenant on its own', async () => {
      await start();
      for (let n = 0; n < 50; n += 1) {
        // Half name the tenant on the conversation, half in channelData, as Teams sends both.
        const activity =
          n % 2 === 0
            ? message(`conv-${n}`, 'hello', 'contoso')
            : { ...message(`conv-${n}`), channelData: { tenant: { id: 'contoso' } } };
        expect((await send(`conv-${n}`, activity)).status).toBe(200);
      }
      expect(await send('conv-50', message('conv-50', 'one too many', 'contoso'))).toMatchObject({
        status: 429,
        retryAfter: '1',
      });
      expect(connector.throttled[0]).toMatchObject({
        conversationId: 'conv-50',
        tenantId: 'contoso',
        limit: { scope: 'tenant', limit: 50, windowMs: 1_000, waitMs: 1_000 },
      });
      // Another tenant, and the calls that name none, are not held back by contoso's.
      expect((await send('conv-f', message('conv-f', 'hello', 'fabrikam'))).status).toBe(200);
      expect((await send('conv-none')).status).toBe(200);
      clock.advance(1_000);
      expect((await send('conv-50', message('conv-50', 'now', 'contoso'))).status).toBe(200);
    });

    it('puts every call that names no tenant in one default tenant', async () => {
      await start();
      for (let n = 0; n < 50; n += 1) expect((await send(`conv-${n}`)).status).toBe(200);
      expect((await send('conv-50')).status).toBe(429);
      expect(connector.throttled[0]).toMatchObject({ tenantId: DEFAULT_TENANT, limit: { scope: 'tenant' } });
      expect((await send('conv-t', message('conv-t', 'hello', 'contoso'))).status).toBe(200);
    });

    it('names every window a call is over, and answers with the longest wait', async () => {
      await start({
        teamsLimits: {
          now: () => clock.now(),
          conversationWindows: [{ limit: 2, windowMs: 1_000 }],
          tenantWindows: [{ limit: 2, windowMs: 5_000 }],
        },
      });
      await sendMany('conv-a', 2);
      expect(await send('conv-a')).toMatchObject({ status: 429, retryAfter: '5' });
      expect(connector.throttled[0]?.exceeded).toEqual([
        { scope: 'conversation', limit: 2, windowMs: 1_000, waitMs: 1_000 },
        { scope: 'tenant', limit: 2, windowMs: 5_000, waitMs: 5_000 },
      ]);
      expect(connector.throttled[0]?.limit.scope).toBe('tenant');
    });
  });

  describe('counters', () => {
    it('counts accepted and throttled calls per conversation and tenant, and the busiest window per limit', async () => {
      await start();
      await sendMany('conv-a', 9); // 7 accepted, 2 throttled
      clock.advance(1_500);
      await sendMany('conv-a', 2); // 1 accepted (8 in 2 s), 1 throttled
      await send('conv-b', message('conv-b', 'hello', 'contoso'));

      expect(connector.conversationLimits('conv-a')).toEqual({
        accepted: 8,
        throttled: 3,
        busiest: [
          { limit: 7, windowMs: 1_000, busiest: 7 },
          { limit: 8, windowMs: 2_000, busiest: 8 },
          { limit: 60, windowMs: 30_000, busiest: 8 },
          { limit: 1_800, windowMs: 3_600_000, busiest: 8 },
        ],
      });
      expect(connector.conversationLimits('conv-b')).toMatchObject({ accepted: 1, throttled: 0 });
      expect(connector.conversationLimits('conv-never')).toMatchObject({ accepted: 0, throttled: 0 });
      expect(connector.tenantLimits()).toEqual({
        accepted: 8,
        throttled: 3,
        busiest: [{ limit: 50, windowMs: 1_000, busiest: 7 }],
      });
      expect(connector.tenantLimits('contoso')).toMatchObject({ accepted: 1, throttled: 0 });
      expect(connector.throttled).toHaveLength(3);

      const { conversations, tenants } = connector.limitCounters();
      expect([...conversations.keys()].sort()).toEqual(['conv-a', 'conv-b']);
      expect([...tenants.keys()].sort()).toEqual(['contoso', DEFAULT_TENANT]);

      const busiest = connector.busiestWindows();
      expect(busiest.conversation.map((window) => window.busiest)).toEqual([7, 8, 8, 8]);
      expect(busiest.tenant).toEqual([{ limit: 50, windowMs: 1_000, busiest: 7 }]);
      for (const window of [...busiest.conversation, ...busiest.tenant]) {
        expect(window.busiest).toBeLessThanOrEqual(window.limit);
      }
    });

    it('reports a busiest window that never exceeds its limit however hard it is pushed', async () => {
      await start();
      for (let step = 0; step < 40; step += 1) {
        await Promise.all([send('conv-a'), send('conv-a'), send('conv-b'), send('conv-a')]);
        clock.advance(250);
      }
      const busiest = connector.busiestWindows();
      expect(busiest.conversation).toEqual(
        TEAMS_CONVERSATION_WINDOWS.map((window) => expect.objectContaining({ limit: window.limit })),
      );
      expect(busiest.tenant).toEqual(
        TEAMS_TENANT_WINDOWS.map((window) => expect.objectContaining({ limit: window.limit })),
      );
      for (const window of [...busiest.conversation, ...busiest.tenant]) {
        expect(window.busiest).toBeLessThanOrEqual(window.limit);
      }
      // conv-a is offered 12 calls a second and takes 4 a second at most (8 per 2 s) once its first 7 went.
      expect(busiest.conversation[1]?.busiest).toBe(8);
      const a = connector.conversationLimits('conv-a');
      expect(a.accepted + a.throttled).toBe(120);
      expect(connector.posted('conv-a')).toHaveLength(a.accepted);
      expect(connector.throttled.filter((t) => t.conversationId === 'conv-a')).toHaveLength(a.throttled);
    });

    it('refuses to report counters when the limits are off', async () => {
      connector = await FakeConnector.start();
      expect(() => connector.busiestWindows()).toThrow(/teamsLimits/);
    });
  });

  describe('with the rest of the fake', () => {
    it('enforces nothing without the option, as before', async () => {
      connector = await FakeConnector.start();
      const answers = await Promise.all(Array.from({ length: 60 }, () => send('conv-a')));
      expect(statuses(answers).every((status) => status === 200)).toBe(true);
      expect(connector.throttled).toEqual([]);
      expect(connector.posted('conv-a')).toHaveLength(60);
    });

    it('answers planned faults before the limits, and those calls do not count', async () => {
      await start({ faults: [{ times: 5, respond: 503 }] });
      expect(statuses(await sendMany('conv-a', 5))).toEqual(Array(5).fill(503));
      expect(statuses(await sendMany('conv-a', 8))).toEqual([...Array(7).fill(200), 429]);
      expect(connector.refused).toHaveLength(5);
      expect(connector.throttled).toHaveLength(1);
      expect(connector.conversationLimits('conv-a')).toMatchObject({ accepted: 7, throttled: 1 });
    });

    it('wakes waitFor() on a throttled call', async () => {
      await start();
      await sendMany('conv-a', 7);
      const throttled = connector.waitFor('a throttled call', () => connector.throttled.length === 1, {
        timeoutMs: 2_000,
      });
      await send('conv-a');
      await expect(throttled).resolves.toBeUndefined();
    });

    it('runs on Date.now when given no clock', async () => {
      connector = await FakeConnector.start({ teamsLimits: true });
      const answers = await sendMany('conv-a', 8);
      // Eight calls on 127.0.0.1 take far less than a second.
      expect(statuses(answers)).toEqual([...Array(7).fill(200), 429]);
      expect(Number(answers[7]?.retryAfter)).toBe(1);
      expect(connector.throttled[0]?.at).toBeGreaterThan(Date.now() - 60_000);
    });
  });
});
