import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentMessage, postActivity } from '../support/activities';
import { acceptLatestOffer } from '../support/offers';
import { actionsWithVerb, cardMentions, cardOf } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { FakeClock, TEST_STORE_VARIABLE, startTestDesk, type TestDesk } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { WebchatCustomer } from '../support/webchat-client';
import { alex, QUEUED } from '../support/fixtures';
import { DIRECT_LINE_PATHS, type ActivitySet } from '../../src/web/webchat/directline-contract';

const JOINED = "You're now chatting with Alex Agent.";

/** A customer's call with their token, to whichever desk is listening now. */
async function call<T>(baseUrl: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The PostgreSQL pass restarts the desk on one database of the test server; the first pass on one SQLite file. */
const ON_POSTGRES = process.env[TEST_STORE_VARIABLE] === 'postgres';

describe(`a web chat over the local Direct Line channel survives a restart of the desk (STORE=${ON_POSTGRES ? 'postgres' : 'sqlite'}, real server)`, () => {
  let dir: string;
  let database: TestDatabase | undefined;
  let connector: FakeConnector;
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  let desk: TestDesk | undefined;

  function startDesk(): Promise<TestDesk> {
    const store = database
      ? { STORE: 'postgres', DATABASE_URL: database.url }
      : { STORE: 'sqlite', SQLITE_PATH: join(dir, 'relaydesk.db') };
    return startTestDesk(
      {
        ...store,
        AGENT_IDS: alex.aadObjectId,
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
      },
      { clock },
    );
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webchat-restart-'));
    database = ON_POSTGRES ? await createTestDatabase() : undefined;
    connector = await FakeConnector.start();
  });

  afterAll(async () => {
    await desk?.app.close();
    await connector.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the customer's conversation and token: they read on from their watermark, and the agent's Active session carries on", async () => {
    desk = await startDesk();
    expect((await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'))).status).toBe(
      200,
    );
    const customer = await WebchatCustomer.start(desk.app.baseUrl);
    await customer.say('Hello, my parcel has not arrived', { name: 'Casey' });
    expect(await customer.deskSays()).toEqual([QUEUED]);

    const accepted = await acceptLatestOffer(desk.app.url, connector, alex);
    expect(accepted.status).toBe(200);
    const sessionIds = (calls: readonly RecordedCall[]) =>
      calls
        .filter((posted) => posted.conversationId === alex.conversationId)
        .flatMap((posted) => actionsWithVerb(cardOf(posted), 'reply'))
        .map((action) => (action['data'] as Record<string, unknown>)['sessionId']);
    const [session] = sessionIds(connector.calls);
    expect(session).toEqual(expect.any(String));
    const reply = await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'Let me check.'));
    expect(reply.status).toBe(200);
    expect(await customer.deskSays()).toEqual([JOINED, 'Let me check.']);
    const watermark = customer.watermark;
    expect(watermark).toBe('4');
    const before = await customer.read('0');

    const firstBaseUrl = desk.app.baseUrl;
    await desk.app.close();
    clock.advance(5 * 60 * 1000);
    desk = await startDesk();
    expect(desk.app.baseUrl).not.toBe(firstBaseUrl);
    const { baseUrl } = desk.app;
    const activities = DIRECT_LINE_PATHS.activities(customer.conversationId);

    // The transcript is all there, and nothing is new after the customer's watermark.
    const all = await call<ActivitySet>(baseUrl, `${activities}?watermark=0`, customer.token);
    expect(all).toEqual({ status: 200, body: before.body });
    const news = await call<ActivitySet>(baseUrl, `${activities}?watermark=${watermark}`, customer.token);
    expect(news).toEqual({ status: 200, body: { activities: [], watermark } });

    // The next message, with the same token, reaches the agent in the same session (no new offer).
    const mark = connector.calls.length;
    const said = await call<{ id: string }>(baseUrl, activities, customer.token, {
      type: 'message',
      text: 'Thank you!',
    });
    expect(said).toEqual({ status: 200, body: { id: `${customer.conversationId}|0000005` } });
    const toAlex = connector.calls
      .slice(mark)
      .filter((posted) => posted.conversationId === alex.conversationId)
      .map(cardOf);
    expect(toAlex.some((card) => cardMentions(card, 'Thank you!'))).toBe(true);
    expect(toAlex.some((card) => cardMentions(card, 'Accept'))).toBe(false);
    expect(new Set(sessionIds(connector.calls.slice(mark)))).toEqual(new Set([session]));

    // The agent's reply reaches the chat.
    const answered = await postActivity(
      desk.app.url,
      agentMessage(connector.serviceUrl, alex, 'It ships today.'),
    );
    expect(answered.status).toBe(200);
    const after = await call<ActivitySet>(baseUrl, `${activities}?watermark=${watermark}`, customer.token);
    expect(after.status).toBe(200);
    expect(after.body.activities.map((activity) => [activity.from.role, activity.text])).toEqual([
      ['user', 'Thank you!'],
      ['bot', 'It ships today.'],
    ]);
    expect(after.body.watermark).toBe('6');
  });
});
