import type { KbSearchView } from '../../app/views';
import type { DraftChange, SessionDetail } from '../agent-api';
import { buildCaseForm, type CaseInput } from './case-form';
import { Clamps } from './clamp';
import { conversationSummary } from './conversation-summary';
import { h } from './dom';
import type { DraftStatus } from './draft-saver';
import { WORK_ITEM_STATE_LABELS } from './format';
import { KbPane } from './kb-pane';
import { paneTabs } from './pane-tabs';
import { TranscriptView } from './transcript-view';

export interface SessionViewActions {
  /** Sends a reply; resolves true when it went out (the box is then emptied). */
  reply(sessionId: string, text: string): Promise<boolean>;
  end(sessionId: string, title: string): void;
  close(sessionId: string, title: string): void;
  kbSearch(sessionId: string, query: string): Promise<KbSearchView | undefined>;
  /** The agent typed: the reply box or a case field changed. */
  draftChanged(sessionId: string, change: DraftChange): void;
}

export interface SessionViewContext {
  /** The signed-in agent: their own transcript lines read "You". */
  readonly agentId: string;
  /** The session's unread count before it was opened: the "New messages" divider goes above that many. */
  readonly unread: number;
  /** What is typed and not yet saved, which wins over the saved draft. */
  readonly unsaved: DraftChange | undefined;
}

const DRAFT_STATUS_TEXT: Readonly<Record<DraftStatus, string>> = {
  idle: '',
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
  private readonly clamps = new Clamps();
  private readonly transcript: TranscriptView;
  private readonly conversationPane: HTMLElement;
  private readonly kb: KbPane;
  private readonly heading: HTMLElement;
  private readonly stateChip: HTMLElement;
  private readonly replyBox: HTMLTextAreaElement | undefined;
  private readonly draftStatus: HTMLElement;
  private readonly caseInputs: ReadonlyMap<string, CaseInput>;
  /** The last draft the server sent, to tell the agent's edits from a draft saved elsewhere. */
  private serverReply: string;
  private serverCaseFields: Readonly<Record<string, string>>;
  /** What the Active Conversation pane was drawn from: redrawn only on a change (a "Show more" stays open). */
  private drawnSummary = '';

  constructor(
    detail: SessionDetail,
    private title: string,
    private readonly actions: SessionViewActions,
    context: SessionViewContext,
  ) {
    this.detail = detail;
    this.sessionId = detail.sessionId;
    this.serverReply = detail.draft.reply;
    this.serverCaseFields = detail.draft.caseFields;
    const isCase = detail.kind === 'case';

    // Focusable by script: a read-only session puts focus here when it opens.
    this.heading = h('h2', { id: 'session-title', tabindex: -1 }, title);
    this.stateChip = h('span', { class: 'state-chip' });
    this.draftStatus = h('p', { class: 'draft-status', role: 'status', 'aria-live': 'polite' });
    this.transcript = new TranscriptView(detail.transcript, context.unread, {
      agentId: context.agentId,
      customerName: () => this.customerName(),
      label: `Conversation with ${title}`,
      clamps: this.clamps,
    });
    const caseForm = isCase
      ? buildCaseForm(
          detail,
          context.unsaved,
          (key, value) => this.actions.draftChanged(this.sessionId, { caseFields: { [key]: value } }),
          this.draftStatus,
        )
      : undefined;
    this.caseInputs = caseForm?.inputs ?? new Map();
    this.replyBox = detail.conversation.readOnly ? undefined : this.buildReplyBox(context.unsaved);
    this.conversationPane = h('div', { class: 'conversation-body' });
    this.kb = new KbPane(detail.kb, (query) => this.actions.kbSearch(this.sessionId, query));

    this.element = this.layout(detail, caseForm?.element);
    this.render();
  }

  /**
   * The view is on the page: the transcript scrolls to the first unread message (or the newest), and with
   * `focus` the cursor goes to the reply box, else the first case field, else (read only) the heading.
   */
  mounted(focus: boolean): void {
    this.transcript.place();
    if (!focus) return;
    const input: HTMLElement = this.replyBox ?? this.caseInputs.values().next().value ?? this.heading;
    input.focus();
  }

  /** The view leaves the page. */
  dispose(): void {
    this.clamps.disconnect();
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
    this.kb.offer(detail.kb);
    this.render();
  }

  setDraftStatus(status: DraftStatus): void {
    this.draftStatus.textContent = DRAFT_STATUS_TEXT[status];
    this.draftStatus.dataset['status'] = status;
  }

  /** The communication panel, then (as tabs in a narrow window) the Active Conversation and KB panes. */
  private layout(detail: SessionDetail, caseForm: HTMLElement | undefined): HTMLElement {
    const isCase = detail.kind === 'case';
    const element = h('section', {
      class: `session-view${isCase ? ' case-session' : ''}`,
      'aria-labelledby': 'session-title',
      'data-session-id': detail.sessionId,
    });
    element.append(
      h(
        'div',
        { class: 'communication-panel', 'aria-label': 'Communication panel', role: 'region' },
        this.header(isCase, detail.conversation.readOnly),
        caseForm ?? null,
        isCase ? h('h3', { class: 'history-title' }, 'Conversation history') : null,
        this.transcript.element,
        this.replyArea(isCase),
      ),
      paneTabs(element, [
        { id: 'conversation-pane', label: 'Active Conversation' },
        { id: 'kb-pane', label: 'Knowledge base' },
      ]),
      h(
        'aside',
        { id: 'conversation-pane', class: 'pane conversation-pane', 'aria-labelledby': 'conversation-title' },
        h('h3', { id: 'conversation-title' }, 'Active Conversation'),
        this.conversationPane,
      ),
      this.kb.element,
    );
    return element;
  }

  private header(isCase: boolean, readOnly: boolean): HTMLElement {
    const button = (label: string, onclick: () => void, disabled = false) =>
      h('button', { type: 'button', class: 'button', disabled, onclick }, label);
    return h(
      'header',
      { class: 'view-header' },
      h('div', { class: 'title-line' }, this.heading, this.stateChip),
      h(
        'div',
        { class: 'header-actions' },
        isCase ? null : button('End', () => this.actions.end(this.sessionId, this.title), readOnly),
        button('Close', () => this.actions.close(this.sessionId, this.title)),
      ),
    );
  }

  private buildReplyBox(unsaved: DraftChange | undefined): HTMLTextAreaElement {
    return h('textarea', {
      id: 'reply-text',
      name: 'text',
      rows: 3,
      placeholder: 'Type a reply. Enter sends, Shift+Enter starts a new line.',
      value: unsaved?.reply ?? this.detail.draft.reply,
      oninput: () => this.actions.draftChanged(this.sessionId, { reply: this.replyBox?.value ?? '' }),
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
          event.preventDefault();
          void this.send();
        }
      },
    });
  }

  private replyArea(isCase: boolean): HTMLElement | null {
    if (this.replyBox) {
      return h(
        'form',
        {
          class: 'reply',
          onsubmit: (event) => {
            event.preventDefault();
            void this.send();
          },
        },
        h('label', { for: 'reply-text' }, `Reply to ${this.title}`),
        this.replyBox,
        h(
          'div',
          { class: 'reply-actions' },
          this.draftStatus,
          h('button', { class: 'button primary' }, 'Send'),
        ),
      );
    }
    if (isCase) return null;
    return h(
      'p',
      { class: 'read-only-note' },
      'This conversation is read only: it has ended, or you opened it from Closed work items.',
    );
  }

  private async send(): Promise<void> {
    const box = this.replyBox;
    if (!box) return;
    const text = box.value.trim();
    if (text === '') return;
    const sent = await this.actions.reply(this.sessionId, text);
    if (!sent) {
      // Not sent: what is in the box is a draft again (sending had dropped the unsaved one).
      this.actions.draftChanged(this.sessionId, { reply: box.value });
      return;
    }
    if (box.value.trim() === text) {
      box.value = '';
      this.serverReply = '';
    }
    this.transcript.scrollToLatest();
  }

  private render(): void {
    const { conversation } = this.detail;
    this.stateChip.textContent = WORK_ITEM_STATE_LABELS[conversation.state];
    this.stateChip.dataset['state'] = conversation.state;
    this.transcript.update(this.detail.transcript);
    // The draft rides along in the conversation view; typing must not redraw the summary.
    const summary = JSON.stringify([{ ...conversation, draft: '' }, this.detail.sentimentTrend]);
    if (summary !== this.drawnSummary) {
      this.drawnSummary = summary;
      this.clamps.release(this.conversationPane);
      this.conversationPane.replaceChildren(...conversationSummary(this.detail, this.clamps));
    }
    this.element.dataset['loaded'] = String(this.detail.transcript.length);
  }

  /** The customer as the transcript names them (a case session's title is the case, not the customer). */
  private customerName(): string {
    const { conversation } = this.detail;
    return conversation.contactName ?? conversation.title;
  }
}
