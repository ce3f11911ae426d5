import { h } from '../tab/dom';
import { linkParts } from './links';
import { answerText, answerValue, surveyForm } from './survey-form';
import { senderOf, type Entry } from './transcript';

const STATE_LABEL: Readonly<Record<Entry['state'], string>> = {
  queued: 'Waiting to send…',
  sending: 'Sending…',
  sent: '',
  // The "Send again" button follows, so the line reads "Not sent — Send again".
  failed: 'Not sent —',
};

/**
 * Draws the transcript into its list, one item per entry, in order. Message text is built from text nodes and
 * link elements (for http(s) addresses only), never parsed as HTML, so whatever a customer or agent writes shows
 * as written.
 */
/** What the customer does from the transcript: send a failed line again, answer a survey. */
export interface TranscriptActions {
  retry(entry: Entry): void;
  /** Sends a line of the customer's with a value (a survey's answer: the line shows it, the value names the survey). */
  send(text: string, value: Readonly<Record<string, unknown>>): void;
}

export class TranscriptView {
  private readonly items = new Map<string, HTMLLIElement>();
  /** Each survey's form, kept while it is open so a redraw keeps what the customer chose. */
  private readonly surveys = new Map<string, HTMLFormElement>();

  constructor(
    private readonly list: HTMLOListElement,
    /** The element that scrolls: it follows new messages while the reader is at the bottom. */
    private readonly scroller: HTMLElement,
    private readonly actions: TranscriptActions,
  ) {}

  /** `openSurveys`: the survey lines the customer may still answer (their form shows under the question). */
  render(entries: readonly Entry[], openSurveys: ReadonlySet<Entry> = new Set()): void {
    const follow = this.nearBottom();
    for (const entry of entries) {
      let item = this.items.get(entry.key);
      if (!item) {
        item = h('li');
        this.items.set(entry.key, item);
        this.list.append(item);
      }
      this.draw(item, entry, openSurveys.has(entry));
    }
    if (follow) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private draw(item: HTMLLIElement, entry: Entry, surveyOpen: boolean): void {
    const signature = JSON.stringify([
      senderOf(entry),
      entry.state,
      entry.timestamp,
      entry.text,
      entry.archived,
      entry.superseded,
      surveyOpen,
    ]);
    if (item.dataset['signature'] === signature) return;
    item.dataset['signature'] = signature;
    item.className = `message from-${entry.author}${entry.archived ? ' archived' : ''}`;
    if (entry.kind !== undefined) item.classList.add(`kind-${entry.kind}`);
    item.hidden = entry.superseded;
    item.dataset['state'] = entry.state;
    if (entry.id !== undefined) item.dataset['activityId'] = entry.id;
    item.replaceChildren(
      h('p', { class: 'sender' }, senderOf(entry)),
      textOf(entry),
      ...(surveyOpen ? [this.surveyOf(entry)] : []),
      this.metaOf(entry),
    );
    if (!surveyOpen) this.surveys.delete(entry.key);
  }

  private surveyOf(entry: Entry): HTMLFormElement {
    const kept = this.surveys.get(entry.key);
    if (kept) return kept;
    const form = surveyForm((answer) => {
      if (entry.survey && !entry.archived) {
        this.actions.send(answerText(answer), answerValue(entry.survey, answer));
      }
    });
    this.surveys.set(entry.key, form);
    return form;
  }

  private metaOf(entry: Entry): HTMLElement {
    const time = entry.timestamp ? timeOf(entry.timestamp) : undefined;
    // An archived line belongs to a conversation that is over: nothing of it is sent again.
    const retry = entry.state === 'failed' && !entry.archived;
    return h(
      'p',
      { class: 'meta' },
      time ? h('time', { datetime: entry.timestamp }, time) : null,
      STATE_LABEL[entry.state] ? h('span', { class: 'state' }, STATE_LABEL[entry.state]) : null,
      // A space between label and button, so the line's text (and a screen reader) says "Not sent — Send again".
      retry ? ' ' : null,
      retry
        ? h(
            'button',
            { type: 'button', class: 'retry', onclick: () => this.actions.retry(entry) },
            'Send again',
          )
        : null,
    );
  }

  private nearBottom(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < 80;
  }
}

/** The message text, its direction from its own first strong character, web addresses as links. */
function textOf(entry: Entry): HTMLParagraphElement {
  const parts = linkParts(entry.text).map((part) =>
    part.href === undefined
      ? part.text
      : h('a', { href: part.href, rel: 'noopener noreferrer', target: '_blank' }, part.text),
  );
  return h('p', { class: 'text', dir: 'auto' }, ...parts);
}

function timeOf(iso: string): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
