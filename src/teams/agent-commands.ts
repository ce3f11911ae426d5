/** What an agent's typed text asks for; anything that is not a command goes to the focused session. */
export type AgentCommand =
  | { readonly kind: 'sessions' }
  | { readonly kind: 'presence'; readonly status?: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'close' }
  | { readonly kind: 'help' }
  | { readonly kind: 'text'; readonly text: string };

/** Commands are whole messages, case-insensitive: "sessions", "presence busy", "end", "close", "help". */
export function parseAgentCommand(text: string): AgentCommand {
  const trimmed = text.trim();
  const words = trimmed.toLowerCase().split(/\s+/);
  const [first, second, ...rest] = words;
  if (rest.length === 0) {
    if (first === 'presence') return second ? { kind: 'presence', status: second } : { kind: 'presence' };
    if (second === undefined) {
      if (first === 'sessions') return { kind: 'sessions' };
      if (first === 'end') return { kind: 'end' };
      if (first === 'close') return { kind: 'close' };
      if (first === 'help') return { kind: 'help' };
    }
  }
  return { kind: 'text', text: trimmed };
}
