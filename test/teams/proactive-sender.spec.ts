import type { ConversationReference } from 'botbuilder';
import { silentLogger } from '../../src/app/ports';
import type { CardSlot, CardSlots } from '../../src/teams/card-slots';
import { Delivery } from '../../src/teams/delivery';
import type { OutboxEntry } from '../../src/teams/outbox-store';
import { anonymousSender } from '../support/anonymous-sender';
import { FakeConnector } from '../support/fake-connector';

/** Card slots kept in a map, as the store keeps them per agent and slot. */
function slotsInMemory(): CardSlots & { readonly kept: Map<string, CardSlot> } {
  const kept = new Map<string, CardSlot>();
  return {
    kept,
    get: (agentId, slot) => Promise.resolve(kept.get(`${agentId} ${slot}`)),
    put: (agentId, slot, card) => {
      kept.set(`${agentId} ${slot}`, card);
      return Promise.resolve();
    },
    releaseIf: (agentId, slot, activityId) => {
      const held = kept.get(`${agentId} ${slot}`)?.activityId === activityId;
      if (held) kept.delete(`${agentId} ${slot}`);
      return Promise.resolve(held);
    },
  };
}

function entry(fields: Partial<OutboxEntry> & Pick<OutboxEntry, 'activity'>): OutboxEntry {
  return {
    id: 'entry-1',
    seq: 1,
    owner: { kind: 'agent', id: 'agent-1' },
    relaydeskId: 'send-1',
    enqueuedAt: 0,
    priority: 2,
    ...fields,
  };
}

describe('a proactive send, straight to the connector client', () => {
  let connector: FakeConnector;
  let reference: Partial<ConversationReference>;
  const slots = slotsInMemory();
  const sender = () =>
    anonymousSender({
      cardSlots: slots,
      delivery: new Delivery({ logger: silentLogger, delay: () => Promise.resolve() }),
      logger: silentLogger,
      now: () => 1_000,
    });

  beforeEach(async () => {
    connector = await FakeConnector.start();
    reference = {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      locale: 'de-DE',
      conversation: { id: 'a:chat-1', isGroup: false, conversationType: 'personal', name: '' },
      bot: { id: '28:relaydesk', name: 'Relaydesk' },
      user: { id: '29:alex', name: 'Alex' },
      // The inbound activity the reference was taken from: a proactive message is not a reply to it.
      activityId: 'inbound-7',
    };
  });
  afterEach(() => connector.close());

  it('posts a new message in the conversation, from the bot to the user, as botbuilder addresses one', async () => {
    let calls = 0;
    await sender().send(
      reference,
      entry({ activity: { type: 'message', text: 'hello' } }),
      {},
      {
        onCall: () => (calls += 1),
      },
    );
    expect(calls).toBe(1);
    expect(connector.calls).toHaveLength(1);
    const [call] = connector.calls;
    expect(call).toMatchObject({ kind: 'send', conversationId: 'a:chat-1' });
    expect(call?.replyToId).toBeUndefined();
    expect(call?.activity).toMatchObject({
      type: 'message',
      text: 'hello',
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      locale: 'de-DE',
      conversation: { id: 'a:chat-1' },
      from: { id: '28:relaydesk' },
      recipient: { id: '29:alex' },
    });
  });

  it('points a bot reply at the message it answers', async () => {
    await sender().send(reference, entry({ activity: { text: 'answer' }, replyToId: 'question-3' }), {});
    expect(connector.calls[0]).toMatchObject({ kind: 'reply', replyToId: 'question-3' });
    expect(connector.calls[0]?.activity).toMatchObject({ type: 'message', replyToId: 'question-3' });
  });

  it('updates a slot card in place once it was posted, and posts it anew when the connector lost it', async () => {
    const slotted = (text: string) => entry({ activity: { type: 'message', text }, slot: 'panel' });
    await sender().send(reference, slotted('first'), {});
    const posted = slots.kept.get('agent-1 panel');
    expect(posted).toMatchObject({ conversationId: 'a:chat-1', activityId: connector.calls[0]?.activityId });
    await sender().send(reference, slotted('second'), {});
    expect(connector.calls[1]).toMatchObject({ kind: 'update', activityId: posted?.activityId });
    expect(connector.calls[1]?.activity).toMatchObject({ text: 'second', id: posted?.activityId });

    slots.kept.set('agent-1 panel', { activityId: 'never-issued', conversationId: 'a:chat-1', updatedAt: 0 });
    await sender().send(reference, slotted('third'), {});
    expect(connector.calls.map((call) => call.kind)).toEqual(['send', 'update', 'send']);
    expect(slots.kept.get('agent-1 panel')?.activityId).toBe(connector.calls[2]?.activityId);
  });

  it('refuses a reference without a conversation or service URL, calling nobody', async () => {
    const { conversation: _conversation, ...partial } = reference;
    await expect(sender().send(partial, entry({ activity: { text: 'x' } }), {})).rejects.toThrow(
      /no conversation id or service URL/,
    );
    expect(connector.calls).toHaveLength(0);
  });
});
