import type { AgentView, KbSearchView } from '../../app/views';
import { TAB_VERBS, VERBS } from '../../cards/verbs';
import { HOME_SESSION_ID } from '../../domain/agent-sessions';
import type { PresenceStatus } from '../../domain/presence';
import type { SessionDetail, WorkspaceState } from '../agent-api';
import { AgentApiError, type AgentApiClient } from './api-client';
import { CoalescedRun } from './coalesced-run';
import { ServerClock, browserClock, type TabClock } from './clock';
import { closeConfirmation, ConfirmDialog, endConfirmation } from './confirm-dialog';
import { teamworkActions } from './teamwork-actions';
import { ConnectionProblems } from './connection';
import type { DashboardActions } from './dashboard-view';
import { h } from './dom';
import { DraftSaver } from './draft-saver';
import { focusIsLost } from './focus';
import { LiveEvents } from './live-events';
import { refreshLiveTimes } from './live-times';
import { MainView } from './main-view';
import { Notices } from './notices';
import { OfferStrip } from './offer-strip';
import { QuickRepliesClient } from './quick-replies-client';
import { QuickReplyManager } from './quick-reply-manager';
import { SessionPanel } from './session-panel';
import { SupervisorFloor } from './supervisor-floor';
import type { SessionViewActions } from './session-view';
import { sessionKeptDrafts, type DraftStorage } from './kept-drafts';
import { browserSessionStorage, sendDraftsWhenThePageHides } from './page-drafts';
import { Topbar } from './topbar';
import { titleWithUnread, totalUnread, unreadCount } from './unread-count';

export interface WorkspaceOptions {
  readonly api: AgentApiClient;
  readonly container: HTMLElement;
  readonly signOut: (() => void) | undefined;
  readonly clock?: TabClock;
  readonly storage?: Storage;
  /** Where unsaved drafts are kept across a reload; default the browser's sessionStorage. */
  readonly sessionStorage?: DraftStorage;
}

const VIEW_ID = 'workspace-view';
/** Live times (waiting, offer countdowns) are brought up to date this often. */
const TICK_MS = 1000;

/** The agent workspace: session panel on the left, Home or the focused session on the right, kept live. */
export class Workspace {
  private readonly api: AgentApiClient;
  /** The browser's clock corrected to the server's: countdowns and waiting times are the server's. */
  private readonly clock: ServerClock;
  private readonly topbar: Topbar;
  private readonly panel: SessionPanel;
  private readonly view: MainView;
  private readonly notices: Notices;
  private readonly problems: ConnectionProblems;
  private readonly offers: OfferStrip;
  private readonly dialog = new ConfirmDialog();
  private readonly teamwork = teamworkActions(
    (verb, data) => this.act(verb, data),
    () => this.refresh().then(() => this.focusPanelIfLost()),
  );
  private readonly quickReplies: QuickReplyManager;
  private readonly floor: SupervisorFloor;
  private readonly quickReplyClient: QuickRepliesClient;
  private readonly saver: DraftSaver;
  private readonly live: LiveEvents;
  private state: WorkspaceState | undefined;
  /** A session the agent just chose, shown as focused until the server confirms it. */
  private choosing: string | undefined;
  private readonly refreshes = new CoalescedRun(() => this.refreshOnce());
  private panelNotice: string | undefined;

  constructor(private readonly options: WorkspaceOptions) {
    this.api = options.api;
    this.clock = new ServerClock(options.clock ?? browserClock);
    this.quickReplyClient = new QuickRepliesClient(this.api);
    this.quickReplies = new QuickReplyManager({
      client: this.quickReplyClient,
      report: (error) => this.problems.report(error, 'action'),
    });
    this.panel = new SessionPanel(
      {
        select: (sessionId) => void this.select(sessionId),
        requestClose: (sessionId, title) => void this.close(sessionId, title),
        toggle: () => void this.togglePanel(),
      },
      VIEW_ID,
    );
    this.notices = new Notices(this.clock);
    this.problems = new ConnectionProblems(this.notices, this.clock, () => void this.refresh());
    this.offers = new OfferStrip({
      clock: this.clock,
      notices: this.notices,
      storage: options.storage ?? window.localStorage,
      actions: {
        answerOffer: (offer, answer) => {
          this.offers.answered(offer);
          const verb = answer === 'accept' ? VERBS.accept : VERBS.reject;
          this.openWith(verb, { workItemId: offer.workItemId, offerId: offer.offerId }, answer === 'accept');
        },
      },
      onExpired: () => void this.refresh(),
    });
    this.saver = new DraftSaver({
      save: (sessionId, change, { keepalive }) => this.api.saveDraft(sessionId, change, keepalive),
      retryable: (error) => !(error instanceof AgentApiError && error.status >= 400 && error.status < 500),
      onStatus: (sessionId, status) => this.view.setDraftStatus(sessionId, status),
      kept: sessionKeptDrafts(options.sessionStorage ?? browserSessionStorage()),
    });
    this.view = new MainView({
      id: VIEW_ID,
      saver: this.saver,
      dashboardActions: this.dashboardActions,
      sessionActions: this.sessionActions,
    });
    const { clock, notices, dialog } = this;
    this.floor = new SupervisorFloor({ api: this.api, clock, notices, dialog, covers: this.view.element });
    this.topbar = new Topbar(options.signOut, [this.floor.button, this.quickReplies.button]);
    this.live = new LiveEvents({
      url: (fresh) => this.api.eventsUrl(fresh),
      onChange: () => void this.refresh(),
      onStatus: (status) => this.topbar.setLive(status),
    });
  }

  async start(): Promise<void> {
    this.options.container.replaceChildren(
      this.topbar.element,
      h(
        'div',
        { class: 'workspace' },
        this.panel.element,
        h('div', { class: 'workspace-main' }, this.offers.element, this.view.element, this.floor.element),
      ),
      this.notices.element,
      this.dialog.element,
      ...this.teamwork.dialogs,
      this.quickReplies.dialog,
    );
    this.options.container.removeAttribute('aria-busy');
    sendDraftsWhenThePageHides(this.saver);
    this.offers.prepareOnFirstGesture(document);
    await this.refresh();
    this.live.start();
    this.clock.every(TICK_MS, () => {
      const now = this.clock.now();
      refreshLiveTimes(this.options.container, now);
      this.offers.tick(now);
    });
  }

  /** Reads the workspace (and the focused session) again; calls during a refresh make one more pass after it. */
  refresh(): Promise<void> {
    return this.refreshes.run();
  }

  private async refreshOnce(): Promise<void> {
    // Whatever changed for the workspace may have changed the Floor too: read again while it is shown (throttled).
    this.floor.changed();
    try {
      await this.load();
      this.problems.recovered();
    } catch (error) {
      this.problems.report(error, 'refresh');
    }
  }

  private focusedId(state: WorkspaceState): string {
    return this.choosing ?? state.panel.rows.find((row) => row.focused)?.id ?? HOME_SESSION_ID;
  }

  private async load(): Promise<void> {
    const sentAt = this.clock.browserNow();
    const state = await this.api.workspace();
    this.clock.observe(state.now, sentAt);
    const focused = this.focusedId(state);
    let detail: SessionDetail | undefined;
    if (focused !== HOME_SESSION_ID) {
      try {
        detail = await this.api.session(focused);
      } catch (error) {
        if (!(error instanceof AgentApiError && error.status === 404)) throw error;
      }
    }
    this.state = state;
    this.render(state, focused, detail);
  }

  private render(state: WorkspaceState, focused: string, detail: SessionDetail | undefined): void {
    this.topbar.setAgent(`${state.panel.agentName} · ${state.panel.presenceLabel}`);
    this.topbar.showSoundSwitch(this.offers.soundFor(state.agentId));
    this.floor.allow(state.supervisor);
    this.panel.render(state.panel, focused);
    document.title = titleWithUnread(totalUnread(state.panel.rows));
    this.offers.update(state.offers);
    if (state.panel.notice && state.panel.notice !== this.panelNotice) {
      this.notices.show({ kind: 'notice', title: state.panel.notice, text: '', tone: 'default' });
    }
    this.panelNotice = state.panel.notice;
    if (focused === HOME_SESSION_ID) this.view.showHome(state, this.clock.now());
    else this.view.showSession(state, focused, detail, this.choosing !== undefined);
  }

  private async select(sessionId: string): Promise<void> {
    if (!this.state) return;
    // Choosing a session (Home too) leaves the Floor for it.
    this.floor.close();
    const current = this.focusedId(this.state);
    if (current === sessionId && (sessionId !== HOME_SESSION_ID || this.view.homeShown)) return;
    const row = this.state.panel.rows.find((candidate) => candidate.id === sessionId);
    if (row) this.view.rememberUnread(sessionId, unreadCount(row));
    // The panel shows the choice at once; the view changes when the session's detail has arrived.
    this.choosing = sessionId;
    this.panel.render(this.state.panel, sessionId);
    this.view.flushOpenSession();
    try {
      await this.act(VERBS.focus, { sessionId });
    } finally {
      this.choosing = undefined;
      await this.refresh();
    }
  }

  private async togglePanel(): Promise<void> {
    if (!this.state) return;
    const panel = this.state.panel;
    const mode = panel.mode === 'expanded' ? 'collapsed' : 'expanded';
    this.state = { ...this.state, panel: { ...panel, mode } };
    this.panel.render(this.state.panel, this.focusedId(this.state));
    await this.act(VERBS.togglePanel, { sessionId: this.focusedId(this.state) });
    await this.refresh();
  }

  private async close(sessionId: string, title: string): Promise<void> {
    if (this.dialog.open) return;
    await this.saver.flush(sessionId);
    const view = await this.act(VERBS.close, { sessionId });
    if (view?.kind !== 'close-confirm') {
      await this.refresh();
      return;
    }
    const confirmed = await this.dialog.ask(closeConfirmation(view.title || title));
    await this.act(confirmed ? VERBS.closeConfirm : VERBS.closeCancel, { sessionId });
    await this.refresh();
    if (!confirmed) this.panel.focusTab(sessionId);
    else this.focusPanelIfLost();
  }

  /** End tells the customer and cannot be undone: it is asked first, with Cancel as the default. */
  private async end(sessionId: string, title: string): Promise<void> {
    if (this.dialog.open) return;
    if (!(await this.dialog.ask(endConfirmation(title)))) return;
    await this.act(VERBS.end, { sessionId });
    await this.refresh();
    this.focusPanelIfLost();
  }

  /** The server saves the case from the session's draft, so what is on screen (typed < 400 ms ago) goes first. */
  private async saveCase(sessionId: string): Promise<void> {
    await this.saver.flush(sessionId);
    await this.act(TAB_VERBS.saveCase, { sessionId });
    await this.refresh();
  }

  /** After a session left, keyboard focus goes to the session shown now (its tab in the panel). */
  private focusPanelIfLost(): void {
    if (this.state && focusIsLost()) this.panel.focusTab(this.focusedId(this.state));
  }

  /** An action that opens a session (Pick, Open, Accept): the view it opens gets the keyboard focus. */
  private openWith(verb: string, data: Record<string, unknown>, opens = true): void {
    if (opens) this.floor.close();
    this.view.focusNextSession(opens);
    void this.act(verb, data)
      .then(() => this.refresh())
      .finally(() => this.view.focusNextSession(false));
  }

  /** One action through POST /api/agent/actions; a notice in the answer (a refusal, a confirmation) is shown. */
  private async act(
    verb: string,
    data: Record<string, unknown>,
    quietWhenGood = false,
  ): Promise<AgentView | undefined> {
    try {
      const { view } = await this.api.action(verb, data);
      this.problems.recovered();
      if (view.kind === 'notice' && !(quietWhenGood && view.tone === 'good')) this.notices.show(view);
      return view;
    } catch (error) {
      this.problems.report(error, 'action');
      return undefined;
    }
  }

  private readonly dashboardActions: DashboardActions = {
    pick: (workItemId) => this.openWith(VERBS.pick, { workItemId }),
    open: (workItemId, asCase) => this.openWith(asCase ? TAB_VERBS.openCase : VERBS.open, { workItemId }),
    presence: (presence: PresenceStatus) =>
      void this.act(VERBS.presence, { sessionId: HOME_SESSION_ID, presence }).then(() => this.refresh()),
  };

  private readonly sessionActions: SessionViewActions = {
    reply: async (sessionId, text) => {
      // The reply clears the saved draft; an older draft save landing after it would bring the text back.
      this.saver.discardReply(sessionId);
      await this.saver.settled(sessionId);
      // The transcript shows the reply: a "Sent" toast for every reply would only be noise.
      const view = await this.act(VERBS.reply, { sessionId, text }, true);
      await this.refresh();
      return view?.kind === 'notice' && view.tone === 'good';
    },
    end: (sessionId, title) => void this.end(sessionId, title),
    close: (sessionId, title) => void this.close(sessionId, title),
    kbSearch: async (sessionId, query): Promise<KbSearchView | undefined> => {
      const view = await this.act(VERBS.kbSearch, { sessionId, query });
      return view?.kind === 'kb-search' ? view : undefined;
    },
    kbArticle: (articleId) => this.problems.read(() => this.api.kbArticle(articleId)),
    draftChanged: (sessionId, change) => this.saver.schedule(sessionId, change),
    saveCase: (sessionId) => void this.saveCase(sessionId),
    openPrevious: (workItemId) => this.openWith(VERBS.open, { workItemId }),
    earlier: (sessionId, before) => this.problems.read(() => this.api.earlier(sessionId, before)),
    exportTranscript: (sessionId) => void this.problems.read(() => this.api.transcript(sessionId)),
    transfer: this.teamwork.transfer,
    consult: this.teamwork.consult,
    consultSay: this.teamwork.consultSay,
    consultAdd: this.teamwork.consultAdd,
    consultLeave: this.teamwork.consultLeave,
    finishWrapUp: this.teamwork.finishWrapUp,
    addNote: this.teamwork.addNote,
    quickReplies: (sessionId) => ({
      search: (query) => this.problems.read(() => this.quickReplyClient.search(query, sessionId)),
      manage: () => void this.quickReplies.open(),
    }),
  };
}
