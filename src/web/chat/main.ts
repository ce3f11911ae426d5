import { byId } from '../tab/dom';
import type { PostedActivity } from '../webchat/directline-contract';
import { DirectLineCallError, DirectLineClient } from './directline-client';
import {
  DEFAULT_MAX_TEXT_CHARS,
  SAVED_CHAT_KEY,
  SAVED_NAME_KEY,
  needsRefresh,
  parseSavedChat,
  savedChatFrom,
  type SavedChat,
} from './saved-chat';
import { counterState, nextPollDelayMs } from './schedule';
import { Transcript, type Entry } from './transcript';
import { TranscriptView } from './transcript-view';

type Status = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended';

const STATUS_TEXT: Readonly<Record<Status, string>> = {
  idle: '',
  connecting: 'Connecting…',
  live: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Chat ended',
};

const ENDED_NOTE = 'This chat has ended. Send a message to start a new one.';

/** The folder the page is served from: the channel's paths are resolved against it, so a path prefix works. */
const ROOT = new URL('.', window.location.href);

/**
 * The customer web chat page: starts a conversation on the local Direct Line channel with the first message,
 * polls for the desk's answers every second (backing off while the server is unreachable), and keeps the
 * conversation's token in sessionStorage so a reload goes on with the same conversation while it lives.
 */
class ChatPage {
  private readonly client = new DirectLineClient(ROOT);
  private readonly transcript = new Transcript();
  private readonly view: TranscriptView;
  private readonly status = byId<HTMLElement>('chat-status');
  private readonly announcer = byId<HTMLElement>('announcer');
  private readonly form = byId<HTMLFormElement>('composer');
  private readonly message = byId<HTMLTextAreaElement>('message');
  private readonly name = byId<HTMLInputElement>('display-name');
  private readonly send = byId<HTMLButtonElement>('send');
  private readonly counter = byId<HTMLElement>('counter');
  private chat: SavedChat | undefined;
  private maxTextChars = DEFAULT_MAX_TEXT_CHARS;
  private watermark = '0';
  private failures = 0;
  private pollTimer: number | undefined;
  private polling = false;
  private sending = false;
  /** The first poll of a conversation brings its history: shown, not announced. */
  private caughtUp = false;

  constructor() {
    this.view = new TranscriptView(byId('transcript'), byId('conversation'), (entry) => this.retry(entry));
  }

  start(): void {
    this.chat = parseSavedChat(sessionStorage.getItem(SAVED_CHAT_KEY), Date.now());
    if (!this.chat) sessionStorage.removeItem(SAVED_CHAT_KEY);
    this.maxTextChars = this.chat?.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
    this.name.value = sessionStorage.getItem(SAVED_NAME_KEY) ?? '';
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
    this.name.addEventListener('change', () =>
      sessionStorage.setItem(SAVED_NAME_KEY, this.name.value.trim()),
    );
    this.updateCounter();
    byId('chat').removeAttribute('aria-busy');
    if (this.chat) {
      this.setStatus('connecting');
      this.schedulePoll(0);
    }
    this.message.focus();
  }

  private submit(): void {
    const text = this.message.value.trim();
    if (text === '' || text.length > this.maxTextChars) return;
    this.transcript.addOwn(text);
    this.message.value = '';
    this.updateCounter();
    this.render();
    void this.pump();
  }

  private retry(entry: Entry): void {
    if (entry.state !== 'failed') return;
    entry.state = 'queued';
    this.render();
    void this.pump();
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
    };
    for (let attempt = 0; ; attempt += 1) {
      const chat = await this.conversation();
      try {
        return await this.client.send(chat.conversationId, chat.token, activity);
      } catch (error) {
        if (error instanceof DirectLineCallError && error.conversationLost && attempt === 0) {
          this.conversationEnded();
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
    this.setStatus('connecting');
    const started = await this.client.start().catch((error: unknown) => {
      // Refused (429, 503) or unreachable: there is no chat yet, so the status does not stay "Connecting…".
      this.setStatus('idle');
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

  private async refreshIfDue(): Promise<void> {
    const chat = this.chat;
    if (!chat || !needsRefresh(chat, Date.now())) return;
    try {
      const refreshed = await this.client.refresh(chat.token);
      if (this.chat === chat) this.remember(savedChatFrom(refreshed, Date.now()));
    } catch (error) {
      // The old token is still good until it expires; only a conversation that is gone ends here.
      if (error instanceof DirectLineCallError && error.conversationLost) this.conversationEnded();
    }
  }

  private remember(chat: SavedChat): void {
    this.chat = chat;
    this.maxTextChars = chat.maxTextChars;
    sessionStorage.setItem(SAVED_CHAT_KEY, JSON.stringify(chat));
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
      this.render();
      if (this.caughtUp) this.announce(added.filter((entry) => entry.author === 'desk'));
      this.caughtUp = true;
      this.setStatus('live');
    } catch (error) {
      if (error instanceof DirectLineCallError && error.conversationLost) {
        if (this.chat === chat) this.conversationEnded();
        return;
      }
      this.failures += 1;
      this.setStatus('reconnecting');
    } finally {
      this.polling = false;
      // A conversation started meanwhile had its first poll refused while this one ran: it starts now.
      if (this.chat) this.schedulePoll(this.chat === chat ? nextPollDelayMs(this.failures) : 0);
    }
  }

  private conversationEnded(): void {
    if (!this.chat) return;
    this.chat = undefined;
    this.caughtUp = false;
    window.clearTimeout(this.pollTimer);
    sessionStorage.removeItem(SAVED_CHAT_KEY);
    this.transcript.addNote(ENDED_NOTE);
    this.render();
    this.setStatus('ended');
  }

  private announce(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    // Cleared first, so the same words said twice are announced twice.
    this.announcer.textContent = '';
    this.announcer.textContent = entries.map((entry) => `Relaydesk: ${entry.text}`).join('\n');
  }

  private render(): void {
    this.view.render(this.transcript.entries);
  }

  private setStatus(status: Status): void {
    this.status.dataset['status'] = status;
    this.status.textContent = STATUS_TEXT[status];
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
