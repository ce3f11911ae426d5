import { byId } from '../tab/dom';
import type { PostedActivity } from '../webchat/directline-contract';
import { DirectLineCallError, DirectLineClient } from './directline-client';
import {
  DEFAULT_MAX_TEXT_CHARS,
  SAVED_CHAT_KEY,
  SavedChatStore,
  needsRefresh,
  parseSavedChat,
  savedChatFrom,
  type SavedChat,
} from './saved-chat';
import { counterState, nextPollDelayMs } from './schedule';
import { STATUS_TEXT, statusOf, type Connection } from './status';
import { Transcript, senderOf, type Entry } from './transcript';
import { saveTranscript } from './transcript-download';
import { keptEntries } from './transcript-file';
import { TranscriptView } from './transcript-view';

const ENDED_NOTE = 'This chat has ended. Send a message to start a new one.';
const NEW_CONVERSATION_NOTE = 'New conversation: the one above has ended.';

/** The folder the page is served from: the channel's paths are resolved against it, so a path prefix works. */
const ROOT = new URL('.', window.location.href);

/**
 * The customer web chat page: starts a conversation on the local Direct Line channel with the first message,
 * polls for the desk's answers every second (backing off while the server is unreachable), and keeps the
 * conversation's token in localStorage, so a reload or another tab goes on with the same conversation while it
 * lives; the tabs follow each other's refreshed tokens and new conversations through storage events.
 */
/** What End chat sends: the command the desk takes from any channel (src/teams/customer-turns.ts). */
const END_COMMAND_TEXT = 'end';

class ChatPage {
  private readonly client = new DirectLineClient(ROOT);
  private readonly store = new SavedChatStore(localStorage);
  private readonly transcript = new Transcript();
  private readonly view: TranscriptView;
  private readonly status = byId<HTMLElement>('chat-status');
  private readonly endedActions = byId<HTMLElement>('ended-actions');
  private readonly announcer = byId<HTMLElement>('announcer');
  private readonly form = byId<HTMLFormElement>('composer');
  private readonly message = byId<HTMLTextAreaElement>('message');
  private readonly name = byId<HTMLInputElement>('display-name');
  private readonly send = byId<HTMLButtonElement>('send');
  private readonly counter = byId<HTMLElement>('counter');
  private readonly endChat = byId<HTMLButtonElement>('end-chat');
  private readonly download = byId<HTMLButtonElement>('download-transcript');
  private chat: SavedChat | undefined;
  private connection: Connection = 'idle';
  private maxTextChars = DEFAULT_MAX_TEXT_CHARS;
  private watermark = '0';
  private failures = 0;
  private pollTimer: number | undefined;
  private polling = false;
  private sending = false;
  /** The first poll of a conversation brings its history: shown, not announced. */
  private caughtUp = false;

  constructor() {
    this.view = new TranscriptView(byId('transcript'), byId('conversation'), {
      retry: (entry) => this.retry(entry),
      send: (text, value) => this.sendOwn(text, value),
    });
  }

  start(): void {
    this.chat = this.store.read(Date.now());
    this.maxTextChars = this.chat?.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
    this.name.value = this.store.readName();
    this.listen();
    this.updateCounter();
    byId('chat').removeAttribute('aria-busy');
    if (this.chat) {
      this.setConnection('connecting');
      this.schedulePoll(0);
    }
    this.message.focus();
  }

  private listen(): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.message.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.message.addEventListener('input', () => this.updateCounter());
    this.name.addEventListener('change', () => this.store.writeName(this.name.value.trim()));
    byId('new-conversation').addEventListener('click', () => this.startNew());
    this.endChat.addEventListener('click', () => this.end());
    this.download.addEventListener('click', () =>
      saveTranscript(this.transcript.entries, this.chat?.conversationId),
    );
    window.addEventListener('storage', (event) => {
      if (event.key === SAVED_CHAT_KEY) this.follow(parseSavedChat(event.newValue, Date.now()));
    });
  }

  private submit(): void {
    const text = this.message.value.trim();
    if (text === '' || text.length > this.maxTextChars) return;
    this.message.value = '';
    this.updateCounter();
    this.sendOwn(text);
  }

  /** Queues the customer's line (with the value it carries, a survey answer) and sends what is queued, in order. */
  private sendOwn(text: string, value?: Readonly<Record<string, unknown>>): void {
    this.transcript.addOwn(text, new Date().toISOString(), value);
    this.render();
    void this.pump();
  }

  /** End chat: asks first, then sends `end`, which the desk takes as the customer ending the conversation. */
  private end(): void {
    if (!window.confirm('End this chat? The agent will be told, and your next message starts a new one.'))
      return;
    this.sendOwn(END_COMMAND_TEXT);
  }

  private retry(entry: Entry): void {
    if (entry.state !== 'failed' || entry.archived) return;
    entry.state = 'queued';
    this.render();
    void this.pump();
  }

  /** Leaves the conversation the desk ended: it stays above, greyed; the next message starts a new one. */
  private startNew(): void {
    const chat = this.chat;
    this.chat = undefined;
    window.clearTimeout(this.pollTimer);
    if (chat) this.store.forget(chat.conversationId);
    this.transcript.archive();
    this.transcript.addNote(NEW_CONVERSATION_NOTE);
    this.setConnection('idle');
    this.render();
    this.message.focus();
  }

  /**
   * Another tab saved a chat: a refreshed token of this conversation is taken over; another conversation (one it
   * started) is followed, this one greyed above it. A chat another tab forgot is left to this tab to find out.
   */
  private follow(saved: SavedChat | undefined): void {
    if (!saved) return;
    if (this.chat?.conversationId === saved.conversationId) {
      this.chat = saved;
      return;
    }
    if (this.transcript.entries.length > 0) {
      this.transcript.archive();
      this.transcript.addNote(NEW_CONVERSATION_NOTE);
    }
    this.chat = saved;
    this.maxTextChars = saved.maxTextChars;
    this.watermark = '0';
    this.failures = 0;
    this.caughtUp = false;
    this.setConnection('connecting');
    this.updateCounter();
    this.schedulePoll(0);
  }

  /** Sends the queued messages one at a time, in order. */
  private async pump(): Promise<void> {
    if (this.sending) return;
    const entry = this.transcript.queued()[0];
    if (!entry) return;
    this.sending = true;
    entry.state = 'sending';
    this.render();
    try {
      const id = await this.deliver(entry);
      this.transcript.confirm(entry, id);
      // The desk's answer is usually there already (or just after): no need to wait for the next tick.
      if (!this.polling && this.chat) this.schedulePoll(0);
    } catch {
      this.transcript.fail(entry);
    } finally {
      this.sending = false;
      this.render();
    }
    void this.pump();
  }

  /** Posts one message; when the conversation turns out to be over, starts a new one and posts it there. */
  private async deliver(entry: Entry): Promise<string> {
    const activity: PostedActivity = {
      type: 'message',
      text: entry.text,
      ...(this.name.value.trim() ? { from: { name: this.name.value.trim() } } : {}),
      ...(entry.value !== undefined ? { value: entry.value } : {}),
    };
    for (let attempt = 0; ; attempt += 1) {
      const chat = await this.conversation();
      try {
        return await this.client.send(chat.conversationId, chat.token, activity);
      } catch (error) {
        if (error instanceof DirectLineCallError && error.conversationLost && attempt === 0) {
          this.conversationLost(chat);
          continue;
        }
        throw error;
      }
    }
  }

  /** The live conversation, refreshed when its token is past half its life, or a new one. */
  private async conversation(): Promise<SavedChat> {
    if (this.chat) {
      await this.refreshIfDue();
      if (this.chat) return this.chat;
    }
    this.setConnection('connecting');
    const started = await this.client.start().catch((error: unknown) => {
      // Refused (429, 503) or unreachable: there is no chat yet, so the status does not stay "Connecting…".
      this.setConnection('idle');
      throw error;
    });
    const chat = savedChatFrom(started, Date.now());
    this.remember(chat);
    this.watermark = '0';
    this.failures = 0;
    this.caughtUp = true;
    this.schedulePoll(0);
    return chat;
  }

  /** Refreshes the token past half its life, unless another tab already did (its token is in the store). */
  private async refreshIfDue(): Promise<void> {
    const chat = this.chat;
    if (!chat || !needsRefresh(chat, Date.now())) return;
    const stored = this.store.read(Date.now());
    if (stored?.conversationId === chat.conversationId && !needsRefresh(stored, Date.now())) {
      this.chat = stored;
      return;
    }
    try {
      const refreshed = await this.client.refresh(chat.token);
      if (this.chat === chat) this.remember(savedChatFrom(refreshed, Date.now()));
    } catch (error) {
      // The old token is still good until it expires; only a conversation that is gone ends here.
      if (error instanceof DirectLineCallError && error.conversationLost) this.conversationLost(chat);
    }
  }

  private remember(chat: SavedChat): void {
    this.chat = chat;
    this.maxTextChars = chat.maxTextChars;
    this.store.write(chat);
    this.updateCounter();
  }

  private schedulePoll(delayMs: number): void {
    window.clearTimeout(this.pollTimer);
    this.pollTimer = window.setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    const chat = this.chat;
    if (!chat) return;
    this.polling = true;
    try {
      await this.refreshIfDue();
      if (this.chat !== chat) return;
      const set = await this.client.activities(chat.conversationId, chat.token, this.watermark);
      if (this.chat !== chat) return;
      this.failures = 0;
      this.watermark = set.watermark;
      const { added } = this.transcript.merge(set.activities);
      if (this.caughtUp) this.announce(added.filter((entry) => entry.author === 'desk'));
      this.caughtUp = true;
      this.setConnection('live');
      this.render();
    } catch (error) {
      if (error instanceof DirectLineCallError && error.conversationLost) {
        if (this.chat === chat) this.conversationLost(chat);
        return;
      }
      this.failures += 1;
      this.setConnection('reconnecting');
    } finally {
      this.polling = false;
      // A conversation started (or followed) meanwhile had its first poll refused while this one ran: it starts now.
      if (this.chat) this.schedulePoll(this.chat === chat ? nextPollDelayMs(this.failures) : 0);
    }
  }

  /**
   * The channel refused this conversation's token or no longer has it. When another tab holds a newer token
   * for it, that one is tried first; otherwise the chat has ended, and the next message starts a new one.
   */
  private conversationLost(chat: SavedChat): void {
    if (this.chat !== chat) return;
    const stored = this.store.read(Date.now());
    if (stored?.conversationId === chat.conversationId && stored.token !== chat.token) {
      this.chat = stored;
      this.schedulePoll(0);
      return;
    }
    this.chat = undefined;
    this.caughtUp = false;
    window.clearTimeout(this.pollTimer);
    this.store.forget(chat.conversationId);
    this.transcript.addNote(ENDED_NOTE);
    this.setConnection('lost');
    this.render();
  }

  private announce(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    // Cleared first, so the same words said twice are announced twice.
    this.announcer.textContent = '';
    this.announcer.textContent = entries.map((entry) => `${senderOf(entry)}: ${entry.text}`).join('\n');
  }

  private render(): void {
    this.view.render(this.transcript.entries, this.transcript.openSurveys());
    this.download.hidden = keptEntries(this.transcript.entries).length === 0;
    this.showStatus();
  }

  private setConnection(connection: Connection): void {
    this.connection = connection;
    this.showStatus();
  }

  /** The status line, and the "Start a new conversation" button whenever it says the conversation ended. */
  private showStatus(): void {
    const status = statusOf(this.connection, this.transcript.endedByDesk());
    if (this.status.dataset['status'] !== status) {
      this.status.dataset['status'] = status;
      this.status.textContent = STATUS_TEXT[status];
    }
    this.endedActions.hidden = status !== 'ended';
    this.endChat.hidden = status !== 'live';
  }

  private updateCounter(): void {
    const state = counterState(this.message.value.length, this.maxTextChars);
    this.counter.hidden = !state.visible;
    this.counter.textContent = state.text;
    this.counter.dataset['over'] = String(state.over);
    this.send.disabled = state.over;
    this.message.setAttribute('aria-invalid', String(state.over));
  }
}

new ChatPage().start();
