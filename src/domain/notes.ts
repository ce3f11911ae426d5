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

/** A note as written: surrounding blanks go, an empty one is refused. */
export function writeNote(init: Omit<Note, 'text'> & { readonly text: string }): Note {
  const text = init.text.trim();
  if (text === '') throw new NoteEmptyError();
  if (text.length > NOTE_MAX_CHARS) throw new NoteTooLongError(NOTE_MAX_CHARS, text.length);
  return { ...init, text };
}
