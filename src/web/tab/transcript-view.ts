import type { DeliveryState, TranscriptEntry } from '../../app/views';
import type { Clamps } from './clamp';
import { h } from './dom';
import { formatClock } from './format';
import { messageText } from './message-text';

export interface TranscriptOptions {
  /** The signed-in agent: only their own lines read "You". */
  readonly agentId: string;
  /** The customer as the lines name them. */
  readonly customerName: () => string;
  readonly label: string;
  readonly clamps: Clamps;
}

const DELIVERY_TEXT: Readonly<Record<DeliveryState, string>> = {
  sending: 'Sending…',
  delivered: 'Delivered',
  'not-delivered': 'Not delivered — the customer has left',
};
/** Closer than this to the end counts as "at the newest message". */
const BOTTOM_SLACK_PX = 24;

interface ShownLine {
  readonly key: string;
  readonly delivery: HTMLElement | undefined;
}

/**
 * A session's transcript, a log that only grows: lines already shown stay, new ones are appended (a screen
 * reader announces just those). It opens at the first unread message under a "New messages" divider, or at
 * the newest; it follows new messages while the agent is at the bottom, and offers "Jump to latest" when not.
 */
export class TranscriptView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly jump: HTMLButtonElement;
  private readonly divider: HTMLElement;
  private shown: ShownLine[] = [];
  /** The key of the first unread line, which the divider sits above. */
  private readonly firstUnread: string | undefined;
  private unseen = 0;
  private placed = false;

  constructor(
    entries: readonly TranscriptEntry[],
    unread: number,
    private readonly options: TranscriptOptions,
  ) {
    this.list = h('ol', {
      class: 'transcript',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': options.label,
      // Focusable so the keyboard can scroll it (and the jump button has somewhere to leave focus).
      tabindex: 0,
      onscroll: () => {
        if (this.atBottom()) this.clearUnseen();
      },
    });
    this.divider = h('li', { class: 'new-messages', role: 'separator' }, h('span', {}, 'New messages'));
    this.jump = h('button', {
      type: 'button',
      class: 'button jump-latest',
      hidden: true,
      onclick: () => {
        this.scrollToLatest();
        this.list.focus({ preventScroll: true });
      },
    });
    this.element = h('div', { class: 'transcript-wrap' }, this.list, this.jump);
    this.firstUnread = firstUnreadKey(entries, unread);
    this.update(entries);
  }

  /** Once on the page: the first unread line just under the top, or the newest at the bottom. */
  place(): void {
    if (this.divider.isConnected) this.list.scrollTop = this.divider.offsetTop - 4;
    else this.list.scrollTop = this.list.scrollHeight;
    this.placed = true;
  }

  scrollToLatest(): void {
    this.list.scrollTop = this.list.scrollHeight;
    this.clearUnseen();
  }

  update(entries: readonly TranscriptEntry[]): void {
    const follow = !this.placed || this.atBottom();
    const keys = entries.map(lineKey);
    const grows = this.shown.length > 0 && this.shown.every((line, index) => keys[index] === line.key);
    const from = grows ? this.shown.length : 0;
    if (grows) this.shown.forEach((line, index) => setDelivery(line.delivery, entries[index]));
    const added = entries.slice(from).map((entry) => this.lineItem(entry));
    if (!grows) this.options.clamps.release(this.list);
    if (grows) this.list.append(...added.map((line) => line.item));
    else if (entries.length > 0) this.list.replaceChildren(...added.map((line) => line.item));
    else this.list.replaceChildren(h('li', { class: 'line empty' }, 'No messages yet.'));
    this.shown = [...(grows ? this.shown : []), ...added.map(({ key, delivery }) => ({ key, delivery }))];
    if (!grows) this.placeDivider();
    if (!this.placed) return;
    if (follow) this.scrollToLatest();
    else if (grows && added.length > 0) this.showUnseen(added.length);
  }

  private lineItem(entry: TranscriptEntry): ShownLine & { item: HTMLElement } {
    const own = entry.from === 'agent' && entry.agentId === this.options.agentId;
    const who =
      entry.from === 'customer' ? this.options.customerName() : own ? 'You' : (entry.agentName ?? 'Agent');
    const delivery = entry.from === 'agent' ? h('span', { class: 'delivery' }) : undefined;
    setDelivery(delivery, entry);
    const item = h(
      'li',
      { class: `line from-${entry.from}${entry.from === 'agent' && !own ? ' other-agent' : ''}` },
      h(
        'span',
        { class: 'line-meta' },
        h('span', { class: 'who' }, who),
        ' ',
        h('time', { datetime: new Date(entry.at).toISOString() }, formatClock(entry.at)),
        delivery ?? null,
      ),
      this.options.clamps.wrap(messageText(entry.text, 'line-text')),
    );
    return { key: lineKey(entry), delivery, item };
  }

  private placeDivider(): void {
    const index = this.shown.findIndex((line) => line.key === this.firstUnread);
    const before = index === -1 ? undefined : this.list.children[index];
    if (before) this.list.insertBefore(this.divider, before);
    else this.divider.remove();
  }

  private atBottom(): boolean {
    const list = this.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < BOTTOM_SLACK_PX;
  }

  private showUnseen(count: number): void {
    this.unseen += count;
    this.jump.textContent = `Jump to latest (${this.unseen} new)`;
    this.jump.hidden = false;
  }

  private clearUnseen(): void {
    this.unseen = 0;
    this.jump.hidden = true;
  }
}

function lineKey(entry: TranscriptEntry): string {
  return `${entry.at}|${entry.from}|${entry.text}`;
}

/** The line the divider goes above: the first of the last `unread` customer messages. */
function firstUnreadKey(entries: readonly TranscriptEntry[], unread: number): string | undefined {
  if (unread <= 0) return undefined;
  const fromCustomer = entries.filter((entry) => entry.from === 'customer');
  const first = fromCustomer[Math.max(0, fromCustomer.length - unread)];
  return first ? lineKey(first) : undefined;
}

function setDelivery(element: HTMLElement | undefined, entry: TranscriptEntry | undefined): void {
  if (!element) return;
  const text = entry?.delivery ? DELIVERY_TEXT[entry.delivery] : '';
  if (element.textContent !== (text ? ` · ${text}` : '')) element.textContent = text ? ` · ${text}` : '';
  if (entry?.delivery) element.dataset['delivery'] = entry.delivery;
  else delete element.dataset['delivery'];
}
