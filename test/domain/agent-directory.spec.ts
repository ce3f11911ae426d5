import { AgentDirectory, UNNAMED_AGENT, displayName } from '../../src/domain/agent-directory';

describe('the agent directory', () => {
  const directory = new AgentDirectory([
    { id: 'aad-alex', aliases: ['29:alex', 'user-id-0'], name: 'Alex Agent' },
    { id: 'aad-bea', aliases: [] },
  ]);

  it('knows an agent by any of their ids, keyed by the first', () => {
    expect(directory.keyOf('aad-alex')).toBe('aad-alex');
    expect(directory.keyOf('29:alex')).toBe('aad-alex');
    expect(directory.keyOf('user-id-0')).toBe('aad-alex');
    expect(directory.keyOf('aad-bea')).toBe('aad-bea');
    expect(directory.keyOf('stranger')).toBeUndefined();
    expect(directory.keyOf(undefined)).toBeUndefined();
  });

  it('lists the keys for routing and every id for the ids no customer may take', () => {
    expect(directory.keys).toEqual(['aad-alex', 'aad-bea']);
    expect([...directory.allIds].sort()).toEqual(['29:alex', 'aad-alex', 'aad-bea', 'user-id-0']);
    expect(directory.configuredName('aad-alex')).toBe('Alex Agent');
    expect(directory.configuredName('aad-bea')).toBeUndefined();
  });
});

describe('the name customers read for an agent', () => {
  const alex = { id: 'aad-alex', aliases: ['user-id-0'], name: 'Alex Agent' };

  it('is the name Teams or a sign-in gave', () => {
    expect(displayName('Alexandra Agent', alex)).toBe('Alexandra Agent');
  });

  it('is never one of their ids: the configured name, else a neutral one', () => {
    expect(displayName('user-id-0', alex)).toBe('Alex Agent');
    expect(displayName('aad-alex', alex)).toBe('Alex Agent');
    expect(displayName(undefined, alex)).toBe('Alex Agent');
    expect(displayName('  ', { id: 'aad-bea' })).toBe(UNNAMED_AGENT);
    expect(displayName('aad-bea', { id: 'aad-bea' })).toBe(UNNAMED_AGENT);
  });
});
