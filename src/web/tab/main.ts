import type { AgentView, KbSearchView, NoticeView } from '../../app/views';
import { TAB_VERBS, VERBS } from '../../cards/verbs';
import { HOME_SESSION_ID } from '../../domain/agent-sessions';
import type { PresenceStatus } from '../../domain/presence';
import type { SessionDetail, WorkspaceState } from '../agent-api';
import { AgentApiClient, AgentApiError, type TokenSource } from './api-client';
import { CloseDialog } from './close-dialog';
import { renderDashboard, renderOffers, type DashboardActions, type OfferActions } from './dashboard-view';
import { byId, h } from './dom';
import { DraftSaver } from './draft-saver';
import { DevSignInTokens, connectTeams, toTheme, type Theme } from './host';
import { LiveEvents, type LiveStatus } from './live-events';
import { SessionPanel, sessionTabId } from './session-panel';
import { SessionView, type SessionViewActions } from './session-view';

const VIEW_ID = 'workspace-view';
const LIVE_TEXT: Readonly<Record<LiveStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** The folder the page is served from: the API and assets are resolved against it, so a path prefix works. */
const ROOT = new URL('.', window.location.href);

function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

/** The agent workspace: session panel on the left, Home or the focused session on the right, kept live. */
class Workspace {
  private readonly panel: SessionPanel;
  private readonly view: HTMLElement;
  private readonly notices: HTMLElement;
  /** Offers waiting for Accept / Reject, above every view. */
  private readonly incoming: HTMLElement;
  private readonly liveStatus: HTMLElement;
  private readonly agentName: HTMLElement;
  private readonly dialog = new CloseDialog();
  private readonly saver: DraftSaver;
  private readonly live: LiveEvents;
  private state: WorkspaceState | undefined;
  private sessionView: SessionView | undefined;
  /** A session the agent just chose, shown as focused until the server confirms it. */
  private choosing: string | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private shownHome = false;
  /** What Home and the offers were last drawn from: unchanged data is not redrawn (an open select stays open). */
  private drawnHome = '';
  private drawnOffers = '';
  private panelNotice: string | undefined;

  constructor(
    private readonly api: AgentApiClient,
    private readonly container: HTMLElement,
    private readonly signOut: (() => void) | undefined,
  ) {
    this.panel = new SessionPanel(
      {
        select: (sessionId) => void this.select(sessionId),
        requestClose: (sessionId, title) => void this.close(sessionId, title),
        toggle: () => void this.togglePanel(),
      },
      VIEW_ID,
    );
    this.saver = new DraftSaver({
      save: (sessionId, change, { keepalive }) => this.api.saveDraft(sessionId, change, keepalive),
      retryable: (error) => !(error instanceof AgentApiError && error.status >= 400 && error.status < 500),
      onStatus: (sessionId, status) => {
        if (this.sessionView?.sessionId === sessionId) this.sessionView.setDraftStatus(status);
      },
    });
    this.live = new LiveEvents({
      url: (fresh) => this.api.eventsUrl(fresh),
      onChange: () => void this.refresh(),
      onStatus: (status) => {
        this.liveStatus.textContent = LIVE_TEXT[status];
        this.liveStatus.dataset['status'] = status;
      },
    });
    this.view = h('main', { id: VIEW_ID, class: 'workspace-view', role: 'tabpanel', tabindex: -1 });
    this.incoming = h('div', { class: 'incoming' });
    this.notices = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
    this.liveStatus = h('span', { class: 'live-status', 'data-status': 'connecting' }, LIVE_TEXT.connecting);
    this.agentName = h('span', { class: 'agent-name' });
  }

  async start(): Promise<void> {
    this.container.replaceChildren(
      h(
        'header',
        { class: 'topbar' },
        h('h1', { class: 'brand' }, 'Relaydesk'),
        this.agentName,
        this.liveStatus,
        this.signOut
          ? h('button', { type: 'button', class: 'button subtle small', onclick: this.signOut }, 'Sign out')
          : null,
      ),
      h(
        'div',
        { class: 'workspace' },
        this.panel.element,
        h('div', { class: 'workspace-main' }, this.incoming, this.view),
      ),
      this.notices,
      this.dialog.element,
    );
    this.container.removeAttribute('aria-busy');
    // A reload or a closed tab must not lose what was typed in the last 400 ms.
    window.addEventListener('pagehide', () => this.saver.sendAllNow({ keepalive: true }));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.saver.sendAllNow({ keepalive: true });
    });
    await this.refresh();
    this.live.start();
  }

  /** Reads the workspace (and the focused session) again; calls during a refresh make one more pass after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          await this.load();
        } catch (error) {
          this.showError(error);
        }
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private focusedId(state: WorkspaceState): string {
    return this.choosing ?? state.panel.rows.find((row) => row.focused)?.id ?? HOME_SESSION_ID;
  }

  private async load(): Promise<void> {
    const state = await this.api.workspace();
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
    this.agentName.textContent = `${state.panel.agentName} · ${state.panel.presenceLabel}`;
    this.panel.render(state.panel, focused);
    const offers = JSON.stringify(state.offers);
    if (offers !== this.drawnOffers) {
      this.drawnOffers = offers;
      const keepOfferFocus = restorableFocus(this.incoming);
      this.incoming.replaceChildren(
        ...(state.offers.length > 0 ? [renderOffers(state.offers, this.offerActions, Date.now())] : []),
      );
      keepOfferFocus();
    }
    this.view.setAttribute('aria-labelledby', sessionTabId(focused));
    if (state.panel.notice && state.panel.notice !== this.panelNotice) {
      this.showNotice({ kind: 'notice', title: state.panel.notice, text: '', tone: 'default' });
    }
    this.panelNotice = state.panel.notice;

    if (focused === HOME_SESSION_ID) {
      this.leaveSession();
      const home = JSON.stringify([state.dashboard, state.panel.presence]);
      if (this.shownHome && home === this.drawnHome) return;
      const keep = restorableFocus(this.view);
      this.view.replaceChildren(
        renderDashboard(state.dashboard, state.panel, this.dashboardActions, Date.now()),
      );
      this.shownHome = true;
      this.drawnHome = home;
      keep();
      return;
    }
    this.shownHome = false;
    const row = state.panel.rows.find((candidate) => candidate.id === focused);
    const title = row?.title ?? detail?.conversation.title ?? '';
    if (!detail) {
      this.leaveSession();
      this.view.replaceChildren(
        h(
          'p',
          { class: 'loading' },
          this.choosing ? `Opening ${title}…` : `${title} is no longer available.`,
        ),
      );
      return;
    }
    if (this.sessionView?.sessionId === detail.sessionId) {
      this.sessionView.update(detail, title, this.saver.pendingChange(detail.sessionId));
      return;
    }
    this.leaveSession();
    this.sessionView = new SessionView(
      detail,
      title,
      this.sessionActions,
      this.saver.pendingChange(detail.sessionId),
    );
    this.view.replaceChildren(this.sessionView.element);
  }

  /** The view is about to show something else: what was typed in the session is saved now. */
  private leaveSession(): void {
    if (!this.sessionView) return;
    void this.saver.flush(this.sessionView.sessionId);
    this.sessionView = undefined;
  }

  private async select(sessionId: string): Promise<void> {
    if (!this.state) return;
    const current = this.focusedId(this.state);
    if (current === sessionId && (sessionId !== HOME_SESSION_ID || this.shownHome)) return;
    // The panel shows the choice at once; the view changes when the session's detail has arrived.
    this.choosing = sessionId;
    this.panel.render(this.state.panel, sessionId);
    if (this.sessionView) void this.saver.flush(this.sessionView.sessionId);
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
    const answer = await this.dialog.ask(view.title || title);
    await this.act(answer === 'close' ? VERBS.closeConfirm : VERBS.closeCancel, { sessionId });
    await this.refresh();
    if (answer === 'cancel') this.panel.focusTab(sessionId);
  }

  /** One action through POST /api/agent/actions; a notice in the answer (a refusal, a confirmation) is shown. */
  private async act(verb: string, data: Record<string, unknown>): Promise<AgentView | undefined> {
    try {
      const { view } = await this.api.action(verb, data);
      if (view.kind === 'notice') this.showNotice(view);
      return view;
    } catch (error) {
      this.showError(error);
      return undefined;
    }
  }

  private readonly dashboardActions: DashboardActions = {
    pick: (workItemId) => void this.act(VERBS.pick, { workItemId }).then(() => this.refresh()),
    open: (workItemId, asCase) =>
      void this.act(asCase ? TAB_VERBS.openCase : VERBS.open, { workItemId }).then(() => this.refresh()),
    presence: (presence: PresenceStatus) =>
      void this.act(VERBS.presence, { sessionId: HOME_SESSION_ID, presence }).then(() => this.refresh()),
  };

  private readonly offerActions: OfferActions = {
    answerOffer: (offer, answer) =>
      void this.act(answer === 'accept' ? VERBS.accept : VERBS.reject, {
        workItemId: offer.workItemId,
        offerId: offer.offerId,
      }).then(() => this.refresh()),
  };

  private readonly sessionActions: SessionViewActions = {
    reply: async (sessionId, text) => {
      // The reply clears the saved draft; an older draft save landing after it would bring the text back.
      this.saver.discardReply(sessionId);
      await this.saver.settled(sessionId);
      const view = await this.act(VERBS.reply, { sessionId, text });
      await this.refresh();
      return view?.kind === 'notice' && view.tone === 'good';
    },
    end: (sessionId) => void this.act(VERBS.end, { sessionId }).then(() => this.refresh()),
    close: (sessionId, title) => void this.close(sessionId, title),
    kbSearch: async (sessionId, query): Promise<KbSearchView | undefined> => {
      const view = await this.act(VERBS.kbSearch, { sessionId, query });
      return view?.kind === 'kb-search' ? view : undefined;
    },
    draftChanged: (sessionId, change) => this.saver.schedule(sessionId, change),
  };

  private showNotice(view: NoticeView): void {
    const item = h(
      'div',
      { class: `notice tone-${view.tone}` },
      h('strong', {}, view.title),
      view.text ? ` ${view.text}` : '',
      h(
        'button',
        { type: 'button', class: 'notice-dismiss', 'aria-label': 'Dismiss', onclick: () => item.remove() },
        '×',
      ),
    );
    this.notices.append(item);
    while (this.notices.children.length > 3) this.notices.firstElementChild?.remove();
    if (view.tone === 'good' || view.tone === 'default') window.setTimeout(() => item.remove(), 4000);
  }

  private showError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.showNotice({ kind: 'notice', title: 'Something went wrong.', text: message, tone: 'attention' });
  }
}

/** Remembers which button had focus (by data-focus-key) so a re-rendered view can give it back. */
function restorableFocus(container: HTMLElement): () => void {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && container.contains(active) ? active.dataset['focusKey'] : undefined;
  const id = active instanceof HTMLElement && container.contains(active) ? active.id : '';
  return () => {
    if (key) container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
    else if (id) document.getElementById(id)?.focus();
  };
}

function showSignIn(container: HTMLElement, tokens: DevSignInTokens, error?: string): void {
  const input = h('input', { id: 'agent-id', name: 'agentId', autocomplete: 'username', required: true });
  const problem = h('p', { class: 'sign-in-error', role: 'alert' }, error ?? '');
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: (event) => {
        event.preventDefault();
        const agentId = input.value.trim();
        if (!agentId) return;
        tokens.signIn(agentId).then(
          () => void startWorkspace(container, tokens, () => signOutDev(tokens)),
          (failure: unknown) => (problem.textContent = signInProblem(failure)),
        );
      },
    },
    h('h1', {}, 'Relaydesk'),
    h('p', {}, 'Sign in to the agent workspace (local development).'),
    h('label', { for: 'agent-id' }, 'Agent id'),
    input,
    h('button', { class: 'button primary' }, 'Sign in'),
    problem,
    h(
      'p',
      { class: 'hint' },
      'Any id in AGENT_IDS, while the bot runs without MicrosoftAppId. In Teams you are signed in with your Teams account.',
    ),
  );
  container.replaceChildren(form);
  container.removeAttribute('aria-busy');
  input.focus();
}

function signInProblem(error: unknown): string {
  if (error instanceof AgentApiError) {
    if (error.status === 403 || error.status === 401) return `Not signed in: ${error.message}`;
    if (error.status === 404) return 'The dev sign-in is off: this server runs with a Microsoft app id.';
    return error.message;
  }
  return 'The server cannot be reached.';
}

/** Back to the sign-in form, on a fresh page so nothing of the last agent's workspace stays live. */
function signOutDev(tokens: DevSignInTokens): void {
  tokens.signOut();
  const url = new URL(window.location.href);
  url.searchParams.delete('agent');
  window.location.replace(url);
}

async function startWorkspace(
  container: HTMLElement,
  tokens: TokenSource,
  signOut?: () => void,
): Promise<void> {
  const workspace = new Workspace(new AgentApiClient(ROOT, tokens), container, signOut);
  await workspace.start();
}

async function main(): Promise<void> {
  const container = byId('app');
  const params = new URLSearchParams(window.location.search);
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
  applyTheme(params.has('theme') ? toTheme(params.get('theme') ?? undefined) : dark ? 'dark' : 'default');

  const teams = await connectTeams(applyTheme);
  if (teams) {
    applyTheme(teams.theme);
    await startWorkspace(container, teams.tokens);
    return;
  }
  const tokens = new DevSignInTokens(ROOT);
  const agent = params.get('agent');
  if (agent && tokens.agentId !== agent) {
    tokens.signOut();
    try {
      await tokens.signIn(agent);
    } catch (error) {
      showSignIn(container, tokens, signInProblem(error));
      return;
    }
  }
  if (!tokens.agentId) {
    showSignIn(container, tokens);
    return;
  }
  await startWorkspace(container, tokens, () => signOutDev(tokens));
}

main().catch((error: unknown) => {
  const container = document.getElementById('app');
  container?.replaceChildren(
    h(
      'div',
      { class: 'fatal', role: 'alert' },
      h('p', {}, 'The workspace could not start.'),
      h('p', {}, error instanceof Error ? error.message : String(error)),
      h('button', { type: 'button', class: 'button', onclick: () => window.location.reload() }, 'Try again'),
    ),
  );
  container?.removeAttribute('aria-busy');
});
