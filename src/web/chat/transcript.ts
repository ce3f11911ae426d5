import type { ChatActivity } from '../webchat/directline-contract';

export type EntryState = 'queued' | 'sending' | 'sent' | 'failed';

/** One line of the transcript as the page shows it. */
export interface Entry {
  /** Stable for the entry's life: its activity id, or `local-N` for a message not yet taken. */
  readonly key: string;
  /** The channel's activity id, once known. */
  id: string | undefined;
  readonly author: 'customer' | 'desk' | 'system';
  text: string;
  /** ISO time the channel took it. */
  timestamp: string | undefined;
  state: EntryState;
}

/** Shown for an activity with no text (a card): this page shows plain text only. */
export const NO_TEXT_FALLBACK = '(This message has content this page cannot show.)';

export interface MergeResult {
  readonly added: readonly Entry[];
  readonly updated: readonly Entry[];
}

/**
 * The conversation as the page keeps it: what polls bring (upserted by activity id, so an update replaces the
 * line it changes) and the customer's own messages from the moment they press Send. Messages are sent one at a
 * time; a poll may bring the one under way before its POST has answered, and it is matched to it then.
 */
export class Transcript {
  readonly entries: Entry[] = [];
  private nextLocal = 1;

  /** A message the customer just sent, waiting its turn. */
  addOwn(text: string): Entry {
    const entry: Entry = {
      key: `local-${this.nextLocal++}`,
      id: undefined,
      author: 'customer',
      text,
      timestamp: undefined,
      state: 'queued',
    };
    this.entries.push(entry);
    return entry;
  }

  /** A note from the page itself (the chat ended, a new one started). */
  addNote(text: string): Entry {
    const entry: Entry = {
      key: `local-${this.nextLocal++}`,
      id: undefined,
      author: 'system',
      text,
      timestamp: undefined,
      state: 'sent',
    };
    this.entries.push(entry);
    return entry;
  }

  /** The channel took the message as `id`; a poll may already have matched it. */
  confirm(entry: Entry, id: string): void {
    entry.state = 'sent';
    if (entry.id === undefined && !this.byId(id)) entry.id = id;
  }

  /** The message did not go through (or was withdrawn): it stays, marked, to be sent again. */
  fail(entry: Entry): void {
    entry.state = 'failed';
    entry.id = undefined;
  }

  /** The messages still to send, oldest first. */
  queued(): Entry[] {
    return this.entries.filter((entry) => entry.state === 'queued');
  }

  merge(activities: readonly ChatActivity[]): MergeResult {
    const added: Entry[] = [];
    const updated: Entry[] = [];
    for (const activity of activities) {
      if (activity.type !== 'message') continue;
      const text = textOf(activity);
      if (text === undefined) continue;
      const known = this.byId(activity.id);
      if (known) {
        if (known.text !== text) {
          known.text = text;
          updated.push(known);
        }
        continue;
      }
      const own = activity.from.role === 'user';
      const underWay = own
        ? this.entries.find(
            (entry) => entry.state === 'sending' && entry.id === undefined && entry.text === text,
          )
        : undefined;
      if (underWay) {
        underWay.id = activity.id;
        underWay.timestamp = activity.timestamp;
        updated.push(underWay);
        continue;
      }
      const entry: Entry = {
        key: activity.id,
        id: activity.id,
        author: own ? 'customer' : 'desk',
        text,
        timestamp: activity.timestamp,
        state: 'sent',
      };
      this.entries.push(entry);
      added.push(entry);
    }
    return { added, updated };
  }

  private byId(id: string): Entry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }
}

function textOf(activity: ChatActivity): string | undefined {
  if (typeof activity.text === 'string' && activity.text.trim() !== '') return activity.text;
  return activity.attachments && activity.attachments.length > 0 ? NO_TEXT_FALLBACK : undefined;
}
