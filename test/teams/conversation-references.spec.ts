import type { ConversationReference } from 'botbuilder';
import {
  ConversationReferences,
  storedReference,
  type ReferenceOwner,
  type ReferenceStore,
  type StoredReference,
} from '../../src/teams/conversation-references';
import { FakeClock } from '../support/fake-clock';

describe('what is kept of a conversation reference', () => {
  it('keeps the fields a reply is addressed with', () => {
    const reference = {
      activityId: 'a-1',
      channelId: 'msteams',
      locale: 'en-US',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      user: { id: '29:alex', name: 'Alex', aadObjectId: 'aad-alex', role: 'user' },
      bot: { id: '28:bot', name: 'Relaydesk' },
      conversation: {
        id: 'a:1',
        name: 'chat',
        conversationType: 'personal',
        tenantId: 't-1',
        isGroup: false,
      },
    };
    expect(storedReference(reference)).toEqual(reference);
  });

  it('copies only plain strings and booleans of the named fields, however deep the rest nests', () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 60_000; level += 1) deep = { next: deep };
    const reference = {
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9/',
      user: { id: 'u-1', name: { evil: true }, properties: deep },
      conversation: { id: 'c-1', members: [deep], isGroup: 3 },
      extra: deep,
    };
    const stored = storedReference(reference as never);
    expect(stored).toEqual({
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9/',
      user: { id: 'u-1' },
      conversation: { id: 'c-1' },
    });
    expect(() => JSON.stringify(stored)).not.toThrow();
  });
});

function countingStore() {
  const rows = new Map<string, StoredReference>();
  const store: ReferenceStore & { puts: number; gets: number } = {
    puts: 0,
    gets: 0,
    get: (owner: ReferenceOwner) => {
      store.gets += 1;
      return Promise.resolve(rows.get(`${owner.kind}:${owner.id}`));
    },
    put: (owner: ReferenceOwner, stored: StoredReference) => {
      store.puts += 1;
      rows.set(`${owner.kind}:${owner.id}`, stored);
      return Promise.resolve();
    },
  };
  return store;
}

const inbound = (
  activityId: string,
  serviceUrl = 'https://smba.example/emea/',
): Partial<ConversationReference> =>
  ({
    activityId,
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: 'a:chat-1', tenantId: 'contoso' },
    user: { id: '29:ann' },
    bot: { id: 'relaydesk' },
  }) as Partial<ConversationReference>;

describe('conversation references', () => {
  const ann: ReferenceOwner = { kind: 'customer', id: 'msteams:29:ann' };

  it('writes once for a run of messages from the same address, and again when the address changes', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    for (let n = 0; n < 5; n += 1) await references.save(ann, inbound(`in-${n}`));
    expect(store.puts).toBe(1);
    await references.save(ann, inbound('in-6', 'https://smba.example/amer/'));
    expect(store.puts).toBe(2);
    expect((await references.get(ann))?.serviceUrl).toBe('https://smba.example/amer/');
  });

  it('tells an address from its fields, not their order; a change in a nested field is a change', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    await references.save(ann, inbound('in-1'));
    const reordered = {
      bot: { id: 'relaydesk' },
      user: { id: '29:ann' },
      conversation: { tenantId: 'contoso', id: 'a:chat-1' },
      serviceUrl: 'https://smba.example/emea/',
      channelId: 'msteams',
      activityId: 'in-2',
    } as Partial<ConversationReference>;
    await references.save(ann, reordered);
    expect(store.puts).toBe(1);
    await references.save(ann, {
      ...reordered,
      conversation: { id: 'a:chat-1', tenantId: 'fabrikam' },
    } as Partial<ConversationReference>);
    expect(store.puts).toBe(2);
  });

  it('hands out a copy each time: what a sender changes in one is not in the next', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const references = new ConversationReferences(countingStore(), clock);
    const alex: ReferenceOwner = { kind: 'agent', id: 'aad-alex' };
    for (const owner of [alex, ann]) {
      await references.save(owner, inbound('in-1'));
      const first = await references.get(owner);
      if (!first?.conversation || !first.user) throw new Error('expected a reference');
      first.conversation.id = 'a:chat-1;messageid=42';
      first.user.id = 'changed';
      first.serviceUrl = 'https://elsewhere.example/';
      expect(await references.get(owner)).toEqual({
        ...inbound('in-1'),
        conversation: { id: 'a:chat-1', tenantId: 'contoso' },
      });
    }
  });

  it('writes an unchanged address again after an hour, so its time stays recent', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    await references.save(ann, inbound('in-1'));
    clock.advance(3_599_999);
    await references.save(ann, inbound('in-2'));
    expect(store.puts).toBe(1);
    clock.advance(1);
    await references.save(ann, inbound('in-3'));
    expect(store.puts).toBe(2);
  });

  it('knows who has a reference without reading it again once it has been seen', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    expect(await references.has(ann)).toBe(false);
    await references.save(ann, inbound('in-1'));
    const reads = store.gets;
    expect(await references.has(ann)).toBe(true);
    expect(await references.has(ann)).toBe(true);
    expect(store.gets).toBe(reads);
  });

  it("reuses an agent's reference for 30 s of sends, a new address saved here at once; a customer's is read each time", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    const alex: ReferenceOwner = { kind: 'agent', id: 'aad-alex' };
    await references.save(alex, inbound('in-1'));
    await references.save(ann, inbound('in-1'));
    const reads = store.gets;
    for (let n = 0; n < 3; n += 1)
      expect((await references.get(alex))?.serviceUrl).toBe('https://smba.example/emea/');
    expect(store.gets).toBe(reads);
    for (let n = 0; n < 3; n += 1) await references.get(ann);
    expect(store.gets).toBe(reads + 3);

    await references.save(alex, inbound('in-2', 'https://smba.example/amer/'));
    expect((await references.get(alex))?.serviceUrl).toBe('https://smba.example/amer/');
    // Changed through another instance: seen once the 30 s are over.
    await store.put(alex, {
      reference: inbound('in-3', 'https://smba.example/apac/'),
      updatedAt: clock.now(),
    });
    clock.advance(29_999);
    expect((await references.get(alex))?.serviceUrl).toBe('https://smba.example/amer/');
    clock.advance(1);
    expect((await references.get(alex))?.serviceUrl).toBe('https://smba.example/apac/');
  });

  it('reads a stored reference once for a run of inbound messages; one stored through another instance is written over within 30 s', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const store = countingStore();
    const references = new ConversationReferences(store, clock);
    await references.save(ann, inbound('in-1'));
    const reads = store.gets;
    for (let n = 2; n < 6; n += 1) {
      clock.advance(1_000);
      await references.save(ann, inbound(`in-${n}`));
    }
    expect(store.gets).toBe(reads);
    expect(store.puts).toBe(1);

    // Another instance took a message from Ann's new web chat conversation.
    await store.put(ann, {
      reference: inbound('in-7', 'https://smba.example/amer/'),
      updatedAt: clock.now(),
    });
    // Ann goes on writing from her first conversation, every 10 s: within 30 s of the last read it is written over.
    for (let n = 8; n < 11; n += 1) {
      await references.save(ann, inbound(`in-${n}`));
      expect(store.puts).toBe(2);
      clock.advance(10_000);
    }
    await references.save(ann, inbound('in-11'));
    expect(store.puts).toBe(3);
    expect((await references.get(ann))?.serviceUrl).toBe('https://smba.example/emea/');
  });
});
