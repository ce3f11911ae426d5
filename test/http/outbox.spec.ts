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
import { actionData, cardMentions, cardOf, relaydeskIdOf, textBlocks, textOf } from '../support/cards';
import { devSignIn as devSignInAs } from '../web/agent-api-support';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, FakeClock, startTestDesk, type TestDesk } from '../support/harness';
import { alex, QUEUED } from '../support/fixtures';
import { readStored } from '../support/desk-tables';

/**
 * The outbox on the real server: the turn returns before the connector answers, every message is delivered
 * once in order per recipient through 429s, 5xx and a restart, and one failing recipient blocks no other.
 */

const START = Date.UTC(2026, 0, 5, 10, 0, 0);

const textBlocksOf = (call: RecordedCall): string[] => {
  const card = cardOf(call);
  return card ? textBlocks(card) : [];
};

let visitors = 0;
function visitor(): TestCustomer {
  visitors += 1;
  return { userId: `outbox-visitor-${visitors}`, conversationId: `outbox-conv-${visitors}` };
}

describe('the outbox on the real server', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let dir: string;

  async function start(env: Record<string, string> = {}, clock = new FakeClock(START)): Promise<TestDesk> {
    return startTestDesk(
      {
        AGENT_IDS: alex.aadObjectId,
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
        STORE: 'sqlite',
        SQLITE_PATH: join(dir, 'relaydesk.db'),
        ...env,
      },
      { clock, outbox: ASYNC_OUTBOX },
    );
  }

  /** POSTs (the harness drains the outbox before this resolves) and returns the connector calls since. */
  async function send(activity: ActivityJson): Promise<RecordedCall[]> {
    const mark = connector.calls.length;
    const result = await postActivity(desk.app.url, activity);
    expect(result.status).toBe(200);
    return connector.calls.slice(mark);
  }

  /** Every accepted call's relaydeskId, counted: a delivered message shows up exactly once. */
  function deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of connector.calls) {
      const id = relaydeskIdOf(call.activity);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  const duplicates = () => [...deliveries().values()].filter((count) => count > 1).length;

  /** A customer in an Active session with Alex, so their messages are relayed to Alex's chat. */
  async function activeSession(customer: TestCustomer): Promise<void> {
    const offered = await send(customerMessage(connector.serviceUrl, customer, 'Hello there'));
    const offer = offered.filter((call) => call.conversationId === alex.conversationId).at(-1)!;
    await send(
      agentInvoke(
        connector.serviceUrl,
        alex,
        'accept',
        actionData(cardOf(offer), 'accept'),
        offer.activityId,
      ),
    );
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-outbox-'));
    connector = await FakeConnector.start();
    desk = await start();
    await send(agentMessage(connector.serviceUrl, alex, 'hi'));
  });

  afterEach(async () => {
    await desk.app.close();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('what the agent sees of their messages’ delivery', () => {
    async function sessionDetail(workItemId: string) {
      const token = await devSignInAs(desk.app.baseUrl, alex.aadObjectId);
      const answer = await fetch(`${desk.app.baseUrl}/api/agent/sessions/${workItemId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await answer.json()) as {
        transcript: { from: string; text: string; delivery?: string; agentName?: string }[];
        conversation: { customerLeft?: boolean };
      };
    }

    async function workItemOf(customer: TestCustomer): Promise<string> {
      const stored = await readStored(desk.app, [`customer/emulator:${customer.userId}`]);
      return (stored[`customer/emulator:${customer.userId}`] as { latestWorkItemId: string })
        .latestWorkItemId;
    }

    it('shows a reply the channel took as delivered, signed with the agent’s name', async () => {
      const customer = visitor();
      await activeSession(customer);
      await send(agentMessage(connector.serviceUrl, alex, 'Your parcel left the depot.'));
      const detail = await sessionDetail(await workItemOf(customer));
      expect(detail.transcript.at(-1)).toMatchObject({
        from: 'agent',
        text: 'Your parcel left the depot.',
        delivery: 'delivered',
        agentName: alex.name,
      });
    });

    it('marks the customer left when their channel ends the conversation (endOfConversation), answered 200', async () => {
      const customer = visitor();
      await activeSession(customer);
      const ended = await postActivity(desk.app.url, {
        ...customerMessage(connector.serviceUrl, customer, ''),
        type: 'endOfConversation',
        text: undefined,
      });
      expect(ended.status).toBe(200);
      const detail = await sessionDetail(await workItemOf(customer));
      expect(detail.conversation.customerLeft).toBe(true);
    });

    it('shows a reply to a customer whose chat is gone as not delivered, marks them left and tells the agent in chat', async () => {
      const customer = visitor();
      await activeSession(customer);
      connector.failConversation(customer.conversationId, 404);
      await send(agentMessage(connector.serviceUrl, alex, 'Are you still there?'));
      const workItemId = await workItemOf(customer);
      const detail = await sessionDetail(workItemId);
      expect(detail.transcript.at(-1)).toMatchObject({
        text: 'Are you still there?',
        delivery: 'not-delivered',
      });
      expect(detail.conversation.customerLeft).toBe(true);
      await desk.app.drainOutbox();
      const told = connector
        .posted(alex.conversationId)
        .filter((call) =>
          textBlocksOf(call).some((text) => text.startsWith('Not delivered — the customer has left.')),
        );
      expect(told).toHaveLength(1);
    });
  });

  it('answers the POST before a slow connector has answered, and delivers once it does', async () => {
    const customer = visitor();
    const held = connector.hold();
    // Not postActivity: the harness would wait for the outbox, which waits for the connector.
    const response = await fetch(desk.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customerMessage(connector.serviceUrl, customer, 'Is anyone there?')),
    });
    expect(response.status).toBe(200);
    // The send has reached the connector, which holds it unanswered: the turn did not wait for it.
    await connector.waitFor('a held send', () => connector.held >= 1);
    expect(connector.posted(customer.conversationId)).toEqual([]);

    held.release();
    await desk.app.drainOutbox();
    expect(connector.posted(customer.conversationId).map(textOf)).toEqual([QUEUED]);
    expect(await desk.app.outboxPending()).toBe(0);
    expect(duplicates()).toBe(0);
  });

  it('waits as a 429’s Retry-After asks (no sleeping), then delivers once', async () => {
    const customer = visitor();
    connector.failNext(1, 429, { 'Retry-After': '2' });
    await send(customerMessage(connector.serviceUrl, customer, 'Hi'));
    expect(desk.delays).toEqual([2000]);
    expect(connector.refused).toHaveLength(1);
    expect(connector.posted(customer.conversationId).map(textOf)).toEqual([QUEUED]);
    expect(relaydeskIdOf(connector.refused[0]?.activity)).toBe(
      relaydeskIdOf(connector.posted(customer.conversationId)[0]?.activity),
    );
    expect(duplicates()).toBe(0);
  });

  it('relays a customer’s messages to the agent in order through 500s and 503s, each once', async () => {
    const customer = visitor();
    await activeSession(customer);
    const mark = connector.calls.length;
    for (let n = 1; n <= 8; n += 1) {
      if (n % 3 === 1) connector.failNext(2, n % 2 === 0 ? 500 : 503);
      await send(customerMessage(connector.serviceUrl, customer, `Message ${n}`));
    }
    const relayed = connector.posted(alex.conversationId).filter((call) => call.seq > mark);
    const order = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      relayed.findIndex((call) => cardMentions(cardOf(call), `Message ${n}`)),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(connector.refused.length).toBeGreaterThanOrEqual(6);
    // Every refused attempt was delivered later, once: nothing lost, nothing doubled.
    for (const refused of connector.refused) {
      expect(deliveries().get(relaydeskIdOf(refused.activity)!)).toBe(1);
    }
    expect(duplicates()).toBe(0);
    expect(await desk.app.outboxPending()).toBe(0);
  });

  it('keeps the order through a connector down for longer than the retries: later sends wait behind the first', async () => {
    const customer = visitor();
    await activeSession(customer);
    connector.failConversation(alex.conversationId, 503);
    for (let n = 1; n <= 4; n += 1) await send(customerMessage(connector.serviceUrl, customer, `Down ${n}`));
    expect(await desk.app.outboxPending()).toBeGreaterThanOrEqual(4);
    const mark = connector.calls.length;

    connector.stopFailing();
    desk.clock.advance(10 * 60_000);
    await desk.app.drainOutbox();
    const relayed = connector.calls.slice(mark).filter((call) => call.kind !== 'update');
    expect(relayed.map((call) => [1, 2, 3, 4].find((n) => cardMentions(cardOf(call), `Down ${n}`)))).toEqual([
      1, 2, 3, 4,
    ]);
    expect(await desk.app.outboxPending()).toBe(0);
    expect(duplicates()).toBe(0);
  });

  it('does not hold back other recipients while one customer’s conversation keeps failing', async () => {
    const failing = visitor();
    const fine = visitor();
    connector.failConversation(failing.conversationId, 503);
    await send(customerMessage(connector.serviceUrl, failing, 'My chat is broken'));
    await send(customerMessage(connector.serviceUrl, fine, 'Mine works'));
    expect(connector.posted(fine.conversationId).map(textOf)).toEqual([QUEUED]);
    // The agent still got both offers.
    const offers = connector
      .posted(alex.conversationId)
      .filter((call) => cardMentions(cardOf(call), 'Accept'));
    expect(offers.length).toBeGreaterThanOrEqual(2);
    expect(connector.posted(failing.conversationId)).toEqual([]);
    expect(await desk.app.outboxPending()).toBe(1);

    connector.stopFailing();
    desk.clock.advance(60_000);
    await desk.app.drainOutbox();
    expect(connector.posted(failing.conversationId).map(textOf)).toEqual([QUEUED]);
  });

  it('drops a send the connector refuses for good (403) with a log line naming it, and goes on', async () => {
    connector.failNext(1, 403);
    const refused = await send(agentMessage(connector.serviceUrl, alex, 'help'));
    expect(refused).toEqual([]);
    const dropped = desk.lines.find((line) => line.msg === 'send failed for good, skipped');
    expect(dropped).toMatchObject({ level: 50, status: 403, agentId: alex.aadObjectId, view: 'help' });
    expect(dropped?.['relaydeskId']).toBe(relaydeskIdOf(connector.refused[0]?.activity));
    expect(await desk.app.outboxPending()).toBe(0);

    const again = await send(agentMessage(connector.serviceUrl, alex, 'help'));
    expect(again.filter((call) => call.conversationId === alex.conversationId)).toHaveLength(1);
  });

  it('keeps what was not delivered across a restart on the same SQLite file, and delivers it then, once', async () => {
    const customer = visitor();
    connector.failConversation(customer.conversationId, 503);
    await send(customerMessage(connector.serviceUrl, customer, 'Hello before the restart'));
    expect(await desk.app.outboxPending()).toBe(1);
    const refusedIds = new Set(connector.refused.map((call) => relaydeskIdOf(call.activity)));
    expect(refusedIds.size).toBe(1);
    await desk.app.close();

    connector.stopFailing();
    // A new process, later: its start delivers what the last one left, without being asked to.
    desk = await start({}, new FakeClock(START + 60 * 60_000));
    await connector.waitFor(
      'the message left over',
      () => connector.posted(customer.conversationId).length > 0,
    );
    await desk.app.drainOutbox();
    const delivered = connector.posted(customer.conversationId);
    expect(delivered.map(textOf)).toEqual([QUEUED]);
    expect(refusedIds.has(relaydeskIdOf(delivered[0]?.activity))).toBe(true);
    expect(await desk.app.outboxPending()).toBe(0);
    expect(duplicates()).toBe(0);
  });

  it('sends again after a restart what was under way when close() stopped waiting (at least once)', async () => {
    await desk.app.close();
    desk = await startTestDesk(
      {
        AGENT_IDS: alex.aadObjectId,
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
        STORE: 'sqlite',
        SQLITE_PATH: join(dir, 'relaydesk.db'),
      },
      { clock: new FakeClock(START), outbox: { ...ASYNC_OUTBOX, closeTimeoutMs: 50 } },
    );
    const customer = visitor();
    const held = connector.hold();
    const response = await fetch(desk.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customerMessage(connector.serviceUrl, customer, 'Going down')),
    });
    expect(response.status).toBe(200);
    await connector.waitFor('a held send', () => connector.held >= 1);
    await desk.app.close();
    held.release();
    await connector.waitFor('the late answer', () => connector.posted(customer.conversationId).length === 1);

    desk = await start();
    await desk.app.drainOutbox();
    // The repeat a killed process may cause: the same relaydeskId twice, which a report can count.
    const posted = connector.posted(customer.conversationId);
    expect(posted.map(textOf)).toEqual([QUEUED, QUEUED]);
    expect(new Set(posted.map((call) => relaydeskIdOf(call.activity))).size).toBe(1);
  });
});
