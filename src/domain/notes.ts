import { NoteEmptyError, NoteTooLongError } from './errors';

/** An internal note on a conversation: for agents only, never sent to the customer, kept after it ends. */
export interface Note {
  readonly id: string;
  readonly workItemId: string;
  readonly authorId: string;
  /** The author's display name when they wrote it. */
  readonly authorName: string;
  readonly at: number;
  readonly text: string;
}

/** The longest note kept; a longer one is refused, so nothing is silently cut from what the agent wrote. */
export const NOTE_MAX_CHARS = 2000;

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Text an agent wrote for colleagues (a note, a transfer's handover note) as it is kept: line breaks made LF,
 * control characters but tab and newline dropped (no card could show them, and the store cannot hold NUL),
 * surrounding blanks trimmed. Everything else is kept as written; cards escape it when they show it.
 */
export function cleanAgentText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '').trim();
}

/** A note as written (cleanAgentText), an empty one refused, a longer one than NOTE_MAX_CHARS too. */
export function writeNote(init: Omit<Note, 'text'> & { readonly text: string }): Note {
  const text = cleanAgentText(init.text);
  if (text === '') throw new NoteEmptyError();
  if (text.length > NOTE_MAX_CHARS) throw new NoteTooLongError(NOTE_MAX_CHARS, text.length);
  return { ...init, text };
}
