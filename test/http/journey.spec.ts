import { escapeCardText } from '../../src/cards/escape';
import {
  agentInvoke,
  agentMessage,
  customerInvoke,
  customerMessage,
  postActivity,
  type ActivityJson,
  type PostResult,
  type TestCustomer,
} from '../support/activities';
import { actionData, actionsWithVerb, cardMentions, cardOf, relaydeskIdOf, textOf } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, startTestDesk, type TestDesk } from '../support/harness';
import { alex, bea, QUEUED, SURVEY } from '../support/fixtures';
import { readStored } from '../support/desk-tables';

const visitor1: TestCustomer = { userId: 'web-user-1', conversationId: 'emulator-conv-1' };
const visitor2: TestCustomer = { userId: 'web-user-2', conversationId: 'emulator-conv-2' };
const visitor3: TestCustomer = { userId: 'web-user-3', conversationId: 'emulator-conv-3' };

const TIMEOUT_S = 30;
const JOINED = "You're now chatting with Alex Agent.";

interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

describe('a customer-service journey over HTTP (Emulator customers, Teams agents, fake Bot Connector)', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let alexPanelId: string;
  let visitor1Item: string;
  let visitor2Item: string;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk(
      {
        AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
        RATE_LIMIT_PER_MINUTE: '0',
        NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S),
        // The journey re-offers a missed conversation to the agent who missed it (test/http/missed-offer.spec.ts
        // pins the default, which sets them Inactive).
        MISSED_OFFER_INACTIVE: 'false',
      },
      { outbox: ASYNC_OUTBOX },
    );
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  /** Posts to /api/messages, expects a 2xx, and returns the answer with the connector calls it caused. */
  async function send(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const mark = connector.calls.length;
    const result = await postActivity(desk.app.url, activity);
    expect(result.status).toBe(200);
    return { ...result, calls: connector.calls.slice(mark) };
  }

  function sentTo(
    calls: RecordedCall[],
    conversationId: string,
    kind?: RecordedCall['kind'],
  ): RecordedCall[] {
    return calls.filter(
      (call) =>
        call.conversationId === conversationId && (kind ? call.kind === kind : call.kind !== 'update'),
    );
  }

  function invokeCard(result: PostResult): unknown {
    const body = result.body as InvokeBody;
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return body.value;
  }

  const lastPanelUpdate = () => cardOf(connector.updates(alex.conversationId, alexPanelId).at(-1));

  it('an agent who says hi gets their session panel', async () => {
    const { calls } = await send(agentMessage(connector.serviceUrl, alex, 'hi'));
    const [panel] = sentTo(calls, alex.conversationId);
    expect(panel).toBeDefined();
    expect(cardMentions(cardOf(panel), 'Home')).toBe(true);
    expect(cardMentions(cardOf(panel), 'Alex Agent')).toBe(true);
    alexPanelId = panel!.activityId;

    // The second agent starts Away, so the first conversations are offered to Alex.
    await send(agentMessage(connector.serviceUrl, bea, 'hi'));
    const { calls: awayCalls } = await send(agentMessage(connector.serviceUrl, bea, 'presence away'));
    expect(cardMentions(cardOf(sentTo(awayCalls, bea.conversationId, 'update').at(-1)), 'Away')).toBe(true);
  });

  it('a customer who writes is told they are queued, and the agent gets an offer with Accept and Reject', async () => {
    const { calls } = await send(
      customerMessage(connector.serviceUrl, visitor1, 'Hello, my router keeps dropping the connection'),
    );
    expect(sentTo(calls, visitor1.conversationId).map(textOf)).toEqual([QUEUED]);
    const offer = cardOf(sentTo(calls, alex.conversationId).at(-1));
    expect(cardMentions(offer, 'Visitor 1')).toBe(true);
    expect(actionsWithVerb(offer, 'accept')).toHaveLength(1);
    expect(actionsWithVerb(offer, 'reject')).toHaveLength(1);
    visitor1Item = actionData(offer, 'accept')['workItemId']!;
  });

  it('accepting answers 200 with an Accepted card, tells the customer, opens the session and updates the panel in place', async () => {
    const offerCall = connector.posted(alex.conversationId).at(-1)!;
    const ids = actionData(cardOf(offerCall), 'accept');
    const updatesBefore = connector.updates(alex.conversationId, alexPanelId).length;

    const result = await send(agentInvoke(connector.serviceUrl, alex, 'accept', ids, offerCall.activityId));

    expect(cardMentions(invokeCard(result), 'Accepted')).toBe(true);
    expect(sentTo(result.calls, visitor1.conversationId).map(textOf)).toEqual([JOINED]);
    const opened = sentTo(result.calls, alex.conversationId).map(cardOf);
    expect(opened.some((card) => cardMentions(card, 'Active conversation'))).toBe(true);
    expect(opened.some((card) => cardMentions(card, 'Knowledge base'))).toBe(true);
    expect(connector.updates(alex.conversationId, alexPanelId).length).toBeGreaterThan(updatesBefore);
    expect(cardMentions(lastPanelUpdate(), 'Visitor 1')).toBe(true);
  });

  it("relays the customer's messages to the agent as cards, and the agent's plain text to the customer", async () => {
    const fromCustomer = await send(customerMessage(connector.serviceUrl, visitor1, 'Are you still there?'));
    const relayed = sentTo(fromCustomer.calls, alex.conversationId).map(cardOf);
    expect(relayed.some((card) => cardMentions(card, 'Are you still there?'))).toBe(true);

    const fromAgent = await send(agentMessage(connector.serviceUrl, alex, 'Yes, I can help you with that.'));
    expect(sentTo(fromAgent.calls, visitor1.conversationId).map(textOf)).toEqual([
      'Yes, I can help you with that.',
    ]);
  });

  it('shows hostile customer text escaped on the agent card: no link, no mention, no template expression', async () => {
    const hostile = '[x](http://evil) <at>Agent</at> ${x}';
    const { calls } = await send(customerMessage(connector.serviceUrl, visitor1, hostile));
    const card = cardOf(sentTo(calls, alex.conversationId).at(0));
    expect(cardMentions(card, escapeCardText(hostile))).toBe(true);
    const json = JSON.stringify(card);
    expect(json).not.toContain('<at>');
    expect(json).not.toContain('[x](http://evil)');
    expect(json).not.toContain('${x}');
  });

  it('refuses an accept forged by another agent and changes nothing', async () => {
    const queued = await send(customerMessage(connector.serviceUrl, visitor2, 'Hi, I was charged twice'));
    const offerCall = sentTo(queued.calls, alex.conversationId).at(-1)!;
    const ids = actionData(cardOf(offerCall), 'accept');
    visitor2Item = ids['workItemId']!;

    const forged = await send(agentInvoke(connector.serviceUrl, bea, 'accept', ids, offerCall.activityId));
    expect(cardMentions(invokeCard(forged), 'This request was offered to another agent.')).toBe(true);
    expect(sentTo(forged.calls, visitor2.conversationId)).toEqual([]);
    expect(sentTo(forged.calls, alex.conversationId)).toEqual([]);

    const accepted = await send(agentInvoke(connector.serviceUrl, alex, 'accept', ids, offerCall.activityId));
    expect(cardMentions(invokeCard(accepted), 'Accepted')).toBe(true);
    expect(sentTo(accepted.calls, visitor2.conversationId).map(textOf)).toEqual([JOINED]);
  });

  it('counts messages to a session that is not focused: badge "9+" and the unread tooltip on its panel row', async () => {
    const focused = await send(agentInvoke(connector.serviceUrl, alex, 'focus', { sessionId: visitor1Item }));
    expect(cardMentions(invokeCard(focused), 'Visitor 1')).toBe(true);

    for (let n = 1; n <= 12; n += 1) {
      await send(customerMessage(connector.serviceUrl, visitor2, `Message number ${n}`));
    }
    await connector.waitFor('the panel to show 12 unread', () =>
      cardMentions(lastPanelUpdate(), 'Visitor 2. 12 new updates in your conversation.'),
    );
    expect(cardMentions(lastPanelUpdate(), '9+')).toBe(true);
  });

  it('marks an offer nobody answers in time as Missed and offers it to the other agent', async () => {
    const queued = await send(customerMessage(connector.serviceUrl, visitor3, 'Can someone call me back?'));
    const missedOffer = sentTo(queued.calls, alex.conversationId).at(-1)!;
    const workItemId = actionData(cardOf(missedOffer), 'accept')['workItemId'];
    await send(agentMessage(connector.serviceUrl, bea, 'presence available'));

    const mark = connector.calls.length;
    desk.clock.advance(TIMEOUT_S * 1000 + 1000);
    await desk.app.sweep();
    const swept = connector.calls.slice(mark);

    const missedUpdate = sentTo(swept, alex.conversationId, 'update').find(
      (call) => call.activityId === missedOffer.activityId,
    );
    expect(cardMentions(cardOf(missedUpdate), 'Missed')).toBe(true);
    const reoffer = cardOf(sentTo(swept, bea.conversationId).at(-1));
    expect(actionData(reoffer, 'accept')['workItemId']).toBe(workItemId);
  });

  it('asks before closing; a closed conversation waits, and the customer writing again re-offers it to the same agent', async () => {
    const asked = await send(agentInvoke(connector.serviceUrl, alex, 'close', { sessionId: visitor1Item }));
    const confirm = invokeCard(asked);
    expect(actionsWithVerb(confirm, 'closeConfirm')).toHaveLength(1);
    expect(sentTo(asked.calls, visitor1.conversationId)).toEqual([]);

    const closed = await send(
      agentInvoke(connector.serviceUrl, alex, 'closeConfirm', { sessionId: visitor1Item }),
    );
    expect(cardMentions(invokeCard(closed), 'Visitor 1 closed')).toBe(true);
    expect(sentTo(closed.calls, visitor1.conversationId)).toEqual([]);
    const stored = await readStored(desk.app, [`workitem/${visitor1Item}`]);
    expect((stored[`workitem/${visitor1Item}`] as { item: { state: string } }).item.state).toBe('waiting');

    const again = await send(customerMessage(connector.serviceUrl, visitor1, 'One more question'));
    expect(sentTo(again.calls, visitor1.conversationId).map(textOf)).toEqual([QUEUED]);
    const reoffer = sentTo(again.calls, alex.conversationId).at(-1)!;
    const ids = actionData(cardOf(reoffer), 'accept');
    expect(ids['workItemId']).toBe(visitor1Item);

    const accepted = await send(agentInvoke(connector.serviceUrl, alex, 'accept', ids, reoffer.activityId));
    expect(cardMentions(invokeCard(accepted), 'Accepted')).toBe(true);
    expect(sentTo(accepted.calls, visitor1.conversationId).map(textOf)).toEqual([JOINED]);
  });

  it('ending tells the customer, and their next message starts a new conversation', async () => {
    const ended = await send(agentInvoke(connector.serviceUrl, alex, 'end', { sessionId: visitor1Item }));
    expect(cardMentions(invokeCard(ended), 'ended')).toBe(true);
    expect(sentTo(ended.calls, visitor1.conversationId).map(textOf)).toEqual([
      'Alex Agent has ended the conversation. Send a message any time to start a new one.',
      SURVEY,
    ]);

    const fresh = await send(
      customerMessage(connector.serviceUrl, visitor1, 'Back again with a new problem'),
    );
    expect(sentTo(fresh.calls, visitor1.conversationId).map(textOf)).toEqual([QUEUED]);
    const offer = fresh.calls.map(cardOf).find((card) => card && actionsWithVerb(card, 'accept').length > 0);
    expect(actionData(offer, 'accept')['workItemId']).not.toBe(visitor1Item);
    expect(cardMentions(offer, 'Back again with a new problem')).toBe(true);
    expect(cardMentions(offer, 'One more question')).toBe(false);
  });

  it('refuses card actions from customers with a card, and changes nothing', async () => {
    const before = connector.calls.length;
    const result = await send(
      customerInvoke(connector.serviceUrl, visitor2, 'end', { sessionId: visitor2Item }),
    );
    expect(cardMentions(invokeCard(result), 'for agents')).toBe(true);
    expect(connector.calls.length).toBe(before);
    const stored = await readStored(desk.app, [`workitem/${visitor2Item}`]);
    expect((stored[`workitem/${visitor2Item}`] as { item: { state: string } }).item.state).toBe('active');
  });

  it('answers malformed requests with 400 JSON and an invoke without a verb with a 400 error body', async () => {
    const badJson = await postActivity(desk.app.url, '{"type": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ code: 'InvalidContent' });

    for (const body of [
      [1, 2, 3] as unknown as ActivityJson,
      { text: 'no type' },
      { ...customerMessage(connector.serviceUrl, visitor1, 'x'), conversation: undefined },
      { ...customerMessage(connector.serviceUrl, visitor1, 'x'), serviceUrl: 'file:///etc/passwd' },
    ]) {
      const result = await postActivity(desk.app.url, body);
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ code: 'BadRequest' });
    }

    const noVerb = await postActivity(
      desk.app.url,
      agentInvoke(connector.serviceUrl, alex, undefined, { sessionId: visitor2Item }),
    );
    expect(noVerb.status).toBe(400);
    expect(noVerb.body).toEqual({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: 'The action has no verb.' },
    });
    expect(
      desk.lines.some((line) => line.msg === 'malformed card action' && line['agentId'] === 'aad-alex'),
    ).toBe(true);

    const health = await fetch(`${desk.app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('gave every outbound activity its own relaydeskId, and made no send twice', () => {
    const posted = connector.calls.filter((call) => call.kind !== 'update');
    const ids = posted.map((call) => relaydeskIdOf(call.activity));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
