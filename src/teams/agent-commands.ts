/** What an agent's typed text asks for; anything that is not a command goes to the focused session. */
export type AgentCommand =
  | { readonly kind: 'sessions' }
  | { readonly kind: 'presence'; readonly status?: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'close' }
  | { readonly kind: 'help' }
  | { readonly kind: 'floor' }
  | { readonly kind: 'quickReplies'; readonly query: string }
  | { readonly kind: 'transfer' }
  | { readonly kind: 'consult' }
  | { readonly kind: 'note'; readonly text?: string }
  | { readonly kind: 'text'; readonly text: string };

/** Commands are whole messages, case-insensitive: "sessions", "presence busy", "end", "close", "help", "floor". */
export function parseAgentCommand(text: string): AgentCommand {
  const trimmed = text.trim();
  // `/q`, `/q refund`, `/q #billing`: the rest of the message is the search, as typed.
  const quick = /^\/q(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (quick) return { kind: 'quickReplies', query: (quick[1] ?? '').trim() };
  // `/t`: transfer the focused conversation; `/note <text>` adds a note to it, `/note` alone lists its notes.
  if (/^\/t$/i.test(trimmed)) return { kind: 'transfer' };
  // `/c`: ask a colleague to consult on the focused conversation.
  if (/^\/c$/i.test(trimmed)) return { kind: 'consult' };
  const noted = /^\/note(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (noted) {
    const body = (noted[1] ?? '').trim();
    return body ? { kind: 'note', text: body } : { kind: 'note' };
  }
  const words = trimmed.toLowerCase().split(/\s+/);
  const [first, second, ...rest] = words;
  if (rest.length === 0) {
    if (first === 'presence') return second ? { kind: 'presence', status: second } : { kind: 'presence' };
    if (second === undefined) {
      if (first === 'sessions') return { kind: 'sessions' };
      if (first === 'end') return { kind: 'end' };
      if (first === 'close') return { kind: 'close' };
      if (first === 'help') return { kind: 'help' };
      if (first === 'floor') return { kind: 'floor' };
    }
  }
  return { kind: 'text', text: trimmed };
}
