import {
  relaydeskNoticeOf,
  type ChatActivity,
  type NoticeSurvey,
  type RelaydeskNoticeKind,
} from '../webchat/directline-contract';

export type EntryState = 'queued' | 'sending' | 'sent' | 'failed';

/** One line of the transcript as the page shows it. */
export interface Entry {
  /** Stable for the entry's life: its activity id, or `local-N` for a message not yet taken. */
  readonly key: string;
  /** The channel's activity id, once known. */
  id: string | undefined;
  readonly author: 'customer' | 'desk' | 'system';
  text: string;
  /** ISO time: the channel's once it took the message, until then when the customer pressed Send. */
  timestamp: string | undefined;
  state: EntryState;
  /** What a desk line is, when the desk said so. */
  kind: RelaydeskNoticeKind | undefined;
  /** The agent who wrote a desk line (agent-message only): it is signed with their name. */
  agentName: string | undefined;
  /** From a conversation the customer left for a new one: shown greyed, never sent again. */
  archived: boolean;
  /** A place in the queue a later notice replaced (a newer place, an agent joining): no longer shown. */
  superseded: boolean;
  /** A desk line asking the post-conversation survey: the survey an answer must name. */
  survey: NoticeSurvey | undefined;
  /** A customer's survey answer: what is posted with its text (the desk reads this, not the words). */
  value: Readonly<Record<string, unknown>> | undefined;
}

/** The desk's lines about the survey: they come after an End and leave it the desk's last word. */
const SURVEY_KINDS: ReadonlySet<RelaydeskNoticeKind | undefined> = new Set(['survey', 'survey-reply']);

/** The desk lines after which an earlier place in the queue no longer holds. */
const ENDS_POSITION: ReadonlySet<RelaydeskNoticeKind | undefined> = new Set(['position', 'joined', 'ended']);

/** Shown for an activity with no text (a card): this page shows plain text only. */
export const NO_TEXT_FALLBACK = '(This message has content this page cannot show.)';

/** How the desk signs the lines that are not an agent's own words. */
export const DESK_NAME = 'Relaydesk';

export interface MergeResult {
  readonly added: readonly Entry[];
  readonly updated: readonly Entry[];
}

/** Who a line is from, as the page signs it. */
export function senderOf(entry: Entry): string {
  if (entry.author === 'customer') return 'You';
  if (entry.author === 'system') return 'Note';
  return entry.agentName ?? DESK_NAME;
}

/**
 * The conversation as the page keeps it: what polls bring (upserted by activity id, so an update replaces the
 * line it changes) and the customer's own messages from the moment they press Send. Messages are sent one at a
 * time; a poll may bring the one under way before its POST has answered, and it is matched to it then. A desk
 * refusal (rate-limited, answering a customer's activity) marks that message failed, to be sent again.
 */
export class Transcript {
  readonly entries: Entry[] = [];
  private nextLocal = 1;

  /** A message the customer just sent (at `now`, ISO), waiting its turn; `value` rides along (a survey answer). */
  addOwn(text: string, now: string, value?: Readonly<Record<string, unknown>>): Entry {
    return this.push({ ...this.local('customer', text), timestamp: now, state: 'queued', value });
  }

  /** A note from the page itself (the chat ended, a new one started). */
  addNote(text: string): Entry {
    return this.push(this.local('system', text));
  }

  /** The channel took the message as `id`; a poll may already have matched it, or the desk refused it. */
  confirm(entry: Entry, id: string): void {
    if (entry.state !== 'sending') return;
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
    return this.entries.filter((entry) => entry.state === 'queued' && !entry.archived);
  }

  /**
   * Whether the desk's last word in this conversation is that it ended (nothing from the customer since). The
   * survey asked after an End, an answer to it and the desk's reply leave it ended.
   */
  endedByDesk(): boolean {
    const spoken = this.entries.filter(
      (entry) => entry.author !== 'system' && !entry.archived && !isAboutSurvey(entry),
    );
    const last = spoken[spoken.length - 1];
    return last?.author === 'desk' && last.kind === 'ended';
  }

  /**
   * The surveys the customer can still answer here: asked in this conversation, and nothing written by the
   * customer since (an answer, or a message, which starts a new conversation and closes the survey).
   */
  openSurveys(): ReadonlySet<Entry> {
    const open = new Set<Entry>();
    for (const entry of this.entries) {
      if (entry.archived) continue;
      if (entry.author === 'customer') open.clear();
      else if (entry.kind === 'survey' && entry.survey !== undefined) open.add(entry);
    }
    return open;
  }

  /** Greys out everything so far (the customer starts a new conversation); what was not sent stays unsent. */
  archive(): void {
    for (const entry of this.entries) {
      entry.archived = true;
      if (entry.state === 'queued') entry.state = 'failed';
    }
  }

  merge(activities: readonly ChatActivity[]): MergeResult {
    const added: Entry[] = [];
    const updated: Entry[] = [];
    for (const activity of activities) {
      if (activity.type !== 'message') continue;
      const text = textOf(activity);
      if (text === undefined) continue;
      const entry = this.byId(activity.id) ?? this.ownMatch(activity, text);
      if (entry) {
        if (refresh(entry, activity, text)) updated.push(entry);
      } else {
        const entry = newEntry(activity, text);
        if (ENDS_POSITION.has(entry.kind)) updated.push(...this.supersedePositions());
        added.push(this.push(entry));
      }
      const refused = this.refusedBy(activity);
      if (refused) {
        this.fail(refused);
        if (!added.includes(refused) && !updated.includes(refused)) updated.push(refused);
      }
    }
    return { added, updated };
  }

  /**
   * The customer's line a poll's activity of theirs is: the one under way with that text, else one failed
   * with it (sent again from another tab, or before a reload), so no message shows twice.
   */
  private ownMatch(activity: ChatActivity, text: string): Entry | undefined {
    if (activity.from.role !== 'user') return undefined;
    const unsent = (state: EntryState) => (entry: Entry) =>
      entry.author === 'customer' &&
      entry.state === state &&
      entry.id === undefined &&
      !entry.archived &&
      entry.text === text;
    return this.entries.find(unsent('sending')) ?? this.entries.find(unsent('failed'));
  }

  /** The customer's message a desk refusal answers, when it is one and that message is here. */
  private refusedBy(activity: ChatActivity): Entry | undefined {
    if (activity.from.role === 'user') return undefined;
    const notice = relaydeskNoticeOf(activity.channelData);
    if (notice?.kind !== 'rate-limited') return undefined;
    const refusedId = notice.replyToId ?? activity.replyToId;
    const refused = refusedId !== undefined ? this.byId(refusedId) : undefined;
    return refused?.author === 'customer' ? refused : undefined;
  }

  private local(author: 'customer' | 'system', text: string): Entry {
    return {
      key: `local-${this.nextLocal++}`,
      id: undefined,
      author,
      text,
      timestamp: undefined,
      state: 'sent',
      kind: undefined,
      agentName: undefined,
      archived: false,
      superseded: false,
      survey: undefined,
      value: undefined,
    };
  }

  /** Hides the places in the queue shown so far; returns those it hid. */
  private supersedePositions(): Entry[] {
    const shown = this.entries.filter((entry) => entry.kind === 'position' && !entry.superseded);
    for (const entry of shown) entry.superseded = true;
    return shown;
  }

  private push(entry: Entry): Entry {
    this.entries.push(entry);
    return entry;
  }

  private byId(id: string): Entry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }
}

/** A line for an activity the page has not seen. */
function newEntry(activity: ChatActivity, text: string): Entry {
  const own = activity.from.role === 'user';
  const notice = own ? undefined : relaydeskNoticeOf(activity.channelData);
  return {
    key: activity.id,
    id: activity.id,
    author: own ? 'customer' : 'desk',
    text,
    timestamp: activity.timestamp,
    state: 'sent',
    kind: notice?.kind,
    agentName: notice?.kind === 'agent-message' ? notice.agentName : undefined,
    archived: false,
    superseded: false,
    survey: notice?.kind === 'survey' ? notice.survey : undefined,
    value: own ? activity.value : undefined,
  };
}

/** A line of the survey's exchange: its question, the customer's answer, the desk's reply to it. */
function isAboutSurvey(entry: Entry): boolean {
  return entry.author === 'customer' ? entry.value !== undefined : SURVEY_KINDS.has(entry.kind);
}

/** Brings a known line up to its activity (the channel's id, time and text, an update's words); true if it changed. */
function refresh(entry: Entry, activity: ChatActivity, text: string): boolean {
  const changed = entry.id !== activity.id || entry.timestamp !== activity.timestamp || entry.text !== text;
  entry.id = activity.id;
  entry.timestamp = activity.timestamp;
  entry.text = text;
  if (entry.state === 'failed') entry.state = 'sent';
  return changed;
}

function textOf(activity: ChatActivity): string | undefined {
  if (typeof activity.text === 'string' && activity.text.trim() !== '') return activity.text;
  return activity.attachments && activity.attachments.length > 0 ? NO_TEXT_FALLBACK : undefined;
}
