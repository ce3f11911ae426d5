import type { NoticeView } from '../../app/views';
import type { TabClock } from './clock';
import { h } from './dom';

/** How long a notice stays by tone; a keyed notice (the connection one) stays until cleared. */
const STAY_MS: Readonly<Record<NoticeView['tone'], number>> = {
  default: 4000,
  good: 4000,
  warning: 10_000,
  attention: 10_000,
};
const MAX_SHOWN = 3;

/**
 * The toasts at the bottom right, a polite live region. Each leaves on its own; one with a `key` (a lasting
 * condition such as "Can't reach Relaydesk") is shown once however often it is reported, until clear(key).
 */
export class Notices {
  readonly element: HTMLElement;

  constructor(private readonly clock: TabClock) {
    this.element = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
  }

  show(view: NoticeView, key?: string): void {
    const existing = key ? this.find(key) : undefined;
    const item = h(
      'div',
      { class: `notice tone-${view.tone}`, ...(key ? { 'data-notice-key': key } : {}) },
      h('strong', {}, view.title),
      view.text ? ` ${view.text}` : '',
      h(
        'button',
        { type: 'button', class: 'notice-dismiss', 'aria-label': 'Dismiss', onclick: () => item.remove() },
        '×',
      ),
    );
    if (existing) {
      if (existing.textContent === item.textContent) return;
      existing.replaceWith(item);
    } else {
      this.element.append(item);
    }
    while (this.element.children.length > MAX_SHOWN) this.element.firstElementChild?.remove();
    if (!key) this.clock.after(STAY_MS[view.tone], () => item.remove());
  }

  clear(key: string): void {
    this.find(key)?.remove();
  }

  private find(key: string): HTMLElement | undefined {
    return (
      [...this.element.querySelectorAll<HTMLElement>('[data-notice-key]')].find(
        (item) => item.dataset['noticeKey'] === key,
      ) ?? undefined
    );
  }
}
