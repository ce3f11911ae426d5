import type { KbSearchView } from '../../app/views';
import { READ_ONLY_STATUS } from '../../domain/agent-sessions';
import { JOINED_STATUS, MONITOR_STATUS, type SupervisingRole } from '../../domain/supervising';
import type { DraftChange, KbArticle, SessionDetail, TranscriptPage } from '../agent-api';
import { buildCaseForm, type CaseInput } from './case-form';
import { Clamps } from './clamp';
import { conversationSummary } from './conversation-summary';
import { h } from './dom';
import type { DraftStatus } from './draft-saver';
import { WORK_ITEM_STATE_LABELS } from './format';
import { KbPane } from './kb-pane';
import { SessionTeamwork, type TeamworkViewActions } from './session-teamwork';
import { wrapUpForm } from './wrap-up-form';
import { paneTabs } from './pane-tabs';
import type { QuickReplySource } from './quick-reply-picker';
import { ReplyBox } from './reply-box';
import { TranscriptView } from './transcript-view';

export interface SessionViewActions extends TeamworkViewActions {
  /** Sends a reply; resolves true when it went out (the box is then emptied). */
  reply(sessionId: string, text: string): Promise<boolean>;
  end(sessionId: string, title: string): void;
  close(sessionId: string, title: string): void;
  kbSearch(sessionId: string, query: string): Promise<KbSearchView | undefined>;
  kbArticle(articleId: string): Promise<KbArticle | undefined>;
  /** The agent typed: the reply box or a case field changed. */
  draftChanged(sessionId: string, change: DraftChange): void;
  /** Save case: the case session's form as it is on screen. */
  saveCase(sessionId: string): void;
  /** One of the customer's earlier conversations, opened read-only. */
  openPrevious(workItemId: string): void;
  /** The page of the transcript before line `before`. */
  earlier(sessionId: string, before: number): Promise<TranscriptPage | undefined>;
  /** Finishes the wrap-up of an ended conversation; resolves true once it closed. */
  finishWrapUp(sessionId: string, outcome: string, note: string): Promise<boolean>;
  /** The `/` picker's quick replies for a session, and the way to the agent's own. */
  readonly quickReplies?: (sessionId: string) => QuickReplySource;
  /** Saves the session's transcript as a text file. */
  readonly exportTranscript?: (sessionId: string) => void;
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

/** Beside the heading of a Closed conversation opened for its history, in the panel's own word for it. */
const HISTORY_LABEL = `${READ_ONLY_STATUS} — read-only`;

/** Beside the heading of a colleague's conversation a supervisor looks at, in the panel's own words. */
const SUPERVISING_LABELS: Readonly<Record<SupervisingRole, string>> = {
  monitoring: `${MONITOR_STATUS} — read-only`,
  joined: `${JOINED_STATUS} as supervisor`,
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
  private readonly teamwork: SessionTeamwork;
  private readonly replyBox: ReplyBox | undefined;
  private readonly draftStatus: HTMLElement;
  private readonly caseInputs: ReadonlyMap<string, CaseInput>;
  /** A Closed conversation opened for its history: it must not pass for the customer's live one. */
  private readonly history: boolean;
  /** Ended and being wrapped up: the outcome form takes the reply box's place. */
  private readonly wrappingUp: boolean;
  /** A supervisor's look at a colleague's conversation: monitoring (read-only) or joined. */
  private readonly supervising: SupervisingRole | undefined;
  /** The last case fields the server sent, to tell the agent's edits from a draft saved elsewhere. */
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
    this.serverCaseFields = detail.draft.caseFields;
    const isCase = detail.kind === 'case';
    this.wrappingUp = detail.wrapUp !== undefined;
    this.supervising = detail.supervising;
    this.teamwork = new SessionTeamwork(detail, actions, () => this.title);
    this.history =
      detail.kind === 'conversation' &&
      detail.conversation.readOnly &&
      !this.wrappingUp &&
      !this.teamwork.consultant &&
      detail.supervising === undefined;

    // Focusable by script: a read-only session puts focus here when it opens.
    this.heading = h('h2', { id: 'session-title', tabindex: -1 }, title);
    this.stateChip = h('span', { id: 'session-state', class: 'state-chip' });
    this.draftStatus = h('p', { class: 'draft-status', role: 'status', 'aria-live': 'polite' });
    this.transcript = new TranscriptView(detail.transcript, detail.earlierMessages, context.unread, {
      agentId: context.agentId,
      loadEarlier: (before) => this.actions.earlier(this.sessionId, before),
      customerName: () => this.customerName(),
      label: `${this.history ? `${READ_ONLY_STATUS} conversation` : 'Conversation'} with ${title}`,
      clamps: this.clamps,
    });
    const caseForm = isCase
      ? buildCaseForm(detail, context.unsaved, {
          changed: (key, value) =>
            this.actions.draftChanged(this.sessionId, { caseFields: { [key]: value } }),
          save: () => this.actions.saveCase(this.sessionId),
          draftStatus: this.draftStatus,
        })
      : undefined;
    this.caseInputs = caseForm?.inputs ?? new Map();
    this.replyBox =
      detail.conversation.readOnly || this.wrappingUp ? undefined : this.buildReplyBox(context.unsaved);
    this.conversationPane = h('div', { class: 'conversation-body' });
    const replyBox = this.replyBox;
    this.kb = new KbPane(detail.kb, {
      search: (query) => this.actions.kbSearch(this.sessionId, query),
      article: (articleId) => this.actions.kbArticle(articleId),
      insert: replyBox ? (text) => replyBox.insert(text) : undefined,
    });

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
    const input: HTMLElement = this.replyBox?.input ?? this.caseInputs.values().next().value ?? this.heading;
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
    this.replyBox?.offerSaved(detail.draft.reply, pending?.reply !== undefined);
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
      class: `session-view${isCase ? ' case-session' : ''}${this.history ? ' history-view' : ''}`,
      'aria-labelledby': 'session-title',
      'aria-describedby': 'session-state',
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
        ...this.teamwork.paneParts,
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
        ...this.teamwork.buttons,
        isCase
          ? null
          : button(
              'End',
              () => this.actions.end(this.sessionId, this.title),
              readOnly || this.wrappingUp || this.teamwork.consultant || this.supervising !== undefined,
            ),
        // Ended: Finish (in the wrap-up form) is how it closes; a consultant leaves in the consult section.
        button(
          'Close',
          () => this.actions.close(this.sessionId, this.title),
          this.wrappingUp || this.teamwork.consultant,
        ),
        this.exportButton(),
      ),
    );
  }

  private exportButton(): HTMLElement | null {
    const save = this.actions.exportTranscript;
    if (!save) return null;
    return h(
      'button',
      { type: 'button', class: 'button subtle', onclick: () => save(this.sessionId) },
      'Export transcript',
    );
  }

  private buildReplyBox(unsaved: DraftChange | undefined): ReplyBox {
    return new ReplyBox({
      customer: this.title,
      initial: unsaved?.reply ?? this.detail.draft.reply,
      saved: this.detail.draft.reply,
      draftStatus: this.draftStatus,
      changed: (reply) => this.actions.draftChanged(this.sessionId, { reply }),
      send: (text) => this.actions.reply(this.sessionId, text),
      sent: () => this.transcript.scrollToLatest(),
      quickReplies: this.actions.quickReplies?.(this.sessionId),
    });
  }

  /** Whether this view can show `detail` (the same session, and ended or not as when it was built). */
  fits(detail: SessionDetail): boolean {
    return (
      detail.sessionId === this.sessionId &&
      (detail.wrapUp !== undefined) === this.wrappingUp &&
      detail.supervising === this.supervising &&
      // A consultant added to the conversation gains the reply box.
      (detail.conversation.readOnly || this.wrappingUp) === (this.replyBox === undefined) &&
      this.teamwork.fits(detail)
    );
  }

  private replyArea(isCase: boolean): HTMLElement | null {
    if (this.detail.wrapUp) {
      return wrapUpForm(this.detail.wrapUp, {
        finish: (outcome, note) => this.actions.finishWrapUp(this.sessionId, outcome, note),
      });
    }
    if (this.replyBox) return this.replyBox.element;
    if (isCase) return null;
    return h(
      'p',
      { class: 'read-only-note' },
      this.supervising === 'monitoring'
        ? 'You are monitoring this conversation: read only, and nobody is told. Join it from the Floor to write to the customer.'
        : 'This conversation is read only: it has ended, or you opened it from Closed work items.',
    );
  }

  private render(): void {
    const { conversation } = this.detail;
    this.stateChip.textContent = this.history
      ? HISTORY_LABEL
      : this.supervising !== undefined
        ? SUPERVISING_LABELS[this.supervising]
        : (this.teamwork.stateText(this.detail) ?? WORK_ITEM_STATE_LABELS[conversation.state]);
    this.teamwork.update(this.detail);
    this.stateChip.dataset['state'] = conversation.state;
    this.transcript.update(this.detail.transcript);
    // The draft rides along in the conversation view; typing must not redraw the summary.
    const summary = JSON.stringify([{ ...conversation, draft: '' }, this.detail.sentimentTrend]);
    if (summary !== this.drawnSummary) {
      this.drawnSummary = summary;
      this.clamps.release(this.conversationPane);
      this.conversationPane.replaceChildren(
        ...conversationSummary(this.detail, this.clamps, (workItemId) =>
          this.actions.openPrevious(workItemId),
        ),
      );
    }
    this.element.dataset['loaded'] = String(this.detail.transcript.length);
  }

  /** The customer as the transcript names them (a case session's title is the case, not the customer). */
  private customerName(): string {
    const { conversation } = this.detail;
    return conversation.contactName ?? conversation.title;
  }
}
