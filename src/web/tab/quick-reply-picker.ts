import type { QuickReplyHit } from '../quick-replies-api';
import { h } from './dom';

/** Where the picker finds quick replies for one session, and how the agent manages their own. */
export interface QuickReplySource {
  /** The best matches, their placeholders filled for the session; undefined when they could not be read. */
  readonly search: (query: string) => Promise<readonly QuickReplyHit[] | undefined>;
  /** Opens "My quick replies". */
  readonly manage?: () => void;
}

/** What the picker needs of the reply box it serves. */
export interface PickerHost {
  readonly element: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  /** Puts text over the selection, focus and cursor after it, and saves the draft. */
  insert(text: string): void;
}

/** How many matches the picker lists. */
const SHOWN = 8;

/**
 * The `/` at the start of the reply box as a query: the words between it and the cursor, on the first line.
 * Undefined when the box does not start with `/` or the cursor has left that first line.
 */
export function slashQuery(value: string, cursor: number): string | undefined {
  if (!value.startsWith('/') || cursor < 1) return undefined;
  const typed = value.slice(1, cursor);
  return typed.includes('\n') ? undefined : typed;
}

/**
 * The quick reply picker of a reply box: typing `/` at its start lists the matches (the words after `/` search
 * them, `#tag` narrows). Keyboard first: arrows choose, Enter (or Tab) puts the chosen reply in place of what was
 * typed from `/`, Escape closes until the `/` is gone; a click works too. A placeholder the desk could not fill
 * ({orderNumber}) comes in selected, so the agent types over it.
 */
export class QuickReplyPicker {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLElement;
  private hits: readonly QuickReplyHit[] = [];
  private active = 0;
  private open = false;
  /** Escape closed the picker: it stays closed until the box no longer starts with `/`. */
  private dismissed = false;
  /** Answers to older searches are dropped. */
  private asked = 0;
  /** Ids of the list and its options, unique on the page: there is one reply box at a time. */
  private readonly id: string;

  constructor(
    private readonly host: PickerHost,
    private readonly source: QuickReplySource,
  ) {
    this.id = `${host.input.id || 'reply'}-quick-replies`;
    this.list = h('ul', {
      id: `${this.id}-list`,
      class: 'qr-options',
      role: 'listbox',
      'aria-label': 'Quick replies',
    });
    this.status = h('p', { class: 'qr-status', role: 'status', 'aria-live': 'polite' });
    const manage = source.manage;
    this.element = h(
      'div',
      // The box keeps the focus whatever is pressed here (a scrollbar too): a blur would close the picker.
      { class: 'qr-picker', hidden: true, onmousedown: (event) => event.preventDefault() },
      h(
        'div',
        { class: 'qr-picker-head' },
        h('strong', {}, 'Quick replies'),
        h('span', { class: 'qr-keys' }, '↑↓ choose · Enter inserts · Esc closes'),
      ),
      this.list,
      this.status,
      manage
        ? h(
            'button',
            {
              type: 'button',
              class: 'link-button qr-manage',
              onclick: () => {
                this.close();
                manage();
              },
            },
            'Manage my quick replies',
          )
        : null,
    );
    const { input, element } = host;
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', this.list.id);
    input.setAttribute('aria-expanded', 'false');
    input.placeholder = 'Type a reply, or / for quick replies. Enter sends, Shift+Enter starts a new line.';
    input.addEventListener('input', () => this.follow());
    input.addEventListener('click', () => this.follow());
    input.addEventListener('blur', () => this.close());
    // Capture, on the form: the picker's keys must never reach the box, whose Enter sends.
    element.addEventListener('keydown', (event) => this.key(event), true);
    element.classList.add('has-quick-replies');
    element.prepend(this.element);
  }

  /** Opens, searches or closes as the box's text and cursor say. */
  private follow(): void {
    const { value, selectionStart, selectionEnd } = this.host.input;
    const query = selectionStart === selectionEnd ? slashQuery(value, selectionStart) : undefined;
    if (!value.startsWith('/')) this.dismissed = false;
    if (query === undefined || this.dismissed) {
      this.close();
      return;
    }
    void this.search(query);
  }

  private async search(query: string): Promise<void> {
    const asked = (this.asked += 1);
    this.show();
    const found = await this.source.search(query);
    if (asked !== this.asked || !this.open) return;
    this.hits = (found ?? []).slice(0, SHOWN);
    this.active = 0;
    this.render(query, found === undefined);
  }

  private show(): void {
    this.open = true;
    this.element.hidden = false;
    this.host.input.setAttribute('aria-expanded', 'true');
  }

  private close(): void {
    this.asked += 1;
    this.open = false;
    this.element.hidden = true;
    this.host.input.setAttribute('aria-expanded', 'false');
    this.host.input.removeAttribute('aria-activedescendant');
  }

  private render(query: string, failed: boolean): void {
    this.list.replaceChildren(...this.hits.map((hit, index) => this.option(hit, index)));
    const words = query.trim();
    this.status.textContent = failed
      ? 'Quick replies could not be read just now.'
      : this.hits.length === 0
        ? words
          ? `No quick replies match “${words}”.`
          : 'You have no quick replies yet.'
        : `${this.hits.length} quick ${this.hits.length === 1 ? 'reply' : 'replies'}${words ? ` for “${words}”` : ''}.`;
    this.status.classList.toggle('visually-hidden', this.hits.length > 0);
    this.highlight();
  }

  private option(hit: QuickReplyHit, index: number): HTMLLIElement {
    const tags = hit.tags.map((tag) => `#${tag}`).join(' ');
    return h(
      'li',
      {
        id: `${this.id}-${index}`,
        class: 'qr-option',
        role: 'option',
        'aria-selected': 'false',
        'data-quick-reply-id': hit.id,
        onclick: () => this.choose(index),
        onmousemove: () => {
          if (this.active === index) return;
          this.active = index;
          this.highlight();
        },
      },
      h(
        'div',
        { class: 'qr-option-head' },
        h('span', { class: 'qr-title' }, hit.title),
        h(
          'span',
          { class: 'qr-meta' },
          [hit.scope === 'own' ? 'Yours' : 'Team', tags].filter(Boolean).join(' · '),
        ),
      ),
      h('span', { class: 'qr-text', dir: 'auto' }, hit.text),
      hit.unfilled.length > 0
        ? h('span', { class: 'qr-unfilled' }, `Fill in ${hit.unfilled.join(', ')} yourself`)
        : null,
    );
  }

  private highlight(): void {
    const options = [...this.list.children];
    options.forEach((option, index) => option.setAttribute('aria-selected', String(index === this.active)));
    const current = options[this.active];
    if (current) {
      this.host.input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else {
      this.host.input.removeAttribute('aria-activedescendant');
    }
  }

  private key(event: KeyboardEvent): void {
    if (!this.open || event.target !== this.host.input || event.isComposing) return;
    const count = this.hits.length;
    const take = () => {
      event.preventDefault();
      event.stopPropagation();
    };
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      take();
      if (count === 0) return;
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
      this.highlight();
    } else if ((event.key === 'Enter' && !event.shiftKey) || (event.key === 'Tab' && count > 0)) {
      take();
      if (count > 0) this.choose(this.active);
    } else if (event.key === 'Escape') {
      take();
      this.dismissed = true;
      this.close();
    }
  }

  /** The chosen reply replaces what was typed from `/`; the first placeholder left to fill is selected. */
  private choose(index: number): void {
    const hit = this.hits[index];
    if (!hit) return;
    const { input } = this.host;
    const end = input.selectionStart;
    this.close();
    input.setSelectionRange(0, end);
    this.host.insert(hit.text);
    const [first] = hit.unfilled;
    const at = first === undefined ? -1 : hit.text.indexOf(first);
    if (first !== undefined && at >= 0) input.setSelectionRange(at, at + first.length);
  }
}

/** Gives a reply box its `/` picker. */
export function attachQuickReplyPicker(host: PickerHost, source: QuickReplySource): QuickReplyPicker {
  return new QuickReplyPicker(host, source);
}
