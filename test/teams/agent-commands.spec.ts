import { parseAgentCommand } from '../../src/teams/agent-commands';

describe('agent text commands', () => {
  it.each([
    ['sessions', { kind: 'sessions' }],
    ['  Sessions ', { kind: 'sessions' }],
    ['presence busy', { kind: 'presence', status: 'busy' }],
    ['PRESENCE   DND', { kind: 'presence', status: 'dnd' }],
    ['presence', { kind: 'presence' }],
    ['end', { kind: 'end' }],
    ['Close', { kind: 'close' }],
    ['help', { kind: 'help' }],
  ])('"%s" is a command', (text, command) => {
    expect(parseAgentCommand(text)).toEqual(command);
  });

  it.each(['end of the day for me', 'presence busy now', 'sessions please', 'helpful tip: restart it', 'hi'])(
    '"%s" is text for the focused session',
    (text) => {
      expect(parseAgentCommand(text)).toEqual({ kind: 'text', text });
    },
  );
});
