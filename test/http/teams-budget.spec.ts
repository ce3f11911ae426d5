import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardOf, textBlocks } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, FakeClock, startTestDesk, type TestDesk } from '../support/harness';
import { alex } from '../support/fixtures';

/**
 * Teams' rate limits on the real server against a fake connector that enforces them (429 past any window): the
 * outbox keeps within the budget before each call, so nothing is refused and nothing is lost, only paced.
 */

const START = Date.UTC(2026, 0, 5, 10, 0, 0);
const CUSTOMERS = 5;
/** Simulated seconds a test may move the clock before it gives up waiting for the outbox. */
const MAX_SECONDS = 600;

function customerOf(index: number): TestCustomer {
  return { userId: `budget-visitor-${index}`, conversationId: `budget-conv-${index}` };
}

describe('delivery inside Teams rate limits', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let clock: FakeClock;
  let dir: string;

  async function post(activity: ActivityJson): Promise<void> {
    const result = await postActivity(desk.app.url, activity);
    expect(result.status).toBe(200);
  }

  /** Moves the clock a second at a time, draining the outbox each time, until it is empty; returns the seconds. */
  async function settle(): Promise<number> {
    for (let seconds = 0; seconds <= MAX_SECONDS; seconds += 1) {
      await desk.app.drainOutbox();
      if ((await desk.app.outboxPending()) === 0) return seconds;
      clock.advance(1000);
    }
    throw new Error(`The outbox still held messages after ${MAX_SECONDS} simulated seconds.`);
  }

  const toAlex = (): RecordedCall[] =>
    connector.calls.filter((call) => call.conversationId === alex.conversationId);

  /** A customer in an Active session with Alex. */
  async function activeSession(customer: TestCustomer): Promise<void> {
    await post(customerMessage(connector.serviceUrl, customer, 'Hello there'));
    await settle();
    const offer = toAlex()
      .filter((call) => (cardOf(call) ? actionDataOrUndefined(call) : undefined))
      .at(-1)!;
    await post(
      agentInvoke(
        connector.serviceUrl,
        alex,
        'accept',
        actionData(cardOf(offer), 'accept'),
        offer.activityId,
      ),
    );
    await settle();
  }

  function actionDataOrUndefined(call: RecordedCall) {
    try {
      return actionData(cardOf(call), 'accept');
    } catch {
      return undefined;
    }
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-budget-'));
    clock = new FakeClock(START);
    connector = await FakeConnector.start({ teamsLimits: { now: () => clock.now() } });
    desk = await startTestDesk(
      {
        AGENT_IDS: alex.aadObjectId,
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
        STORE: 'sqlite',
        SQLITE_PATH: join(dir, 'relaydesk.db'),
        // Teams' published limits, as a deployment has them.
        TEAMS_CONVERSATION_LIMITS: '7/1s,8/2s,60/30s,1800/1h',
        TEAMS_TENANT_LIMIT: '50/1s',
      },
      { clock, outbox: ASYNC_OUTBOX },
    );
    await post(agentMessage(connector.serviceUrl, alex, 'hi'));
    for (let index = 1; index <= CUSTOMERS; index += 1) await activeSession(customerOf(index));
  });

  afterEach(async () => {
    await desk.app.close();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets up five sessions without a single call answered 429', () => {
    expect(connector.throttled).toEqual([]);
    expect(toAlex().length).toBeGreaterThan(10);
  });

  it('delivers a burst of 40 messages to one agent without a 429, grouped into fewer cards, each once and in order per session', async () => {
    const sent: string[][] = Array.from({ length: CUSTOMERS }, () => []);
    for (let round = 1; round <= 8; round += 1) {
      for (let index = 1; index <= CUSTOMERS; index += 1) {
        const text = `Customer ${index} message ${round}`;
        sent[index - 1]!.push(text);
        await post(customerMessage(connector.serviceUrl, customerOf(index), text));
      }
    }
    const mark = toAlex().length;
    await settle();

    expect(connector.throttled).toEqual([]);
    const shown = toAlex().flatMap((call) => textBlocks(cardOf(call) ?? {}));
    for (const [index, texts] of sent.entries()) {
      const seen = shown.filter((text) => text.startsWith(`Customer ${index + 1} message `));
      expect(seen).toEqual(texts);
    }
    // The budget was short: waiting messages went out together, so far fewer cards than messages.
    const carrying = toAlex()
      .slice(mark)
      .filter((call) => textBlocks(cardOf(call) ?? {}).some((text) => text.startsWith('Customer ')));
    expect(carrying.length).toBeLessThan(20);
    const digest = carrying.find(
      (call) =>
        cardOf(call)?.['body'] && textBlocks(cardOf(call)!).some((t) => / new messages from /.test(t)),
    );
    expect(digest).toBeDefined();
    for (const window of connector.busiestWindows().conversation) {
      expect(window.busiest).toBeLessThanOrEqual(window.limit);
    }
  });

  it('sends offers before relayed messages queued earlier when the budget is short, and loses nothing', async () => {
    const mark = toAlex().length;
    const relayed: string[] = [];
    for (let round = 1; round <= 5; round += 1) {
      for (let index = 1; index <= CUSTOMERS; index += 1) {
        const text = `Customer ${index} says ${round}`;
        relayed.push(text);
        await post(customerMessage(connector.serviceUrl, customerOf(index), text));
      }
    }
    // Five newcomers while 25 messages wait for the budget: their offers go to Alex, who has room for them.
    for (let index = CUSTOMERS + 1; index <= CUSTOMERS + 5; index += 1) {
      await post(customerMessage(connector.serviceUrl, customerOf(index), `Newcomer ${index} needs help`));
    }
    await settle();

    expect(connector.throttled).toEqual([]);
    const burst = toAlex().slice(mark);
    const offers = burst.flatMap((call, position) => (actionDataOrUndefined(call) ? [position] : []));
    const relayedAt = burst.flatMap((call, position) =>
      textBlocks(cardOf(call) ?? {}).some((text) => text.startsWith('Customer ')) ? [position] : [],
    );
    const lastRelayed = Math.max(...relayedAt);
    expect(offers).toHaveLength(5);
    for (const position of offers) expect(position).toBeLessThan(lastRelayed);
    const shown = burst.flatMap((call) => textBlocks(cardOf(call) ?? {}));
    for (let index = 1; index <= CUSTOMERS; index += 1) {
      const own = relayed.filter((text) => text.startsWith(`Customer ${index} says`));
      expect(shown.filter((text) => own.includes(text))).toEqual(own);
    }
  });

  it('logs no 429 and no failed send while pacing', async () => {
    for (let index = 1; index <= CUSTOMERS; index += 1) {
      await post(customerMessage(connector.serviceUrl, customerOf(index), `One more from ${index}`));
    }
    await settle();
    const warnings = desk.lines.filter((line) => line.level >= 40);
    expect(warnings.map((line) => line.msg)).toEqual([]);
  });
});
