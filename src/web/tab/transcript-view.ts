import type { DeliveryState, TranscriptEntry, TranscriptPage } from '../../app/views';
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
  /** The page before line `before`; undefined when it could not be read (the problem is shown elsewhere). */
  readonly loadEarlier: (before: number) => Promise<TranscriptPage | undefined>;
}

const DELIVERY_TEXT: Readonly<Record<DeliveryState, string>> = {
  sending: 'Sending…',
  delivered: 'Delivered',
  'not-delivered': 'Not delivered — the customer has left',
};
/** Closer than this to the end counts as "at the newest message". */
const BOTTOM_SLACK_PX = 24;
/** Closer than this to the top loads the page before (as "Show earlier messages" does). */
const TOP_SLACK_PX = 40;

interface ShownLine {
  readonly seq: number;
  readonly delivery: HTMLElement | undefined;
}

/**
 * A session's transcript, a log that only grows: lines already shown stay, new ones are appended (a screen
 * reader announces just those). It opens with the latest page at the first unread message under a "New
 * messages" divider, or at the newest; it follows new messages while the agent is at the bottom, and offers
 * "Jump to latest" when not. Earlier pages come on "Show earlier messages", or on scrolling to the top.
 */
export class TranscriptView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly jump: HTMLButtonElement;
  private readonly divider: HTMLElement;
  private readonly earlierItem: HTMLElement;
  private readonly earlierButton: HTMLButtonElement;
  private shown: ShownLine[] = [];
  /** The first unread line, which the divider sits above. */
  private readonly firstUnread: number | undefined;
  private unseen = 0;
  private placed = false;
  private hasEarlier: boolean;
  private loading = false;

  constructor(
    entries: readonly TranscriptEntry[],
    earlier: boolean,
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
        if (this.placed && this.list.scrollTop < TOP_SLACK_PX) void this.showEarlier();
      },
    });
    this.hasEarlier = earlier;
    this.earlierButton = h(
      'button',
      { type: 'button', class: 'button show-earlier', onclick: () => void this.showEarlier() },
      'Show earlier messages',
    );
    this.earlierItem = h('li', { class: 'earlier' }, this.earlierButton);
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
    this.firstUnread = firstUnreadLine(entries, unread);
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

  /** The latest page as the server has it now: lines after the last one shown are appended, the rest updated. */
  update(entries: readonly TranscriptEntry[]): void {
    const follow = !this.placed || this.atBottom();
    const first = this.shown[0]?.seq;
    const last = this.shown.at(-1)?.seq;
    // The same conversation goes on when the page overlaps or follows what is shown; else it is drawn afresh.
    const grows = first !== undefined && last !== undefined && entries.some((entry) => entry.seq <= last + 1);
    if (!grows || entries.length === 0) {
      if (entries.length === 0 && this.shown.length > 0) return;
      this.redraw(entries);
      if (this.placed && follow) this.scrollToLatest();
      return;
    }
    const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
    this.shown.forEach((line) => setDelivery(line.delivery, bySeq.get(line.seq)));
    const added = entries.filter((entry) => entry.seq > last).map((entry) => this.lineItem(entry));
    this.list.append(...added.map((line) => line.item));
    this.shown = [...this.shown, ...added.map(({ seq, delivery }) => ({ seq, delivery }))];
    if (!this.placed) return;
    if (follow) this.scrollToLatest();
    else if (added.length > 0) this.showUnseen(added.length);
  }

  /** The page before the first line shown, put above it without moving what the agent is reading. */
  async showEarlier(): Promise<void> {
    const first = this.shown[0]?.seq;
    if (!this.hasEarlier || this.loading || first === undefined) return;
    this.loading = true;
    this.earlierButton.disabled = true;
    this.earlierButton.textContent = 'Loading earlier messages…';
    try {
      const page = await this.options.loadEarlier(first);
      if (!page || this.shown[0]?.seq !== first) return;
      const older = page.transcript.filter((entry) => entry.seq < first).map((entry) => this.lineItem(entry));
      const height = this.list.scrollHeight;
      this.earlierItem.after(...older.map((line) => line.item));
      this.list.scrollTop += this.list.scrollHeight - height;
      this.shown = [...older.map(({ seq, delivery }) => ({ seq, delivery })), ...this.shown];
      this.hasEarlier = page.earlierMessages;
    } finally {
      this.loading = false;
      this.earlierButton.disabled = false;
      this.earlierButton.textContent = 'Show earlier messages';
      this.earlierItem.hidden = !this.hasEarlier;
    }
  }

  private redraw(entries: readonly TranscriptEntry[]): void {
    this.options.clamps.release(this.list);
    const lines = entries.map((entry) => this.lineItem(entry));
    this.earlierItem.hidden = !this.hasEarlier;
    if (entries.length > 0) this.list.replaceChildren(this.earlierItem, ...lines.map((line) => line.item));
    else this.list.replaceChildren(h('li', { class: 'line empty' }, 'No messages yet.'));
    this.shown = lines.map(({ seq, delivery }) => ({ seq, delivery }));
    this.placeDivider();
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
    return { seq: entry.seq, delivery, item };
  }

  private placeDivider(): void {
    const index = this.shown.findIndex((line) => line.seq === this.firstUnread);
    // The earlier-messages row comes first in the list.
    const before = index === -1 ? undefined : this.list.children[index + 1];
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

/** The line the divider goes above: the first of the last `unread` customer messages. */
function firstUnreadLine(entries: readonly TranscriptEntry[], unread: number): number | undefined {
  if (unread <= 0) return undefined;
  const fromCustomer = entries.filter((entry) => entry.from === 'customer');
  return fromCustomer[Math.max(0, fromCustomer.length - unread)]?.seq;
}

function setDelivery(element: HTMLElement | undefined, entry: TranscriptEntry | undefined): void {
  if (!element) return;
  const text = entry?.delivery ? DELIVERY_TEXT[entry.delivery] : '';
  if (element.textContent !== (text ? ` · ${text}` : '')) element.textContent = text ? ` · ${text}` : '';
  if (entry?.delivery) element.dataset['delivery'] = entry.delivery;
  else delete element.dataset['delivery'];
}
