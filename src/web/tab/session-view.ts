import type { ActiveConversationView, KbSearchView } from '../../app/views';
import { CASE_FIELD_MAX_CHARS } from '../../app/case-sessions';
import { CASE_FIELD_KEYS, CASE_PRIORITIES, type DraftChange, type SessionDetail } from '../agent-api';
import { h, svg } from './dom';
import type { DraftStatus } from './draft-saver';
import { WORK_ITEM_STATE_LABELS, channelLabel, formatClock } from './format';
import { describeTrend, sentimentSparkline } from './sparkline';

export interface SessionViewActions {
  /** Sends a reply; resolves true when it went out (the box is then emptied). */
  reply(sessionId: string, text: string): Promise<boolean>;
  end(sessionId: string, title: string): void;
  close(sessionId: string, title: string): void;
  kbSearch(sessionId: string, query: string): Promise<KbSearchView | undefined>;
  /** The agent typed: the reply box or a case field changed. */
  draftChanged(sessionId: string, change: DraftChange): void;
}

const CASE_FIELD_LABELS: Readonly<Record<(typeof CASE_FIELD_KEYS)[number], string>> = {
  title: 'Case title',
  description: 'Description',
  priority: 'Priority',
};
const PRIORITY_LABELS: Readonly<Record<(typeof CASE_PRIORITIES)[number], string>> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
};

const DRAFT_STATUS_TEXT: Readonly<Record<DraftStatus, string>> = {
  pending: 'Saving draft…',
  saving: 'Saving draft…',
  saved: 'Draft saved',
  failed: 'Draft not saved yet; retrying…',
};

/**
 * One session: the communication panel (transcript, reply box, End, Close; for a case session, the case form
 * first), the Active Conversation pane and the KB search pane. Inputs are filled from the saved draft, or
 * from what is typed and not yet saved, when the view is built; refreshes afterwards leave what the agent is
 * typing alone and only take a newer draft from elsewhere (the chat) while the input is untouched.
 */
export class SessionView {
  readonly element: HTMLElement;
  readonly sessionId: string;
  private detail: SessionDetail;
  private readonly transcript: HTMLOListElement;
  private readonly conversationPane: HTMLElement;
  private readonly kbResults: HTMLElement;
  private readonly kbQuery: HTMLInputElement;
  private readonly heading: HTMLElement;
  private readonly stateChip: HTMLElement;
  private readonly replyBox: HTMLTextAreaElement | undefined;
  private readonly draftStatus: HTMLElement;
  private readonly caseInputs = new Map<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
  /** The last draft the server sent, to tell the agent's edits from a draft saved elsewhere. */
  private serverReply: string;
  private serverCaseFields: Readonly<Record<string, string>>;
  private kbTouched = false;
  /** The transcript lines on screen, as `at|from|text`. */
  private shownLines: string[] = [];

  constructor(
    detail: SessionDetail,
    private title: string,
    private readonly actions: SessionViewActions,
    unsaved: DraftChange | undefined,
  ) {
    this.detail = detail;
    this.sessionId = detail.sessionId;
    this.serverReply = detail.draft.reply;
    this.serverCaseFields = detail.draft.caseFields;
    const readOnly = detail.conversation.readOnly;
    const isCase = detail.kind === 'case';

    this.heading = h('h2', { id: 'session-title' }, title);
    this.stateChip = h('span', { class: 'state-chip' });
    this.transcript = h('ol', {
      class: 'transcript',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': `Conversation with ${title}`,
    });
    this.draftStatus = h('p', { class: 'draft-status', role: 'status', 'aria-live': 'polite' });

    const conversationActions = isCase
      ? []
      : [
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              disabled: readOnly,
              onclick: () => this.actions.end(this.sessionId, this.title),
            },
            'End',
          ),
        ];
    const header = h(
      'header',
      { class: 'view-header' },
      h('div', { class: 'title-line' }, this.heading, this.stateChip),
      h(
        'div',
        { class: 'header-actions' },
        ...conversationActions,
        h(
          'button',
          { type: 'button', class: 'button', onclick: () => this.actions.close(this.sessionId, this.title) },
          'Close',
        ),
      ),
    );

    let replyForm: HTMLElement | null = null;
    if (!readOnly) {
      this.replyBox = h('textarea', {
        id: 'reply-text',
        name: 'text',
        rows: 3,
        placeholder: 'Type a reply. Enter sends, Shift+Enter starts a new line.',
        value: unsaved?.reply ?? detail.draft.reply,
        oninput: () => this.actions.draftChanged(this.sessionId, { reply: this.replyBox?.value ?? '' }),
        onkeydown: (event) => {
          const key = event as KeyboardEvent;
          if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
            event.preventDefault();
            void this.send();
          }
        },
      });
      replyForm = h(
        'form',
        {
          class: 'reply',
          onsubmit: (event) => {
            event.preventDefault();
            void this.send();
          },
        },
        h('label', { for: 'reply-text' }, `Reply to ${title}`),
        this.replyBox,
        h(
          'div',
          { class: 'reply-actions' },
          this.draftStatus,
          h('button', { class: 'button primary' }, 'Send'),
        ),
      );
    } else if (!isCase) {
      replyForm = h(
        'p',
        { class: 'read-only-note' },
        'This conversation is read only: it has ended, or you opened it from Closed work items.',
      );
    }

    const caseForm = isCase ? this.buildCaseForm(detail, unsaved) : null;

    this.kbQuery = h('input', {
      type: 'search',
      id: 'kb-query',
      name: 'query',
      value: detail.kb.query,
      oninput: () => (this.kbTouched = true),
    });
    this.kbResults = h('div', { class: 'kb-results', 'aria-live': 'polite' });
    const kbPane = h(
      'aside',
      { class: 'pane kb-pane', 'aria-labelledby': 'kb-title' },
      h('h3', { id: 'kb-title' }, 'Knowledge base'),
      h(
        'form',
        {
          class: 'kb-form',
          role: 'search',
          onsubmit: (event) => {
            event.preventDefault();
            void this.searchKb();
          },
        },
        h('label', { for: 'kb-query', class: 'visually-hidden' }, 'Search the knowledge base'),
        this.kbQuery,
        h('button', { class: 'button' }, 'Search'),
      ),
      this.kbResults,
    );

    this.conversationPane = h('div', { class: 'conversation-body' });

    this.element = h(
      'section',
      {
        class: `session-view${isCase ? ' case-session' : ''}`,
        'aria-labelledby': 'session-title',
        'data-session-id': detail.sessionId,
      },
      h(
        'div',
        { class: 'communication-panel', 'aria-label': 'Communication panel', role: 'region' },
        header,
        caseForm,
        isCase ? h('h3', { class: 'history-title' }, 'Conversation history') : null,
        this.transcript,
        replyForm,
      ),
      h(
        'aside',
        { class: 'pane conversation-pane', 'aria-labelledby': 'conversation-title' },
        h('h3', { id: 'conversation-title' }, 'Active Conversation'),
        this.conversationPane,
      ),
      kbPane,
    );
    this.render();
    this.renderKb(detail.kb);
  }

  /** A newer detail from the server (a message came in, the state changed). */
  update(detail: SessionDetail, title: string, pending: DraftChange | undefined): void {
    this.detail = detail;
    this.title = title;
    this.heading.textContent = title;
    if (this.replyBox && pending?.reply === undefined && this.replyBox.value === this.serverReply) {
      this.replyBox.value = detail.draft.reply;
    }
    this.serverReply = detail.draft.reply;
    for (const [key, input] of this.caseInputs) {
      const saved = this.serverCaseFields[key] ?? '';
      if (pending?.caseFields?.[key] === undefined && input.value === saved) {
        input.value = detail.draft.caseFields[key] ?? input.value;
      }
    }
    this.serverCaseFields = detail.draft.caseFields;
    if (!this.kbTouched && this.kbQuery.value === '' && detail.kb.query) {
      this.kbQuery.value = detail.kb.query;
      this.renderKb(detail.kb);
    }
    this.render();
  }

  setDraftStatus(status: DraftStatus): void {
    this.draftStatus.textContent = DRAFT_STATUS_TEXT[status];
    this.draftStatus.dataset['status'] = status;
  }

  /** Puts the cursor in the reply box (or the first case field) when the session opens. */
  focusInput(): void {
    (this.replyBox ?? this.caseInputs.values().next().value)?.focus();
  }

  private buildCaseForm(detail: SessionDetail, unsaved: DraftChange | undefined): HTMLElement {
    const valueOf = (key: string) => unsaved?.caseFields?.[key] ?? detail.draft.caseFields[key] ?? '';
    const changed = (key: string, value: string) =>
      this.actions.draftChanged(this.sessionId, { caseFields: { [key]: value } });
    const fields = CASE_FIELD_KEYS.map((key) => {
      const id = `case-${key}`;
      const label = CASE_FIELD_LABELS[key];
      let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
      if (key === 'priority') {
        input = h(
          'select',
          { id, name: key, onchange: () => changed(key, input.value) },
          h('option', { value: '' }, 'Not set'),
          ...CASE_PRIORITIES.map((priority) => h('option', { value: priority }, PRIORITY_LABELS[priority])),
        );
        input.value = valueOf(key);
      } else if (key === 'description') {
        input = h('textarea', {
          id,
          name: key,
          rows: 4,
          value: valueOf(key),
          oninput: () => changed(key, input.value),
        });
      } else {
        input = h('input', {
          id,
          name: key,
          type: 'text',
          maxlength: CASE_FIELD_MAX_CHARS.title,
          value: valueOf(key),
          oninput: () => changed(key, input.value),
        });
      }
      this.caseInputs.set(key, input);
      return h('div', { class: 'field' }, h('label', { for: id }, label), input);
    });
    return h(
      'form',
      { class: 'case-form', 'aria-label': 'Case', onsubmit: (event) => event.preventDefault() },
      ...fields,
      h(
        'p',
        { class: 'case-note' },
        'Unsaved changes are kept as you type, across session switches and reloads. ',
        this.draftStatus,
      ),
    );
  }

  private async send(): Promise<void> {
    const box = this.replyBox;
    if (!box) return;
    const text = box.value.trim();
    if (text === '') return;
    const sent = await this.actions.reply(this.sessionId, text);
    if (sent && box.value.trim() === text) {
      box.value = '';
      this.serverReply = '';
    }
  }

  private async searchKb(): Promise<void> {
    this.kbTouched = true;
    const view = await this.actions.kbSearch(this.sessionId, this.kbQuery.value);
    if (view) this.renderKb(view);
  }

  private render(): void {
    const { conversation } = this.detail;
    this.stateChip.textContent = WORK_ITEM_STATE_LABELS[conversation.state];
    this.stateChip.dataset['state'] = conversation.state;
    this.renderTranscript();
    this.conversationPane.replaceChildren(...this.conversationDetails(conversation));
    this.element.dataset['loaded'] = String(this.detail.transcript.length);
  }

  /**
   * The log only grows: lines already shown stay, new ones are appended (a screen reader announces just those).
   * Anything else (a different history) is drawn again from scratch.
   */
  private renderTranscript(): void {
    const list = this.transcript;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    const keys = this.detail.transcript.map((line) => `${line.at}|${line.from}|${line.text}`);
    const grows = this.shownLines.length > 0 && this.shownLines.every((key, index) => keys[index] === key);
    const from = grows ? this.shownLines.length : 0;
    const lines = this.detail.transcript
      .slice(from)
      .map((line) =>
        h(
          'li',
          { class: `line from-${line.from}` },
          h(
            'span',
            { class: 'line-meta' },
            h('span', { class: 'who' }, line.from === 'customer' ? this.customerName() : 'You'),
            ' ',
            h('time', { datetime: new Date(line.at).toISOString() }, formatClock(line.at)),
          ),
          h('span', { class: 'line-text' }, line.text),
        ),
      );
    if (grows) list.append(...lines);
    else if (keys.length > 0) list.replaceChildren(...lines);
    else list.replaceChildren(h('li', { class: 'line empty' }, 'No messages yet.'));
    this.shownLines = keys;
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  /** The customer as the transcript names them (a case session's title is the case, not the customer). */
  private customerName(): string {
    const { conversation } = this.detail;
    return conversation.contactName ?? conversation.title;
  }

  private conversationDetails(conversation: ActiveConversationView): Node[] {
    const row = (label: string, value: string | undefined) =>
      value ? [h('dt', {}, label), h('dd', {}, value)] : [];
    const trend = this.detail.sentimentTrend;
    const line = sentimentSparkline(trend);
    const sparkline = svg(
      'svg',
      {
        class: 'sparkline',
        viewBox: `0 0 ${line.width} ${line.height}`,
        width: line.width,
        height: line.height,
        role: 'img',
        'aria-label': `Sentiment over time: ${describeTrend(trend)}`,
      },
      svg('line', { class: 'neutral', x1: 0, x2: line.width, y1: line.neutralY, y2: line.neutralY }),
      line.points.length > 1 ? svg('polyline', { points: line.polyline }) : null,
      ...line.points.map((point) =>
        svg('circle', { cx: point.x, cy: point.y, r: 2.5 }, svg('title', {}, point.level)),
      ),
    );
    return [
      h(
        'dl',
        { class: 'facts' },
        ...row('Customer', conversation.contactName ?? conversation.title),
        ...row('Account', conversation.accountName),
        ...row('Case', conversation.caseTitle),
        ...row('Channel', channelLabel(conversation.channel)),
        ...row('Started', formatClock(conversation.startedAt)),
        ...row('State', WORK_ITEM_STATE_LABELS[conversation.state]),
        ...row('Sentiment', conversation.sentiment),
        ...conversation.prechat.flatMap((answer) => row(answer.question, answer.answer)),
      ),
      h(
        'figure',
        { class: 'sentiment-trend' },
        h('figcaption', {}, 'Sentiment over time'),
        sparkline,
        h('p', { class: 'trend-words' }, describeTrend(trend)),
      ),
      h('h4', {}, 'Summary'),
      conversation.summary.length === 0
        ? h('p', { class: 'empty' }, 'No messages yet.')
        : h(
            'ul',
            { class: 'summary' },
            ...conversation.summary.map((line) =>
              h('li', {}, h('strong', {}, line.from === 'customer' ? 'Customer: ' : 'You: '), line.text),
            ),
          ),
    ];
  }

  private renderKb(view: KbSearchView): void {
    this.kbResults.replaceChildren(
      view.results.length === 0
        ? h(
            'p',
            { class: 'empty' },
            view.query ? `No articles match “${view.query}”.` : 'Search for an article.',
          )
        : h(
            'ol',
            { class: 'kb-list' },
            ...view.results.map((hit) =>
              h('li', { 'data-article-id': hit.id }, h('strong', {}, hit.title), h('p', {}, hit.snippet)),
            ),
          ),
    );
  }
}
