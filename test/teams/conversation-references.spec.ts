import { storedReference } from '../../src/teams/conversation-references';

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
