import { agentInvoke, agentMessage, postActivity } from '../support/activities';
import { acceptLatestOffer } from '../support/offers';
import { actionData, cardMentions, cardOf } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { startTestDesk, type LogLine, type TestDesk } from '../support/harness';
import { WebchatCustomer, connectorCall, startConversation } from '../support/webchat-client';
import { faultSwitch } from '../support/failing-storage';
import { alex, NOBODY_AT_WORK, QUEUED, SURVEY } from '../support/fixtures';

const JOINED = "You're now chatting with Alex Agent.";
const MAX_TEXT_CHARS = 200;

/** The lines logged since `mark` with this message. */
function logged(desk: TestDesk, message: string, mark = 0): LogLine[] {
  return desk.lines.slice(mark).filter((line) => line.msg === message);
}

describe('a web chat customer over the local Direct Line channel (real server; the agent in Teams, on a fake connector)', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let customer: WebchatCustomer;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk({
      // user-id-0 is an agent id too: a web chat customer who claims it must stay a customer.
      AGENT_IDS: `${alex.aadObjectId},user-id-0`,
      RATE_LIMIT_PER_MINUTE: '0',
      CONTACTS_FILE: 'off',
      MAX_TEXT_CHARS: String(MAX_TEXT_CHARS),
      MAX_BODY_KB: '8',
    });
    const hi = await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'));
    expect(hi.status).toBe(200);
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  const offersTo = (calls: readonly RecordedCall[]) =>
    calls.filter(
      (call) => call.conversationId === alex.conversationId && cardMentions(cardOf(call), 'Accept'),
    );

  async function acceptLastOffer(): Promise<void> {
    const offer = offersTo(connector.posted(alex.conversationId)).at(-1);
    expect(offer).toBeDefined();
    const ids = actionData(cardOf(offer), 'accept');
    const accepted = await postActivity(
      desk.app.url,
      agentInvoke(connector.serviceUrl, alex, 'accept', ids, offer!.activityId),
    );
    expect(accepted.status).toBe(200);
  }

  describe('the journey: queued, accepted in Teams, messages both ways', () => {
    it('starts a conversation with ids the server made, bound to a token', async () => {
      const started = await startConversation(desk.app.baseUrl);
      expect(started.status).toBe(201);
      expect(started.body).toEqual({
        conversationId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        token: expect.any(String),
        expires_in: 1800,
        maxTextChars: MAX_TEXT_CHARS,
      });
      customer = await WebchatCustomer.start(desk.app.baseUrl);
      expect(customer.conversationId).not.toBe(started.body.conversationId);
      expect(logged(desk, 'webchat conversation started').at(-1)).toMatchObject({
        conversationId: customer.conversationId,
        userId: expect.stringMatching(/^dl-/),
      });
    });

    it('a message is answered with its id; the customer then reads it and the queued text, and the agent gets an offer', async () => {
      const mark = connector.calls.length;
      const id = await customer.say('Hello, my parcel has not arrived', { name: 'Casey' });
      expect(id).toBe(`${customer.conversationId}|0000001`);

      const news = await customer.news();
      expect(news.map((activity) => [activity.from.role, activity.text])).toEqual([
        ['user', 'Hello, my parcel has not arrived'],
        ['bot', QUEUED],
      ]);
      expect(news[0]).toMatchObject({
        id,
        channelId: 'webchat',
        conversation: { id: customer.conversationId },
        from: { id: expect.stringMatching(/^dl-/), name: 'Casey', role: 'user' },
        timestamp: new Date(desk.clock.now()).toISOString(),
      });
      expect(customer.watermark).toBe('2');

      const [offer] = offersTo(connector.calls.slice(mark));
      expect(cardMentions(cardOf(offer), 'Visitor 1')).toBe(true);
      expect(cardMentions(cardOf(offer), 'Web chat')).toBe(true);
      expect(cardMentions(cardOf(offer), 'Hello, my parcel has not arrived')).toBe(true);
    });

    it("the agent accepts: the customer reads that they are chatting with the agent, then the agent's reply", async () => {
      await acceptLastOffer();
      expect(await customer.deskSays()).toEqual([JOINED]);

      const reply = await postActivity(
        desk.app.url,
        agentMessage(connector.serviceUrl, alex, 'Hi Casey, let me check that parcel.'),
      );
      expect(reply.status).toBe(200);
      expect(await customer.deskSays()).toEqual(['Hi Casey, let me check that parcel.']);
    });

    it("the customer's next message reaches the agent as a card", async () => {
      const mark = connector.calls.length;
      await customer.say('Thank you!');
      const relayed = connector.calls
        .slice(mark)
        .filter((call) => call.conversationId === alex.conversationId)
        .map(cardOf);
      expect(relayed.some((card) => cardMentions(card, 'Thank you!'))).toBe(true);
      expect((await customer.news()).map((activity) => activity.text)).toEqual(['Thank you!']);
    });

    it('watermarks: the same one again reads nothing new, 0 reads everything, a bad one is 400', async () => {
      const current = customer.watermark;
      expect((await customer.read(current)).body).toEqual({ activities: [], watermark: current });
      const all = await customer.read('0');
      expect(all.body.activities.map((activity) => activity.text)).toEqual([
        'Hello, my parcel has not arrived',
        QUEUED,
        JOINED,
        'Hi Casey, let me check that parcel.',
        'Thank you!',
      ]);
      expect(all.body.watermark).toBe(current);
      expect((await customer.read('2')).body.activities.map((activity) => activity.text)).toEqual([
        JOINED,
        'Hi Casey, let me check that parcel.',
        'Thank you!',
      ]);
      const bad = await customer.read('abc');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'BadArgument' } });
    });
  });

  describe('who may call', () => {
    it('refuses a missing or garbled token with 401, and logs it with the conversation id', async () => {
      const mark = desk.lines.length;
      for (const token of [null, 'garbage', `${'A'.repeat(16)}.${'B'.repeat(43)}`]) {
        const read = await customer.read('0', token);
        expect(read.status).toBe(401);
        expect(read.body).toMatchObject({ error: { code: 'Unauthorized' } });
        expect((await customer.post({ type: 'message', text: 'hi' }, token)).status).toBe(401);
      }
      const refusals = logged(desk, 'webchat call refused', mark);
      expect(refusals).toHaveLength(6);
      expect(refusals.map((line) => line['reason'])).toEqual([
        'no token',
        'no token',
        'malformed token',
        'malformed token',
        'unknown token',
        'unknown token',
      ]);
      expect(refusals.every((line) => line['conversationId'] === customer.conversationId)).toBe(true);
    });

    it("refuses another conversation's token, and answers 404 for an unknown conversation", async () => {
      const other = await WebchatCustomer.start(desk.app.baseUrl);
      const mark = desk.lines.length;
      expect((await customer.read('0', other.token)).status).toBe(401);
      expect((await customer.post({ type: 'message', text: 'let me in' }, other.token)).status).toBe(401);
      expect(logged(desk, 'webchat call refused', mark).map((line) => line['reason'])).toEqual([
        'token of another conversation',
        'token of another conversation',
      ]);
      const unknown = await fetch(`${desk.app.baseUrl}/v3/directline/conversations/nope/activities`, {
        headers: { Authorization: `Bearer ${customer.token}` },
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'ConversationNotFound' } });
      // Nothing of the refused message reached the transcript.
      expect((await customer.news()).map((activity) => activity.text)).toEqual([]);
    });

    it('ignores a client-supplied from.id: a customer who claims an agent id stays a customer', async () => {
      const impostor = await WebchatCustomer.start(desk.app.baseUrl);
      const mark = connector.calls.length;
      await impostor.say('sessions', {
        id: 'user-id-0',
        name: 'Alex Agent',
        aadObjectId: alex.aadObjectId,
        role: 'bot',
      });
      const news = await impostor.news();
      expect(news[0]?.from).toEqual({ id: expect.stringMatching(/^dl-/), name: 'Alex Agent', role: 'user' });
      // The desk queued them as a customer: the queued text, and an offer to the real agent.
      expect(news.map((activity) => activity.text)).toEqual(['sessions', QUEUED]);
      expect(offersTo(connector.calls.slice(mark))).toHaveLength(1);
      expect(
        desk.lines.some(
          (line) => line.msg === 'customer message' && line['customerId'] === `webchat:${news[0]?.from.id}`,
        ),
      ).toBe(true);
    });

    it('gives a new token on refresh; the old one stops at its expiry, the new one goes on', async () => {
      const refreshed = await customer.refresh();
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ conversationId: customer.conversationId, expires_in: 1800 });
      const oldToken = customer.token;
      desk.clock.advance(20 * 60 * 1000);
      const newer = await customer.refresh(refreshed.body.token);
      expect(newer.status).toBe(200);
      desk.clock.advance(11 * 60 * 1000);
      expect((await customer.read('0', oldToken)).status).toBe(401);
      expect(logged(desk, 'webchat call refused').at(-1)).toMatchObject({ reason: 'expired token' });
      expect((await customer.refresh(oldToken)).status).toBe(401);
      customer.token = newer.body.token;
      expect((await customer.read()).status).toBe(200);
    });
  });

  describe('what the channel takes', () => {
    it('passes long text to the desk, which cuts it for the agent as on every channel', async () => {
      const mark = connector.calls.length;
      const long = `${'word '.repeat(100)}END`;
      await customer.say(long);
      const relayed = connector.calls
        .slice(mark)
        .filter((call) => call.conversationId === alex.conversationId);
      const card = relayed.map(cardOf).find((c) => cardMentions(c, '(truncated)'));
      expect(card).toBeDefined();
      expect(cardMentions(card, 'END')).toBe(false);
      expect(desk.lines.some((line) => line.msg === 'customer message' && line['truncated'] === true)).toBe(
        true,
      );
    });

    it('shows hostile text to the agent escaped, and keeps it verbatim in the transcript', async () => {
      const hostile = '<img src=x onerror=alert(1)> [x](http://evil) <at>Agent</at> ${x}';
      const mark = connector.calls.length;
      await customer.say(hostile);
      const json = JSON.stringify(
        connector.calls.slice(mark).filter((call) => call.conversationId === alex.conversationId),
      );
      expect(json).not.toContain('<at>');
      expect(json).not.toContain('[x](http://evil)');
      expect(json).not.toContain('${x}');
      const news = await customer.news();
      expect(news.map((activity) => activity.text)).toContain(hostile);
    });

    it('refuses what is not a plain text message with 400: other types, empty text, attachments, values that are no object', async () => {
      const mark = desk.lines.length;
      const refused = [
        { type: 'typing' },
        { type: 'message' },
        { type: 'message', text: '   ' },
        { type: 'message', text: 42 },
        { type: 'message', text: 'hi', attachments: [{ contentType: 'image/png', contentUrl: 'http://x' }] },
        { type: 'message', text: 'hi', value: 'accept' },
        { type: 'message', text: 'hi', value: [{ verb: 'accept' }] },
        'not json',
        [],
      ];
      for (const body of refused) {
        const result = await customer.post(body);
        expect(result.status).toBe(400);
      }
      // Malformed JSON is refused by the body parser itself, before the channel sees it.
      expect(logged(desk, 'webchat message refused', mark)).toHaveLength(refused.length - 1);
      expect(await customer.news()).toEqual([]);
    });

    it('refuses a body over MAX_BODY_KB with 413, and a message that would not fit the bot endpoint', async () => {
      const huge = await customer.post({ type: 'message', text: 'x'.repeat(9 * 1024) });
      expect(huge.status).toBe(413);
      // Fits this request, but not once the channel has addressed it for the bot.
      const edge = await customer.post({ type: 'message', text: 'x'.repeat(8 * 1024 - 40) });
      expect(edge.status).toBe(413);
      expect(edge.body).toMatchObject({ error: { code: 'RequestEntityTooLarge' } });
      expect(await customer.news()).toEqual([]);
    });
  });

  describe('the connector the desk replies through', () => {
    it('answers 404 for a conversation it does not have, and for updating an activity it does not have', async () => {
      const send = await connectorCall(desk.app.baseUrl, 'POST', '/v3/conversations/nope/activities', {
        type: 'message',
        text: 'hello?',
      });
      expect(send.status).toBe(404);
      const update = await connectorCall(
        desk.app.baseUrl,
        'PUT',
        `/v3/conversations/${customer.conversationId}/activities/${encodeURIComponent('nope|0000001')}`,
        { type: 'message', text: 'changed' },
      );
      expect(update.status).toBe(404);
    });

    it('takes a reply and an update in place; the update comes again after the watermark', async () => {
      const sent = await connectorCall(
        desk.app.baseUrl,
        'POST',
        `/v3/conversations/${customer.conversationId}/activities/some-activity`,
        { type: 'message', text: 'A card-less note', from: { id: 'relaydesk', name: 'Relaydesk' } },
      );
      expect(sent.status).toBe(200);
      const id = sent.body.id!;
      expect(await customer.news()).toMatchObject([
        { id, text: 'A card-less note', replyToId: 'some-activity' },
      ]);
      const updated = await connectorCall(
        desk.app.baseUrl,
        'PUT',
        `/v3/conversations/${customer.conversationId}/activities/${encodeURIComponent(id)}`,
        { type: 'message', text: 'An updated note' },
      );
      expect(updated.status).toBe(200);
      expect(await customer.news()).toMatchObject([{ id, text: 'An updated note' }]);
    });
  });
});

describe("what the desk's messages to a web chat customer say they are, on the real server", () => {
  const PER_MINUTE = 3;
  let connector: FakeConnector;
  let desk: TestDesk;
  let customer: WebchatCustomer;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk({
      AGENT_IDS: alex.aadObjectId,
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      CONTACTS_FILE: 'off',
    });
    await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'));
    customer = await WebchatCustomer.start(desk.app.baseUrl);
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  /** The notice of each of the desk's new activities, with its text. */
  async function deskNotices(): Promise<unknown[]> {
    return (await customer.news())
      .filter((activity) => activity.from.role === 'bot')
      .map((activity) => ({ text: activity.text, ...activity.channelData?.relaydesk }));
  }

  it('queued, joined and agent-message, the last two with the agent’s name', async () => {
    await customer.say('Hello there');
    expect(await deskNotices()).toEqual([{ text: QUEUED, kind: 'queued' }]);
    await acceptLatestOffer(desk.app.url, connector, alex);
    await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'Hi, Alex here.'));
    expect(await deskNotices()).toEqual([
      { text: JOINED, kind: 'joined', agentName: 'Alex Agent' },
      { text: 'Hi, Alex here.', kind: 'agent-message', agentName: 'Alex Agent' },
    ]);
  });

  it('rate-limited, as a reply to the customer’s activity it refused', async () => {
    await customer.say('two');
    await customer.say('three');
    const refusedId = await customer.say('four, one too many');
    const [refusal] = (await customer.news()).filter((activity) => activity.from.role === 'bot');
    expect(refusal).toMatchObject({
      text: "You're sending messages quickly — please wait a moment.",
      replyToId: refusedId,
      channelData: { relaydesk: { kind: 'rate-limited', replyToId: refusedId } },
    });
  });

  it('ended, with the agent’s name; then the survey, naming the conversation and the survey', async () => {
    await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'end'));
    expect(await deskNotices()).toEqual([
      {
        text: 'Alex Agent has ended the conversation. Send a message any time to start a new one.',
        kind: 'ended',
        agentName: 'Alex Agent',
      },
      {
        text: SURVEY,
        kind: 'survey',
        survey: { workItemId: expect.any(String), surveyId: expect.any(String) },
      },
    ]);
  });

  it('takes the survey’s answer as the page posts it (text and value), and says it is the reply to it', async () => {
    desk.clock.advance(61_000);
    const all = await customer.read('0');
    const survey = all.body.activities
      .map((activity) => activity.channelData?.relaydesk)
      .find((notice) => notice?.kind === 'survey')?.survey;
    expect(survey).toBeDefined();
    const answerId = await customer.post({
      type: 'message',
      text: 'Rating: 5 of 5',
      value: { verb: 'csatAnswer', ...survey, rating: 5 },
    });
    expect(answerId.status).toBe(200);
    expect(await deskNotices()).toEqual([
      { text: 'Thank you for your feedback.', kind: 'survey-reply', replyToId: answerId.body.id },
    ]);
    expect(await desk.app.database.db.selectFrom('csat_surveys').select('rating').execute()).toEqual([
      { rating: 5 },
    ]);
  });
});

describe('the local channel’s bounds, on the real server', () => {
  /** Shorter than an offer's 120 s, so an offer made to a chat that idles out can still be accepted. */
  const IDLE_MS = 60_000;
  let connector: FakeConnector;
  let desk: TestDesk;
  let kept: WebchatCustomer;
  let second: WebchatCustomer;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk(
      { AGENT_IDS: alex.aadObjectId, RATE_LIMIT_PER_MINUTE: '0', CONTACTS_FILE: 'off' },
      { webchatLimits: { maxConversations: 2, maxActivitiesPerConversation: 3, idleMs: IDLE_MS } },
    );
    await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'));
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  it('keeps the last activities of a conversation; the watermark counts them all', async () => {
    const customer = await WebchatCustomer.start(desk.app.baseUrl);
    kept = customer;
    await customer.say('one');
    await customer.say('two');
    await customer.say('three');
    await customer.say('four');
    const all = await customer.read('0');
    // `one` was answered with the queued text: five activities in all, the last three kept.
    expect(all.body.activities.map((activity) => activity.text)).toEqual(['two', 'three', 'four']);
    expect(all.body.watermark).toBe('5');
  });

  it('refuses a start with 503 and Retry-After while maxConversations are live; the live chats go on', async () => {
    second = await WebchatCustomer.start(desk.app.baseUrl);
    await second.say('I was here first');
    const mark = desk.lines.length;
    const refused = await startConversation(desk.app.baseUrl);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      error: { code: 'ServiceUnavailable', message: 'The chat is full right now; try again later.' },
    });
    const again = await fetch(`${desk.app.baseUrl}/v3/directline/conversations`, { method: 'POST' });
    expect(again.status).toBe(503);
    // The idlest chat would end in a minute: that is when to come back.
    expect(again.headers.get('retry-after')).toBe('60');
    // A warning for the first refusal of the spell of being full, with the caller's address; the next at debug.
    const refusals = logged(desk, 'webchat conversation start refused: the channel is full', mark);
    expect(refusals.map((line) => line.level)).toEqual([40, 20]);
    expect(refusals[0]).toMatchObject({
      status: 503,
      limit: 2,
      retryAfterSeconds: 60,
      remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
    });
    for (const customer of [kept, second]) {
      await customer.say('Still here?');
      expect((await customer.read('0')).body.activities.map((activity) => activity.text)).toContain(
        'Still here?',
      );
    }
  });

  it('a chat idle past idleMs ends, which makes room; the desk’s message to it is dropped with a log line', async () => {
    const offer = connector
      .posted(alex.conversationId)
      .filter((call) => cardMentions(cardOf(call), 'I was here first'))
      .at(-1);
    expect(offer).toBeDefined();
    desk.clock.advance(IDLE_MS);
    expect((await startConversation(desk.app.baseUrl)).status).toBe(201);
    expect((await second.read('0')).status).toBe(404);
    expect(logged(desk, 'webchat conversation ended: idle').map((line) => line['conversationId'])).toEqual(
      expect.arrayContaining([kept.conversationId, second.conversationId]),
    );

    const mark = desk.lines.length;
    const ids = actionData(cardOf(offer), 'accept');
    await postActivity(
      desk.app.url,
      agentInvoke(connector.serviceUrl, alex, 'accept', ids, offer!.activityId),
    );
    expect(logged(desk, 'send failed for good, skipped', mark)).toMatchObject([{ status: 404 }]);
    expect(logged(desk, 'webchat connector call refused', mark)).toMatchObject([
      { conversationId: second.conversationId, reason: 'no such conversation' },
    ]);
  });
});

describe('conversation starts per client address, on the real server', () => {
  const PER_MINUTE = 3;
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await startTestDesk(
      { RATE_LIMIT_PER_MINUTE: '0', CONTACTS_FILE: 'off' },
      { webchatLimits: { maxStartsPerMinutePerAddress: PER_MINUTE } },
    );
  });

  afterAll(async () => {
    await desk.app.close();
  });

  const start = () => fetch(`${desk.app.baseUrl}/v3/directline/conversations`, { method: 'POST' });

  it('answers 429 with Retry-After past the limit, logs the address once per burst, and starts again a minute later', async () => {
    const customers: WebchatCustomer[] = [];
    for (let tab = 0; tab < PER_MINUTE; tab += 1)
      customers.push(await WebchatCustomer.start(desk.app.baseUrl));
    desk.clock.advance(15_000);
    const mark = desk.lines.length;
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(await refused.json()).toEqual({
      error: {
        code: 'TooManyRequests',
        message: 'Too many conversations were started from here; try again later.',
      },
    });
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await start()).status).toBe(429);
    // A warning for the burst's first refusal, with the address; the other five at debug.
    const refusals = logged(desk, 'webchat conversation start refused: too many from this address', mark);
    expect(refusals.map((line) => line.level)).toEqual([40, 20, 20, 20, 20, 20]);
    expect(refusals[0]).toMatchObject({
      status: 429,
      limit: PER_MINUTE,
      retryAfterSeconds: 45,
      remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
    });
    // The chats already started are not touched.
    for (const customer of customers) await customer.say('hello');
    desk.clock.advance(45_000);
    expect((await start()).status).toBe(201);
  });
});

describe('a message the desk cannot take (its store is down), on the real server', () => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await startTestDesk({ RATE_LIMIT_PER_MINUTE: '0', CONTACTS_FILE: 'off' });
  });

  afterAll(async () => {
    await desk.app.close();
  });

  it('answers 503 with Retry-After naming the withdrawn message; sent again after recovery, the desk takes it', async () => {
    const customer = await WebchatCustomer.start(desk.app.baseUrl);
    const storeDown = faultSwitch(desk.app.database);
    storeDown.set('writes');
    let refused: Response;
    try {
      refused = await fetch(customer.activitiesUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${customer.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'Is my refund through?' }),
      });
    } finally {
      storeDown.restore();
    }
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toMatchObject({
      error: { code: 'ServiceUnavailable' },
      id: `${customer.conversationId}|0000001`,
    });
    const after = await customer.read('0');
    expect(after.body.activities.filter((activity) => activity.from.role === 'user')).toEqual([]);

    await customer.say('Is my refund through?');
    // No agent has written to the desk yet: nobody is at work.
    expect((await customer.news()).map((activity) => activity.text)).toEqual(
      expect.arrayContaining(['Is my refund through?', NOBODY_AT_WORK]),
    );
  });
});

describe('the local channel turned off', () => {
  const routes = ['/v3/directline/conversations', '/v3/directline/tokens/refresh'];

  async function expectOff(desk: TestDesk): Promise<void> {
    for (const route of routes) {
      expect((await fetch(`${desk.app.baseUrl}${route}`, { method: 'POST' })).status).toBe(404);
    }
    expect((await fetch(`${desk.app.baseUrl}/v3/directline/conversations/x/activities`)).status).toBe(404);
    expect(
      (await fetch(`${desk.app.baseUrl}/webchat-connector/v3/conversations/x/activities`, { method: 'POST' }))
        .status,
    ).toBe(404);
    const page = await fetch(`${desk.app.baseUrl}/chat`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('The web chat page is off');
  }

  it('WEBCHAT=off: the channel and the page answer 404', async () => {
    const desk = await startTestDesk({ WEBCHAT: 'off', CONTACTS_FILE: 'off' });
    try {
      expect(logged(desk, 'relaydesk listening on ' + desk.app.url)).toMatchObject([{ webchat: 'off' }]);
      await expectOff(desk);
    } finally {
      await desk.app.close();
    }
  });

  it('with MicrosoftAppId set, the channel is off unless asked for (which the configuration refuses)', async () => {
    const desk = await startTestDesk({
      MicrosoftAppId: 'relaydesk-test-app',
      MicrosoftAppPassword: 'not-a-real-secret',
      AGENT_IDS: 'aad-alex',
      CONTACTS_FILE: 'off',
    });
    try {
      await expectOff(desk);
    } finally {
      await desk.app.close();
    }
  });
});
