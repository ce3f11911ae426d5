import { createServer } from 'node:net';
import type { ConversationReference } from 'botbuilder';
import type { CustomerCardView } from '../../src/app/customer-views';
import type { AgentView } from '../../src/app/views';
import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { composeActivity } from '../../src/teams/compose-activity';
import { ConversationReferences } from '../../src/teams/conversation-references';
import { Delivery } from '../../src/teams/delivery';
import { Outbox } from '../../src/teams/outbox';
import { ProactiveNotifier, type ProactiveNotifierOptions } from '../../src/teams/proactive-notifier';
import { cardOf, relaydeskIdOf, textBlocks, textOf } from '../support/cards';
import { anonymousSender } from '../support/anonymous-sender';
import { FakeConnector } from '../support/fake-connector';
import { FakeClock, collectingLogger, type LogLine } from '../support/harness';

const notice = (text: string): AgentView => ({ kind: 'notice', title: 'Note', text, tone: 'default' });

let renderFails = false;

/** A stand-in for the card renderer: the view's text in one TextBlock (or a failure, when a test says so). */
const renderCard = (view: AgentView) => {
  if (renderFails) throw new Error('template missing');
  return stubCard(view);
};

const stubCard = (view: AgentView) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: view.kind === 'notice' ? view.text : view.kind }],
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('ProactiveNotifier', () => {
  let connector: FakeConnector;
  let clock: FakeClock;
  let database: SqlDatabase;
  let references: ConversationReferences;
  let outbox: Outbox;
  let notifier: ProactiveNotifier;
  let options: ProactiveNotifierOptions;
  let delays: number[];
  let lines: LogLine[];

  /**
   * The notifier only stores each message in the outbox; the dispatcher sends it. Sending is not automatic
   * here, so each test says when the outbox is drained.
   */
  async function notified(...sends: Promise<void>[]): Promise<void> {
    await Promise.all(sends);
    await outbox.drain();
  }

  const agentChat = 'a:chat-agent';
  const customerChat = 'emulator-conv-1';

  function referenceTo(
    conversationId: string,
    serviceUrl = connector.serviceUrl,
  ): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: conversationId },
      user: { id: '29:agent' },
      bot: { id: 'relaydesk-bot' },
      activityId: 'in-1',
    } as Partial<ConversationReference>;
  }

  beforeEach(async () => {
    renderFails = false;
    connector = await FakeConnector.start();
    clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const logged = collectingLogger();
    lines = logged.lines;
    database = openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrateToLatest(database);
    const cardSlots = new SqlCardSlots(database);
    references = new ConversationReferences(new SqlConversationReferences(database), clock);
    delays = [];
    let next = 0;
    const now = () => clock.now();
    outbox = new Outbox({
      store: new SqlOutboxStore(database),
      cardSlots,
      references,
      sender: anonymousSender({
        cardSlots,
        delivery: new Delivery({
          logger: logged.logger,
          delay: async (ms) => {
            delays.push(ms);
          },
          random: () => 0.5,
        }),
        logger: logged.logger,
        now,
      }),
      logger: logged.logger,
      now,
      compose: composeActivity(renderCard),
      autoDrain: false,
      random: () => 0.5,
    });
    options = {
      outbox,
      references,
      renderCard,
      ids: { next: () => `send-${++next}` },
      logger: logged.logger,
    };
    notifier = new ProactiveNotifier(options);
    await references.save({ kind: 'agent', id: 'agent-1' }, referenceTo(agentChat));
    await references.save({ kind: 'customer', id: 'emulator:user-1' }, referenceTo(customerChat));
  });

  afterEach(async () => {
    await outbox.stop();
    await database.close();
    await connector.close();
  });

  describe('sending', () => {
    it('sends a view to an agent as an Adaptive Card attachment with a relaydeskId', async () => {
      await notified(notifier.toAgent('agent-1', notice('Hello agent')));
      const [call] = connector.posted(agentChat);
      expect(textBlocks(cardOf(call))).toEqual(['Hello agent']);
      expect(relaydeskIdOf(call?.activity)).toBe('send-1');
    });

    it('sends plain text to a customer', async () => {
      await notified(notifier.toCustomer('emulator:user-1', "You're now chatting with Alex."));
      const [call] = connector.posted(customerChat);
      expect(textOf(call)).toBe("You're now chatting with Alex.");
      expect(relaydeskIdOf(call?.activity)).toBe('send-1');
    });

    it('says what a customer message is in channelData.relaydesk, and answers the refused activity', async () => {
      await notified(
        notifier.toCustomer('emulator:user-1', 'Alex Agent: hello', {
          kind: 'agent-message',
          agentName: 'Alex Agent',
        }),
      );
      await notified(
        notifier.toCustomer('emulator:user-1', 'please wait', { kind: 'rate-limited', replyToId: 'in-7' }),
      );
      const [relayed, refused] = connector.posted(customerChat);
      expect(relayed?.activity['channelData']).toEqual({
        relaydeskId: 'send-1',
        relaydesk: { kind: 'agent-message', agentName: 'Alex Agent' },
      });
      expect(refused?.activity['channelData']).toMatchObject({
        relaydesk: { kind: 'rate-limited', replyToId: 'in-7' },
      });
      expect(refused?.activity['replyToId']).toBe('in-7');
    });

    it('logs and skips a card that cannot be rendered, without throwing', async () => {
      renderFails = true;
      await expect(
        notifier.toAgent('agent-1', notice('x'), { target: { kind: 'panel' } }),
      ).resolves.toBeUndefined();
      await outbox.drain();
      expect(await outbox.pending()).toBe(0);
      expect(connector.calls).toEqual([]);
      expect(lines.some((line) => line.msg === 'card could not be rendered, send skipped')).toBe(true);
    });

    it('skips a send to someone without a stored reference, without throwing: at debug for an agent (a tab-only agent has no chat), at warn for a customer', async () => {
      await expect(notifier.toAgent('agent-unknown', notice('x'))).resolves.toBeUndefined();
      await expect(notifier.toCustomer('emulator:nobody', 'x')).resolves.toBeUndefined();
      await outbox.drain();
      expect(await outbox.pending()).toBe(0);
      expect(connector.calls).toEqual([]);
      const skipped = lines.filter((line) => line.msg === 'no conversation reference, send skipped');
      expect(skipped.map((line) => line['agentId'] ?? line['customerId'])).toEqual([
        'agent-unknown',
        'emulator:nobody',
      ]);
      expect(skipped.map((line) => line.level)).toEqual([20, 40]);
    });
  });

  describe('slots', () => {
    it('posts the first card of a slot and updates that same activity afterwards', async () => {
      await notified(notifier.toAgent('agent-1', notice('v1'), { target: { kind: 'panel' } }));
      await notified(notifier.toAgent('agent-1', notice('v2'), { target: { kind: 'panel' } }));
      await notified(notifier.toAgent('agent-1', notice('v3'), { target: { kind: 'panel' } }));
      const [posted] = connector.posted(agentChat);
      expect(connector.posted(agentChat)).toHaveLength(1);
      const updates = connector.updates(agentChat, posted!.activityId);
      expect(updates.map((call) => textBlocks(cardOf(call)))).toEqual([['v2'], ['v3']]);
      expect(await notifier.slotActivityId('agent-1', { kind: 'panel' })).toBe(posted!.activityId);
    });

    it('keeps slots apart: an offer card is not the panel', async () => {
      await notified(notifier.toAgent('agent-1', notice('panel'), { target: { kind: 'panel' } }));
      await notified(
        notifier.toAgent('agent-1', notice('offer'), { target: { kind: 'offer', offerId: 'o-1' } }),
      );
      expect(connector.posted(agentChat)).toHaveLength(2);
    });

    it('posts a new card when the slot card is gone (the update answers 404)', async () => {
      await notified(notifier.toAgent('agent-1', notice('v1'), { target: { kind: 'panel' } }));
      const first = connector.posted(agentChat)[0]!.activityId;
      connector.forget(first);
      await notified(notifier.toAgent('agent-1', notice('v2'), { target: { kind: 'panel' } }));
      const posted = connector.posted(agentChat);
      expect(posted).toHaveLength(2);
      expect(textBlocks(cardOf(posted[1]))).toEqual(['v2']);
      expect(await notifier.slotActivityId('agent-1', { kind: 'panel' })).toBe(posted[1]!.activityId);
    });

    it('posts a new card when the agent now talks to the bot in another conversation', async () => {
      await notified(notifier.toAgent('agent-1', notice('v1'), { target: { kind: 'panel' } }));
      await references.save({ kind: 'agent', id: 'agent-1' }, referenceTo('a:new-chat'));
      await notified(notifier.toAgent('agent-1', notice('v2'), { target: { kind: 'panel' } }));
      expect(connector.posted('a:new-chat')).toHaveLength(1);
      expect(connector.updates(agentChat)).toEqual([]);
    });

    it('serialises two sends to one slot made at once: one card posted, ending with the later render', async () => {
      await notified(
        notifier.toAgent('agent-1', notice('a'), { target: { kind: 'panel' } }),
        notifier.toAgent('agent-1', notice('b'), { target: { kind: 'panel' } }),
      );
      expect(connector.posted(agentChat)).toHaveLength(1);
      // 'a' is posted and updated to 'b', or, queued behind 'a' before it went, 'b' supersedes it and is posted alone.
      const calls = [...connector.posted(agentChat), ...connector.updates(agentChat)];
      expect(calls.length).toBeLessThanOrEqual(2);
      expect(textBlocks(cardOf(calls[calls.length - 1]))).toEqual(['b']);
    });

    it('lets go of a slot card replaced by something else, so the next send posts a fresh one', async () => {
      await notified(notifier.toAgent('agent-1', notice('v1'), { target: { kind: 'panel' } }));
      const first = connector.posted(agentChat)[0]!.activityId;
      await notifier.releaseSlot('agent-1', { kind: 'panel' }, 'some-other-card');
      expect(await notifier.slotActivityId('agent-1', { kind: 'panel' })).toBe(first);
      await notifier.releaseSlot('agent-1', { kind: 'panel' }, first);
      expect(await notifier.slotActivityId('agent-1', { kind: 'panel' })).toBeUndefined();
      await notified(notifier.toAgent('agent-1', notice('v2'), { target: { kind: 'panel' } }));
      expect(connector.posted(agentChat)).toHaveLength(2);
    });
  });

  describe('activities made elsewhere and bot replies', () => {
    it('stamps an activity made elsewhere (a pre-chat question) with a relaydeskId and queues it', async () => {
      await notified(
        notifier.sendActivity(
          { kind: 'customer', id: 'emulator:user-1' },
          { type: 'message', text: 'What is your name?', channelData: { other: 1 } },
          { label: 'prechat-question' },
        ),
      );
      const [call] = connector.posted(customerChat);
      expect(textOf(call)).toBe('What is your name?');
      expect(call?.activity['channelData']).toEqual({ other: 1, relaydeskId: 'send-1' });
    });

    it('updates the card an action was pressed on, and posts a new one when that card is gone', async () => {
      await notified(notifier.toAgent('agent-1', notice('pressed')));
      const pressed = connector.posted(agentChat)[0]!.activityId;
      const agent = { kind: 'agent', id: 'agent-1' } as const;
      await notified(notifier.sendView(agent, notice('answer'), { replaces: pressed }));
      expect(connector.updates(agentChat, pressed).map((call) => textBlocks(cardOf(call)))).toEqual([
        ['answer'],
      ]);
      connector.forget(pressed);
      await notified(notifier.sendView(agent, notice('again'), { replaces: pressed }));
      expect(connector.posted(agentChat).map((call) => textBlocks(cardOf(call)))).toEqual([
        ['pressed'],
        ['again'],
      ]);
    });
  });

  describe('the survey card a customer answered', () => {
    const renderCustomerCard = (view: CustomerCardView) => ({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        {
          type: 'TextBlock',
          text: view.kind === 'csat-thanks' ? `thanks ${view.rating} ${view.comment ?? ''}` : view.kind,
        },
      ],
    });
    const answeredCard = (activityId: string) => ({
      activityId,
      answer: { rating: 4, comment: 'kind' },
    });

    it('is updated in place with the thanks card, retried when the update fails, and nothing new is posted', async () => {
      notifier = new ProactiveNotifier({ ...options, renderCustomerCard });
      const customer = 'emulator:user-1';
      const survey = { workItemId: 'wi-1', surveyId: 's-1' };
      await notified(notifier.toCustomer(customer, 'How did we do?', { kind: 'survey', survey }));
      const card = connector.posted(customerChat)[0]!.activityId;
      connector.failNext(1, 503);
      await notified(
        notifier.toCustomer(customer, 'Thank you', {
          kind: 'survey-reply',
          replyToId: 'in-9',
          answeredCard: answeredCard(card),
        }),
      );
      expect(connector.refused.map((call) => call.status)).toEqual([503]);
      expect(connector.posted(customerChat)).toHaveLength(1);
      const [update, ...more] = connector.updates(customerChat, card);
      expect(more).toEqual([]);
      expect(textOf(update)).toBe('Thank you');
      expect(textBlocks(cardOf(update))).toEqual(['thanks 4 kind']);
      // What the web chat page reads says what the message is, not which card it replaced.
      expect(update?.activity['channelData']).toMatchObject({
        relaydesk: { kind: 'survey-reply', replyToId: 'in-9' },
      });
      expect(JSON.stringify(update?.activity['channelData'])).not.toContain('answeredCard');
    });

    it('is answered with a plain message when there is no customer card renderer (no card was sent)', async () => {
      await notified(
        notifier.toCustomer('emulator:user-1', 'Thank you', {
          kind: 'survey-reply',
          answeredCard: answeredCard('in-3'),
        }),
      );
      expect(connector.updates(customerChat)).toEqual([]);
      const [posted] = connector.posted(customerChat);
      expect(textOf(posted)).toBe('Thank you');
      expect(cardOf(posted)).toBeUndefined();
    });
  });

  describe('retries', () => {
    it('retries a 429 after the Retry-After it names, with the same relaydeskId, and delivers exactly once', async () => {
      connector.failNext(2, 429, { 'Retry-After': '3' });
      await notified(notifier.toAgent('agent-1', notice('throttled')));
      expect(delays).toEqual([3000, 3000]);
      expect(connector.refused.map((call) => call.status)).toEqual([429, 429]);
      const posted = connector.posted(agentChat);
      expect(posted).toHaveLength(1);
      const ids = [
        ...connector.refused.map((call) => relaydeskIdOf(call.activity)),
        relaydeskIdOf(posted[0]?.activity),
      ];
      expect(new Set(ids)).toEqual(new Set(['send-1']));
    });

    it('retries 5xx with exponential backoff; the connector client does not retry on its own', async () => {
      connector.failNext(3, 503);
      await notified(notifier.toCustomer('emulator:user-1', 'after a hiccup'));
      // One HTTP call per attempt: the SDK pipeline's own retry policy is out.
      expect(connector.refused).toHaveLength(3);
      expect(delays).toEqual([375, 750, 1500]);
      expect(connector.posted(customerChat).map(textOf)).toEqual(['after a hiccup']);
    });

    it('retries an update too, and posts nothing new', async () => {
      await notified(notifier.toAgent('agent-1', notice('v1'), { target: { kind: 'panel' } }));
      connector.failNext(1, 429, { 'Retry-After': '1' });
      await notified(notifier.toAgent('agent-1', notice('v2'), { target: { kind: 'panel' } }));
      expect(delays).toEqual([1000]);
      expect(connector.posted(agentChat)).toHaveLength(1);
      expect(connector.updates(agentChat)).toHaveLength(1);
    });

    it('after 5 failed attempts keeps the message for a later pass (never lost), with later sends waiting behind it', async () => {
      connector.failNext(5, 500);
      await expect(notified(notifier.toAgent('agent-1', notice('kept')))).resolves.toBeUndefined();
      expect(connector.refused).toHaveLength(5);
      expect(delays).toHaveLength(4);
      expect(connector.calls).toEqual([]);
      const kept = lines.filter((line) => line.msg.startsWith('send still failing; kept in the outbox'));
      expect(kept.map((line) => [line.level, line['status'], line['relaydeskId']])).toEqual([
        [40, 500, 'send-1'],
      ]);
      expect(lines.filter((line) => line.level >= 50)).toEqual([]);

      // The next message to the same agent waits behind it: order is kept.
      await notified(notifier.toAgent('agent-1', notice('next one')));
      expect(connector.calls).toEqual([]);
      expect(await outbox.pending()).toBe(2);

      clock.advance(60_000);
      await outbox.drain();
      expect(connector.posted(agentChat).map((call) => textBlocks(cardOf(call)))).toEqual([
        ['kept'],
        ['next one'],
      ]);
      expect(await outbox.pending()).toBe(0);
    });

    it('does not retry a client error such as 403', async () => {
      connector.failNext(1, 403);
      await notified(notifier.toAgent('agent-1', notice('refused')));
      expect(delays).toEqual([]);
      expect(connector.refused).toHaveLength(1);
      expect(
        lines.some((line) => line.msg === 'send failed for good, skipped' && line['status'] === 403),
      ).toBe(true);
      expect(await outbox.pending()).toBe(0);
    });

    it('retries network errors (nobody listening), then keeps the message for a later pass', async () => {
      const port = await closedPort();
      await references.save(
        { kind: 'agent', id: 'agent-2' },
        referenceTo('a:chat-2', `http://127.0.0.1:${port}/`),
      );
      await notified(notifier.toAgent('agent-2', notice('nobody home')));
      expect(delays).toHaveLength(4);
      expect(lines.filter((line) => line.msg === 'send failed, retrying')).toHaveLength(4);
      expect(lines.some((line) => line.msg.startsWith('send still failing; kept in the outbox'))).toBe(true);
      expect(await outbox.pending()).toBe(1);
    });
  });
});
