import { h } from './dom';
import { attachQuickReplyPicker, type QuickReplySource } from './quick-reply-picker';

export interface ReplyBoxOptions {
  /** The customer, for the box's label. */
  readonly customer: string;
  /** What the box starts with: the unsaved reply, else the saved draft. */
  readonly initial: string;
  /** The saved draft the server sent (to tell the agent's edits from a draft saved elsewhere). */
  readonly saved: string;
  /** Where the draft's saving is reported, beside Send. */
  readonly draftStatus: HTMLElement;
  /** The agent changed the text (typed, or inserted an article): it is a draft to save. */
  readonly changed: (reply: string) => void;
  /** Sends a reply; resolves true when it went out. */
  readonly send: (text: string) => Promise<boolean>;
  /** A reply went out and the box was emptied. */
  readonly sent: () => void;
  /** Typing `/` at the start opens the quick reply picker on these. */
  readonly quickReplies?: QuickReplySource | undefined;
}

/** A conversation's reply box: Enter sends, Shift+Enter starts a new line, every change is a draft. */
export class ReplyBox {
  readonly element: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  private saved: string;

  constructor(private readonly options: ReplyBoxOptions) {
    this.saved = options.saved;
    this.input = h('textarea', {
      id: 'reply-text',
      name: 'text',
      rows: 3,
      placeholder: 'Type a reply. Enter sends, Shift+Enter starts a new line.',
      value: options.initial,
      oninput: () => options.changed(this.input.value),
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
          event.preventDefault();
          void this.send();
        }
      },
    });
    this.element = h(
      'form',
      {
        class: 'reply',
        onsubmit: (event) => {
          event.preventDefault();
          void this.send();
        },
      },
      h('label', { for: 'reply-text' }, `Reply to ${options.customer}`),
      this.input,
      h(
        'div',
        { class: 'reply-actions' },
        options.draftStatus,
        h('button', { class: 'button primary' }, 'Send'),
      ),
    );
    if (options.quickReplies) attachQuickReplyPicker(this, options.quickReplies);
  }

  /**
   * A newer saved draft from the server (typed in the chat, say): taken only while the box still holds the last
   * one and nothing typed here is waiting to be saved, so what the agent is typing is never overwritten.
   */
  offerSaved(saved: string, typingPending: boolean): void {
    if (!typingPending && this.input.value === this.saved) this.input.value = saved;
    this.saved = saved;
  }

  /** Puts `text` where the cursor is (over any selection), then leaves the cursor after it; a draft to save. */
  insert(text: string): void {
    const { selectionStart, selectionEnd } = this.input;
    this.input.setRangeText(text, selectionStart, selectionEnd, 'end');
    this.input.focus();
    this.options.changed(this.input.value);
  }

  private async send(): Promise<void> {
    const text = this.input.value.trim();
    if (text === '') return;
    const sent = await this.options.send(text);
    if (!sent) {
      // Not sent: what is in the box is a draft again (sending had dropped the unsaved one).
      this.options.changed(this.input.value);
      return;
    }
    if (this.input.value.trim() === text) {
      this.input.value = '';
      this.saved = '';
    }
    this.options.sent();
  }
}
