import type restify from 'restify';
import { createHttpServer, httpUrl, type HttpServer } from '../../src/server/http-server';
import { fromThisMachine } from '../../src/web/webchat/directline-http';
import { registerDirectLine } from '../../src/web/webchat/directline-routes';
import { LocalDirectLine } from '../../src/web/webchat/local-directline';
import { FakeClock } from '../support/fake-clock';
import { collectingLogger, type LogLine } from '../support/harness';
import { WebchatCustomer } from '../support/webchat-client';

/**
 * The channel's routes on the real restify server, with a stand-in for the bot at /api/messages that the test
 * controls: what the channel hands the bot, and what it does when the bot does not take a message.
 */
describe('the local Direct Line routes, with a stand-in bot', () => {
  let server: HttpServer;
  let base: string;
  let lines: LogLine[];
  /** What the stand-in bot received, in order. */
  const received: Record<string, unknown>[] = [];
  /** The status the stand-in bot answers with next (then 200 again). */
  let nextStatus = 200;
  /** The Retry-After the stand-in bot sends with its next answer, if any. */
  let nextRetryAfter: string | undefined;
  /** While set, the stand-in bot waits for it before answering. */
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    const collected = collectingLogger();
    lines = collected.lines;
    server = createHttpServer({
      config: { host: '127.0.0.1', port: 0, maxBodyKb: 256 },
      logger: collected.logger,
      storeKind: 'memory',
      version: '0.0.0-test',
    });
    server.restify.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
      received.push(req.body as Record<string, unknown>);
      await hold;
      const status = nextStatus;
      nextStatus = 200;
      if (nextRetryAfter !== undefined) res.header('Retry-After', nextRetryAfter);
      nextRetryAfter = undefined;
      res.send(status, status === 200 ? {} : { error: 'refused' });
    });
    registerDirectLine(server.restify, {
      channel: new LocalDirectLine({ clock: new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0)) }),
      baseUrl: () => {
        const bound = server.address();
        return bound ? httpUrl(bound) : undefined;
      },
      logger: collected.logger,
      maxTextChars: 4000,
      maxBodyBytes: 256 * 1024,
    });
    base = httpUrl(await server.listen());
  });

  afterAll(async () => {
    await server.close();
  });

  it("hands the bot the message as the channel stamped it: the bound id, the conversation, this server's connector", async () => {
    const customer = await WebchatCustomer.start(base);
    const id = await customer.say('Hello', { id: 'someone-else', name: 'Casey' });
    const handed = received.at(-1);
    const fromId = (handed?.['from'] as { id?: unknown } | undefined)?.id;
    expect(fromId).toMatch(/^dl-/);
    expect(handed).toEqual({
      type: 'message',
      id,
      timestamp: '2026-01-05T10:00:00.000Z',
      channelId: 'webchat',
      conversation: { id: customer.conversationId },
      from: { id: fromId, name: 'Casey', role: 'user' },
      recipient: { id: 'relaydesk', name: 'Relaydesk', role: 'bot' },
      serviceUrl: `${base}/webchat-connector/`,
      text: 'Hello',
      textFormat: 'plain',
    });
  });

  it('answers 502 naming the message when the bot does not take it, withdraws it, and logs why', async () => {
    const customer = await WebchatCustomer.start(base);
    nextStatus = 500;
    const result = await customer.post({ type: 'message', text: 'Will this arrive?' });
    expect(result.status).toBe(502);
    expect(result.body).toEqual({
      error: { code: 'BotError', message: 'The message could not be delivered; please send it again.' },
      id: `${customer.conversationId}|0000001`,
    });
    expect((await customer.read('0')).body).toEqual({ activities: [], watermark: '1' });
    expect(lines.filter((line) => line.msg === 'webchat message not taken by the bot').at(-1)).toMatchObject({
      conversationId: customer.conversationId,
      activityId: `${customer.conversationId}|0000001`,
      reason: 'the bot answered 500',
    });
    // Sent again, it goes through.
    expect((await customer.post({ type: 'message', text: 'Will this arrive?' })).status).toBe(200);
  });

  it('answers 503 with the Retry-After the bot gave when the bot is unavailable, and withdraws the message', async () => {
    const customer = await WebchatCustomer.start(base);
    nextStatus = 503;
    nextRetryAfter = '7';
    const response = await fetch(customer.activitiesUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${customer.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'Is the desk there?' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message: 'The desk cannot take messages right now; please send it again shortly.',
      },
      id: `${customer.conversationId}|0000001`,
    });
    expect((await customer.read('0')).body).toEqual({ activities: [], watermark: '1' });
    expect(lines.filter((line) => line.msg === 'webchat message not taken by the bot').at(-1)).toMatchObject({
      conversationId: customer.conversationId,
      reason: 'the bot answered 503',
    });
    expect((await customer.post({ type: 'message', text: 'Is the desk there?' })).status).toBe(200);
  });

  it('answers 503 with a Retry-After of its own when the bot gave none it can read, and 502 for any other failure', async () => {
    const customer = await WebchatCustomer.start(base);
    const attempt = async (status: number, retryAfter?: string) => {
      nextStatus = status;
      nextRetryAfter = retryAfter;
      const response = await fetch(customer.activitiesUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${customer.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: `refused with ${status}` }),
      });
      await response.arrayBuffer();
      return [response.status, response.headers.get('retry-after')];
    };
    expect(await attempt(503)).toEqual([503, '5']);
    expect(await attempt(503, 'Wed, 21 Oct 2026 07:28:00 GMT')).toEqual([503, '5']);
    expect(await attempt(503, '0')).toEqual([503, '5']);
    for (const status of [500, 502, 504, 429, 400]) expect(await attempt(status, '9')).toEqual([502, null]);
    // None of them stayed in the transcript.
    expect((await customer.read('0')).body.activities).toEqual([]);
  });

  it("hands one conversation's messages to the bot one at a time, in the order they came", async () => {
    const customer = await WebchatCustomer.start(base);
    let release: () => void = () => undefined;
    hold = new Promise<void>((resolve) => (release = resolve));
    const mark = received.length;
    const first = customer.say('first');
    await waitUntil(() => received.length > mark);
    // The second message is in the transcript, but waits for the first hand-over to finish before the bot gets it.
    const second = customer.say('second');
    for (let round = 0; round < 100; round += 1) {
      const texts = (await customer.read('0')).body.activities.map((activity) => activity.text);
      if (texts.includes('second')) break;
    }
    expect((await customer.read('0')).body.activities.map((activity) => activity.text)).toEqual([
      'first',
      'second',
    ]);
    expect(received.slice(mark).map((body) => body['text'])).toEqual(['first']);
    hold = undefined;
    release();
    await Promise.all([first, second]);
    expect(received.slice(mark).map((body) => body['text'])).toEqual(['first', 'second']);
  });

  it('refuses the connector to a caller from another machine', () => {
    expect(fromThisMachine({ remoteAddress: '127.0.0.1', localAddress: '127.0.0.1' })).toBe(true);
    expect(fromThisMachine({ remoteAddress: '::ffff:127.0.0.1', localAddress: '::ffff:127.0.0.1' })).toBe(
      true,
    );
    expect(fromThisMachine({ remoteAddress: '::1', localAddress: '::1' })).toBe(true);
    expect(fromThisMachine({ remoteAddress: '10.0.0.5', localAddress: '10.0.0.5' })).toBe(true);
    expect(fromThisMachine({ remoteAddress: '10.0.0.7', localAddress: '10.0.0.5' })).toBe(false);
    expect(fromThisMachine({ remoteAddress: undefined, localAddress: '10.0.0.5' })).toBe(false);
  });
});

/** Waits (bounded, on the event loop, no timers) until `ready()` holds. */
async function waitUntil(ready: () => boolean, rounds = 1000): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    if (ready()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
