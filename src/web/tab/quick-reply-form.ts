import type { OwnQuickReply, QuickReplyBody, QuickReplyLimits } from '../quick-replies-api';
import { h } from './dom';

export interface QuickReplyFormOptions {
  readonly limits: QuickReplyLimits;
  /** The placeholders the desk fills, as written: `{customerName}`, … */
  readonly placeholders: readonly string[];
  /** Saves the fields; resolves to why not, or undefined once saved. */
  readonly save: (body: QuickReplyBody) => Promise<string | undefined>;
  readonly cancel: () => void;
}

/** Tags as typed: separated by commas or spaces, `#` optional. */
export function tagsOf(typed: string): string[] {
  return typed
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#+/, ''))
    .filter(Boolean);
}

/**
 * The form of one quick reply (a new one, or one being edited): title, text with the placeholders at hand, tags.
 * The server checks every field; the form keeps to the same lengths and says what the server refused.
 */
export class QuickReplyForm {
  readonly element: HTMLFormElement;
  readonly title: HTMLInputElement;
  private readonly text: HTMLTextAreaElement;
  private readonly tags: HTMLInputElement;
  private readonly problem: HTMLElement;
  private readonly saveButton: HTMLButtonElement;

  constructor(
    editing: OwnQuickReply | undefined,
    private readonly options: QuickReplyFormOptions,
  ) {
    const { limits } = options;
    this.title = h('input', {
      id: 'qr-title',
      name: 'title',
      required: true,
      maxlength: limits.titleChars,
      value: editing?.title ?? '',
      autocomplete: 'off',
    });
    this.text = h('textarea', {
      id: 'qr-text',
      name: 'text',
      required: true,
      rows: 5,
      maxlength: limits.textChars,
      value: editing?.text ?? '',
    });
    this.tags = h('input', {
      id: 'qr-tags',
      name: 'tags',
      value: (editing?.tags ?? []).join(', '),
      placeholder: 'billing, refund',
      autocomplete: 'off',
    });
    this.problem = h('p', { class: 'qr-problem', role: 'alert' });
    this.saveButton = h('button', { class: 'button primary' }, 'Save');
    this.element = h(
      'form',
      {
        class: 'qr-form',
        'aria-label': editing ? `Edit ${editing.title}` : 'New quick reply',
        onsubmit: (event) => {
          event.preventDefault();
          void this.submit();
        },
      },
      h('div', { class: 'field' }, h('label', { for: 'qr-title' }, 'Title'), this.title),
      h('div', { class: 'field' }, h('label', { for: 'qr-text' }, 'Text'), this.text, this.placeholderHelp()),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'qr-tags' }, `Tags (up to ${limits.tags}, found with /q #tag)`),
        this.tags,
      ),
      this.problem,
      h(
        'div',
        { class: 'dialog-actions' },
        this.saveButton,
        h('button', { type: 'button', class: 'button', onclick: () => options.cancel() }, 'Cancel'),
      ),
    );
  }

  /** The placeholders as buttons that put them at the text's cursor, and what happens to any other. */
  private placeholderHelp(): HTMLElement {
    return h(
      'p',
      { class: 'qr-placeholders', id: 'qr-placeholders' },
      'Filled in when sent: ',
      ...this.options.placeholders.map((written) =>
        h(
          'button',
          {
            type: 'button',
            class: 'qr-chip',
            'aria-label': `Insert ${written}`,
            onclick: () => {
              this.text.setRangeText(written, this.text.selectionStart, this.text.selectionEnd, 'end');
              this.text.focus();
            },
          },
          written,
        ),
      ),
      ' Anything else in {braces} is left for you to fill in, so such a reply can be inserted but not sent as it is.',
    );
  }

  private async submit(): Promise<void> {
    this.problem.textContent = '';
    this.saveButton.disabled = true;
    try {
      const refused = await this.options.save({
        title: this.title.value,
        text: this.text.value,
        tags: tagsOf(this.tags.value),
      });
      if (refused !== undefined) this.problem.textContent = refused;
    } finally {
      this.saveButton.disabled = false;
    }
  }
}
