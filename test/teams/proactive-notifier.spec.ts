import { createServer } from 'node:net';
import { MemoryStorage, type ConversationReference } from 'botbuilder';
import type { AgentView } from '../../src/app/views';
import { StateStore } from '../../src/store/state-store';
import { createAdapter } from '../../src/teams/adapter';
import { ConversationReferences } from '../../src/teams/conversation-references';
import { Delivery } from '../../src/teams/delivery';
import { ProactiveNotifier, type ProactiveNotifierOptions } from '../../src/teams/proactive-notifier';
import { cardOf, relaydeskIdOf, textBlocks, textOf } from '../support/cards';
import { FakeConnector } from '../support/fake-connector';
import { FakeClock, collectingLogger, type LogLine } from '../support/harness';

const notice = (text: string): AgentView => ({ kind: 'notice', title: 'Note', text, tone: 'default' });

/** A stand-in for the card renderer: the view's text in one TextBlock. */
const renderCard = (view: AgentView) => ({
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
  let store: StateStore;
  let references: ConversationReferences;
  let notifier: ProactiveNotifier;
  let options: ProactiveNotifierOptions;
  let delays: number[];
  let lines: LogLine[];

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
    connector = await FakeConnector.start();
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const logged = collectingLogger();
    lines = logged.lines;
    store = new StateStore({ storage: new MemoryStorage() });
    references = new ConversationReferences(store, clock);
    delays = [];
    let next = 0;
    options = {
      adapter: createAdapter(
        {
          microsoftAppId: '',
          microsoftAppPassword: '',
          microsoftAppTenantId: '',
          microsoftAppType: 'MultiTenant',
        },
        logged.logger,
      ),
      appId: '',
      references,
      store,
      renderCard,
      delivery: new Delivery({
        logger: logged.logger,
        delay: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
      }),
      ids: { next: () => `send-${++next}` },
      logger: logged.logger,
      now: () => clock.now(),
    };
    notifier = new ProactiveNotifier(options);
    await references.save({ kind: 'agent', id: 'agent-1' }, referenceTo(agentChat));
    await references.save({ kind: 'customer', id: 'emulator:user-1' }, referenceTo(customerChat));
  });

  afterEach(async () => {
    await connector.close();
  });

  describe('sending', () => {
    it('sends a view to an agent as an Adaptive Card attachment with a relaydeskId', async () => {
      await notifier.toAgent('agent-1', notice('Hello agent'));
      const [call] = connector.posted(agentChat);
      expect(textBlocks(cardOf(call))).toEqual(['Hello agent']);
      expect(relaydeskIdOf(call?.activity)).toBe('send-1');
    });

    it('sends plain text to a customer', async () => {
      await notifier.toCustomer('emulator:user-1', "You're now chatting with Alex.");
      const [call] = connector.posted(customerChat);
      expect(textOf(call)).toBe("You're now chatting with Alex.");
      expect(relaydeskIdOf(call?.activity)).toBe('send-1');
    });

    it('logs and skips a card that cannot be rendered, without throwing', async () => {
      const broken = new ProactiveNotifier({
        ...options,
        renderCard: () => {
          throw new Error('template missing');
        },
      });
      await expect(broken.toAgent('agent-1', notice('x'), { slot: 'panel' })).resolves.toBeUndefined();
      expect(connector.calls).toEqual([]);
      expect(lines.some((line) => line.msg === 'card could not be rendered, send skipped')).toBe(true);
    });

    it('logs and skips a send to someone without a stored reference, without throwing', async () => {
      await expect(notifier.toAgent('agent-unknown', notice('x'))).resolves.toBeUndefined();
      await expect(notifier.toCustomer('emulator:nobody', 'x')).resolves.toBeUndefined();
      expect(connector.calls).toEqual([]);
      const skipped = lines.filter((line) => line.msg === 'no conversation reference, send skipped');
      expect(skipped.map((line) => line['agentId'] ?? line['customerId'])).toEqual([
        'agent-unknown',
        'emulator:nobody',
      ]);
      expect(skipped.every((line) => line.level === 40)).toBe(true);
    });
  });

  describe('slots', () => {
    it('posts the first card of a slot and updates that same activity afterwards', async () => {
      await notifier.toAgent('agent-1', notice('v1'), { slot: 'panel' });
      await notifier.toAgent('agent-1', notice('v2'), { slot: 'panel' });
      await notifier.toAgent('agent-1', notice('v3'), { slot: 'panel' });
      const [posted] = connector.posted(agentChat);
      expect(connector.posted(agentChat)).toHaveLength(1);
      const updates = connector.updates(agentChat, posted!.activityId);
      expect(updates.map((call) => textBlocks(cardOf(call)))).toEqual([['v2'], ['v3']]);
      expect(await notifier.slotActivityId('agent-1', 'panel')).toBe(posted!.activityId);
    });

    it('keeps slots apart: an offer card is not the panel', async () => {
      await notifier.toAgent('agent-1', notice('panel'), { slot: 'panel' });
      await notifier.toAgent('agent-1', notice('offer'), { slot: 'offer:o-1' });
      expect(connector.posted(agentChat)).toHaveLength(2);
    });

    it('posts a new card when the slot card is gone (the update answers 404)', async () => {
      await notifier.toAgent('agent-1', notice('v1'), { slot: 'panel' });
      const first = connector.posted(agentChat)[0]!.activityId;
      connector.forget(first);
      await notifier.toAgent('agent-1', notice('v2'), { slot: 'panel' });
      const posted = connector.posted(agentChat);
      expect(posted).toHaveLength(2);
      expect(textBlocks(cardOf(posted[1]))).toEqual(['v2']);
      expect(await notifier.slotActivityId('agent-1', 'panel')).toBe(posted[1]!.activityId);
    });

    it('posts a new card when the agent now talks to the bot in another conversation', async () => {
      await notifier.toAgent('agent-1', notice('v1'), { slot: 'panel' });
      await references.save({ kind: 'agent', id: 'agent-1' }, referenceTo('a:new-chat'));
      await notifier.toAgent('agent-1', notice('v2'), { slot: 'panel' });
      expect(connector.posted('a:new-chat')).toHaveLength(1);
      expect(connector.updates(agentChat)).toEqual([]);
    });

    it('serialises two sends to one slot made at once: one card posted, then updated', async () => {
      await Promise.all([
        notifier.toAgent('agent-1', notice('a'), { slot: 'panel' }),
        notifier.toAgent('agent-1', notice('b'), { slot: 'panel' }),
      ]);
      expect(connector.posted(agentChat)).toHaveLength(1);
      expect(connector.updates(agentChat)).toHaveLength(1);
      expect(textBlocks(cardOf(connector.updates(agentChat)[0]))).toEqual(['b']);
    });

    it('lets go of a slot card replaced by something else, so the next send posts a fresh one', async () => {
      await notifier.toAgent('agent-1', notice('v1'), { slot: 'panel' });
      const first = connector.posted(agentChat)[0]!.activityId;
      await notifier.releaseSlot('agent-1', 'panel', 'some-other-card');
      expect(await notifier.slotActivityId('agent-1', 'panel')).toBe(first);
      await notifier.releaseSlot('agent-1', 'panel', first);
      expect(await notifier.slotActivityId('agent-1', 'panel')).toBeUndefined();
      await notifier.toAgent('agent-1', notice('v2'), { slot: 'panel' });
      expect(connector.posted(agentChat)).toHaveLength(2);
    });
  });

  describe('retries', () => {
    it('retries a 429 after the Retry-After it names, with the same relaydeskId, and delivers exactly once', async () => {
      connector.failNext(2, 429, { 'Retry-After': '3' });
      await notifier.toAgent('agent-1', notice('throttled'));
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
      await notifier.toCustomer('emulator:user-1', 'after a hiccup');
      // One HTTP call per attempt: the SDK pipeline's own retry policy is out.
      expect(connector.refused).toHaveLength(3);
      expect(delays).toEqual([375, 750, 1500]);
      expect(connector.posted(customerChat).map(textOf)).toEqual(['after a hiccup']);
    });

    it('retries an update too, and posts nothing new', async () => {
      await notifier.toAgent('agent-1', notice('v1'), { slot: 'panel' });
      connector.failNext(1, 429, { 'Retry-After': '1' });
      await notifier.toAgent('agent-1', notice('v2'), { slot: 'panel' });
      expect(delays).toEqual([1000]);
      expect(connector.posted(agentChat)).toHaveLength(1);
      expect(connector.updates(agentChat)).toHaveLength(1);
    });

    it('gives up after 5 attempts, logs an error and does not throw into the use case', async () => {
      connector.failNext(5, 500);
      await expect(notifier.toAgent('agent-1', notice('lost'))).resolves.toBeUndefined();
      expect(connector.refused).toHaveLength(5);
      expect(delays).toHaveLength(4);
      expect(connector.calls).toEqual([]);
      expect(lines.filter((line) => line.level === 50).map((line) => [line.msg, line['status']])).toEqual([
        ['send failed for good, skipped', 500],
      ]);
      await notifier.toAgent('agent-1', notice('next one'));
      expect(connector.posted(agentChat)).toHaveLength(1);
    });

    it('does not retry a client error such as 403', async () => {
      connector.failNext(1, 403);
      await notifier.toAgent('agent-1', notice('refused'));
      expect(delays).toEqual([]);
      expect(connector.refused).toHaveLength(1);
      expect(
        lines.some((line) => line.msg === 'send failed for good, skipped' && line['status'] === 403),
      ).toBe(true);
    });

    it('retries network errors (nobody listening) and then gives up', async () => {
      const port = await closedPort();
      await references.save(
        { kind: 'agent', id: 'agent-2' },
        referenceTo('a:chat-2', `http://127.0.0.1:${port}/`),
      );
      await notifier.toAgent('agent-2', notice('nobody home'));
      expect(delays).toHaveLength(4);
      expect(lines.filter((line) => line.msg === 'send failed, retrying')).toHaveLength(4);
      expect(lines.some((line) => line.msg === 'send failed for good, skipped')).toBe(true);
    });
  });
});
