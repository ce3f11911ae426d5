import { AgentDirectory } from '../../src/domain/agent-directory';
import type { Activity } from 'botbuilder';
import { classifySender, customerIdOf } from '../../src/teams/sender';

const agents = new AgentDirectory([
  { id: 'aad-alex', aliases: [] },
  { id: 'user-id-0', aliases: [] },
]);

function from(channelId: string, account: Record<string, string>): Partial<Activity> {
  return { channelId, from: account as unknown as Activity['from'] };
}

describe('telling agents from customers', () => {
  describe('with MicrosoftAppId set', () => {
    const directory = { keyOf: (id: string | undefined) => agents.keyOf(id), anonymous: false };

    it('an AGENT_IDS entry equal to from.aadObjectId is that agent on Teams', () => {
      expect(
        classifySender(from('msteams', { id: 'x', aadObjectId: 'aad-alex', name: 'Alex' }), directory),
      ).toEqual({
        kind: 'agent',
        agentId: 'aad-alex',
        name: 'Alex',
      });
    });

    it('a sender on any other channel who sets from.aadObjectId to an agent id stays a customer', () => {
      for (const channel of ['webchat', 'directline', 'sms', 'emulator', 'facebook']) {
        expect(
          classifySender(from(channel, { id: 'x', aadObjectId: 'aad-alex', name: 'Alex' }), directory),
        ).toEqual({
          kind: 'customer',
          customerId: customerIdOf(channel, 'x'),
          channelId: channel,
        });
      }
    });

    it('an entry equal to from.id makes an agent only on Teams', () => {
      expect(classifySender(from('msteams', { id: 'user-id-0' }), directory)).toEqual({
        kind: 'agent',
        agentId: 'user-id-0',
      });
    });

    it('a web chat user who sets their from.id to an agent id stays a customer', () => {
      expect(classifySender(from('webchat', { id: 'user-id-0' }), directory)).toEqual({
        kind: 'customer',
        customerId: 'webchat:user-id-0',
        channelId: 'webchat',
      });
    });
  });

  describe('in anonymous mode (Emulator, Agents Playground)', () => {
    const directory = { keyOf: (id: string | undefined) => agents.keyOf(id), anonymous: true };

    it('an entry equal to from.id makes an agent on any channel', () => {
      expect(classifySender(from('emulator', { id: 'user-id-0', name: ' ' }), directory)).toEqual({
        kind: 'agent',
        agentId: 'user-id-0',
      });
    });

    it('from.aadObjectId makes an agent only on Teams there too', () => {
      expect(classifySender(from('msteams', { id: 'x', aadObjectId: 'aad-alex' }), directory)).toEqual({
        kind: 'agent',
        agentId: 'aad-alex',
      });
      expect(classifySender(from('webchat', { id: 'x', aadObjectId: 'aad-alex' }), directory)).toEqual({
        kind: 'customer',
        customerId: 'webchat:x',
        channelId: 'webchat',
      });
    });

    it('everyone else is a customer keyed by channel and user id', () => {
      expect(classifySender(from('emulator', { id: 'someone' }), directory)).toEqual({
        kind: 'customer',
        customerId: customerIdOf('emulator', 'someone'),
        channelId: 'emulator',
      });
      expect(customerIdOf('emulator', 'someone')).toBe('emulator:someone');
    });
  });

  it('an activity without a sender or a channel is nobody', () => {
    const directory = { keyOf: (id: string | undefined) => agents.keyOf(id), anonymous: true };
    expect(classifySender({ channelId: 'emulator' }, directory)).toBeUndefined();
    expect(classifySender(from('emulator', { id: '' }), directory)).toBeUndefined();
    expect(classifySender({ from: { id: 'x', name: 'x' } }, directory)).toBeUndefined();
  });
});

describe('one agent, several ids', () => {
  const agents = new AgentDirectory([{ id: 'aad-alex', aliases: ['29:alex', 'user-id-0'] }]);
  const directory = { keyOf: (id: string | undefined) => agents.keyOf(id), anonymous: false };

  it('is the same agent, keyed by their first id, whichever id a Teams activity carries', () => {
    for (const account of [{ id: '29:alex' }, { id: 'x', aadObjectId: 'aad-alex' }, { id: 'user-id-0' }]) {
      expect(classifySender(from('msteams', account), directory)).toEqual({
        kind: 'agent',
        agentId: 'aad-alex',
      });
    }
  });
});
