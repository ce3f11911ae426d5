import { agentInvoke, postActivity } from '../support/activities';
import { actionsWithVerb, cardOf, dataOf, textBlocks, textOf } from '../support/cards';
import { alex } from '../support/fixtures';
import { recordReliabilityRow } from '../support/reliability-rows';
import { budgetCustomer as customerOf, startBudgetDesk, type BudgetDesk } from '../support/budget-desk';

/**
 * Teams' rate limits on the real server against a fake connector that enforces them (429 past any window): the
 * outbox keeps within the budget before each call, so nothing is refused and nothing is lost, only paced.
 */

const CUSTOMERS = 5;

describe('delivery inside Teams rate limits', () => {
  let budget: BudgetDesk;
  let settle: BudgetDesk['settle'];
  let toAlex: BudgetDesk['toAlex'];

  beforeEach(async () => {
    budget = await startBudgetDesk(CUSTOMERS);
    ({ settle, toAlex } = budget);
  });

  afterEach(async () => {
    await budget.close();
  });

  it('sets up five sessions without a single call answered 429', () => {
    expect(budget.connector.throttled).toEqual([]);
    expect(toAlex().length).toBeGreaterThan(10);
  });

  it('delivers a burst of 40 messages to one agent without a 429, grouped into fewer cards, each once and in order per session', async () => {
    const sent: string[][] = Array.from({ length: CUSTOMERS }, () => []);
    for (let round = 1; round <= 8; round += 1) {
      for (let index = 1; index <= CUSTOMERS; index += 1) {
        const text = `Customer ${index} message ${round}`;
        sent[index - 1]!.push(text);
        await budget.say(customerOf(index), text);
      }
    }
    const mark = toAlex().length;
    await settle();

    expect(budget.connector.throttled).toEqual([]);
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
    for (const window of budget.connector.busiestWindows().conversation) {
      expect(window.busiest).toBeLessThanOrEqual(window.limit);
    }

    // Reply from the digest: its own session's box is sent, and the digest stays as it is (a short answer instead).
    const reply = actionsWithVerb(cardOf(digest)!, 'reply')[0]!;
    const sessionId = String(dataOf(reply)['sessionId']);
    const answer = await postActivity(
      budget.desk.app.url,
      agentInvoke(
        budget.connector.serviceUrl,
        alex,
        'reply',
        { ...dataOf(reply), [`text.${sessionId}`]: 'On it!' },
        digest!.activityId,
      ),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
    });
    expect(String((answer.body as { value: unknown }).value)).toMatch(/^Sending to /);
    await settle();
    expect(budget.connector.updates(alex.conversationId, digest!.activityId)).toEqual([]);
    const toCustomers = budget.connector.calls.filter((call) => call.activity['text'] === 'On it!');
    expect(toCustomers).toHaveLength(1);
  });

  it('sends offers before relayed messages queued earlier when the budget is short, and loses nothing', async () => {
    const mark = toAlex().length;
    const relayed: string[] = [];
    for (let round = 1; round <= 5; round += 1) {
      for (let index = 1; index <= CUSTOMERS; index += 1) {
        const text = `Customer ${index} says ${round}`;
        relayed.push(text);
        await budget.say(customerOf(index), text);
      }
    }
    // Five newcomers while 25 messages wait for the budget: their offers go to Alex, who has room for them.
    for (let index = CUSTOMERS + 1; index <= CUSTOMERS + 5; index += 1) {
      await budget.say(customerOf(index), `Newcomer ${index} needs help`);
    }
    await settle();

    expect(budget.connector.throttled).toEqual([]);
    const burst = toAlex().slice(mark);
    const offers = burst.flatMap((call, position) => (budget.offerIn(call) ? [position] : []));
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
    const shownRelayed = shown.filter((text) => relayed.includes(text));
    recordReliabilityRow({
      scenario: '8c. Teams limits: a burst of 30 customers at one agent',
      load: '25 messages into 5 Active sessions and 5 newcomers at once, one agent, sqlite',
      faults: "Teams' limits enforced: 429 past any window",
      sent: relayed.length + offers.length,
      delivered: new Set(shownRelayed).size + offers.length,
      lost: relayed.length - new Set(shownRelayed).size + 5 - offers.length,
      duplicated: shownRelayed.length - new Set(shownRelayed).size,
      note:
        `429s received ${budget.connector.throttled.length}; the 5 offers before the last relayed card; ` +
        `${relayedAt.length} cards carried the 25 messages`,
    });
  });

  it('says "Busy — messages are grouped" on the panel during the rush, and takes it away once it is over', async () => {
    const mark = toAlex().length;
    for (let round = 1; round <= 6; round += 1) {
      for (let index = 1; index <= CUSTOMERS; index += 1)
        await budget.say(customerOf(index), `Rush ${index}.${round}`);
    }
    await settle();
    const panels = () =>
      toAlex()
        .slice(mark)
        .filter((call) => actionsWithVerb(cardOf(call) ?? {}, 'togglePanel').length > 0)
        .map((call) => textBlocks(cardOf(call) ?? {}));
    expect(panels().some((texts) => texts.includes('Busy — messages are grouped'))).toBe(true);

    // A minute later the budget has recovered: the next pass renders the panel again, without the notice.
    budget.clock.advance(60_000);
    await settle();
    await budget.desk.app.drainOutbox();
    await settle();
    expect(panels().at(-1)).not.toContain('Busy — messages are grouped');
    expect(budget.connector.throttled).toEqual([]);
  });

  it('merges an agent’s replies waiting for a Teams customer into fewer messages, each reply once and in order', async () => {
    const teamsCustomer = {
      userId: '29:teams-customer',
      conversationId: 'a:teams-customer',
      channelId: 'msteams',
    };
    await budget.say(teamsCustomer, 'Hello from Teams');
    await settle();
    const offer = toAlex()
      .filter((call) => budget.offerIn(call) !== undefined)
      .at(-1)!;
    const offerData = budget.offerIn(offer)!;
    await postActivity(
      budget.desk.app.url,
      agentInvoke(budget.connector.serviceUrl, alex, 'accept', offerData, offer.activityId),
    );
    await settle();
    const before = budget.connector.posted(teamsCustomer.conversationId).length;
    const replies = Array.from({ length: 12 }, (_, n) => `Answer ${n + 1}`);
    for (const text of replies) {
      const answer = await postActivity(
        budget.desk.app.url,
        agentInvoke(budget.connector.serviceUrl, alex, 'reply', {
          sessionId: String(offerData['workItemId']),
          text,
        }),
      );
      expect(answer.status).toBe(200);
    }
    await settle();

    const sent = budget.connector.posted(teamsCustomer.conversationId).slice(before);
    const lines = sent.flatMap((call) => textOf(call)?.split('\n\n') ?? []);
    expect(lines.filter((line) => line.startsWith('Answer '))).toEqual(replies);
    expect(sent.length).toBeLessThan(replies.length);
    expect(budget.connector.throttled).toEqual([]);
  });

  it('logs no 429 and no failed send while pacing', async () => {
    for (let index = 1; index <= CUSTOMERS; index += 1) {
      await budget.say(customerOf(index), `One more from ${index}`);
    }
    await settle();
    const warnings = budget.desk.lines.filter((line) => line.level >= 40);
    expect(warnings.map((line) => line.msg)).toEqual([]);
  });
});
