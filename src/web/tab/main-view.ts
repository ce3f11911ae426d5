import { HOME_SESSION_ID } from '../../domain/agent-sessions';
import type { SessionDetail, WorkspaceState } from '../agent-api';
import { renderDashboard, type DashboardActions } from './dashboard-view';
import { h } from './dom';
import type { DraftSaver, DraftStatus } from './draft-saver';
import { focusIsLost, restorableFocus } from './focus';
import { sessionTabId } from './session-panel';
import { SessionView, type SessionViewActions } from './session-view';

export interface MainViewOptions {
  readonly id: string;
  readonly saver: DraftSaver;
  readonly dashboardActions: DashboardActions;
  readonly sessionActions: SessionViewActions;
}

/**
 * The right-hand side: Home (the dashboard) or the focused session. A session view is kept while the same
 * session stays focused, so what the agent types, the scroll position and focus survive each refresh.
 */
export class MainView {
  readonly element: HTMLElement;
  private sessionView: SessionView | undefined;
  private shownHome = false;
  /** What Home was last drawn from: unchanged data is not redrawn (an open select stays open). */
  private drawnHome = '';
  private focusOnOpen = false;
  /** Unread counts read just before the agent opened a session (opening clears them on the server). */
  private readonly unreadAtOpen = new Map<string, number>();

  constructor(private readonly options: MainViewOptions) {
    this.element = h('main', { id: options.id, class: 'workspace-view', role: 'tabpanel', tabindex: -1 });
  }

  get homeShown(): boolean {
    return this.shownHome;
  }

  /** The session about to open had this many unread messages: its "New messages" divider goes above them. */
  rememberUnread(sessionId: string, count: number): void {
    this.unreadAtOpen.set(sessionId, count);
  }

  /** Pick, Accept and Open: the session they open next gets the keyboard focus. */
  focusNextSession(on: boolean): void {
    this.focusOnOpen = on;
  }

  setDraftStatus(sessionId: string, status: DraftStatus): void {
    if (this.sessionView?.sessionId === sessionId) this.sessionView.setDraftStatus(status);
  }

  showHome(state: WorkspaceState, now: number): void {
    this.labelledBy(HOME_SESSION_ID);
    this.leaveSession();
    const home = JSON.stringify([state.dashboard, state.panel.presence]);
    if (this.shownHome && home === this.drawnHome) return;
    const keep = restorableFocus(this.element);
    this.element.replaceChildren(
      renderDashboard(state.dashboard, state.panel, this.options.dashboardActions, now),
    );
    this.shownHome = true;
    this.drawnHome = home;
    keep();
  }

  /** `detail` is undefined while it loads (`opening`) or when the session is gone. */
  showSession(
    state: WorkspaceState,
    focused: string,
    detail: SessionDetail | undefined,
    opening: boolean,
  ): void {
    this.labelledBy(focused);
    this.shownHome = false;
    const title =
      state.panel.rows.find((row) => row.id === focused)?.title ?? detail?.conversation.title ?? '';
    if (!detail) {
      this.leaveSession();
      const text = opening ? `Opening ${title}…` : `${title} is no longer available.`;
      this.element.replaceChildren(h('p', { class: 'loading' }, text));
      return;
    }
    const pending = this.options.saver.pendingChange(detail.sessionId);
    if (this.sessionView?.fits(detail)) {
      this.sessionView.update(detail, title, pending);
      return;
    }
    this.leaveSession();
    const unread = this.unreadAtOpen.get(detail.sessionId) ?? 0;
    this.unreadAtOpen.delete(detail.sessionId);
    this.sessionView = new SessionView(detail, title, this.options.sessionActions, {
      agentId: state.agentId,
      unread,
      unsaved: pending,
    });
    this.element.replaceChildren(this.sessionView.element);
    // Checked after the old view left: a Pick or Accept button that had focus is gone now.
    this.sessionView.mounted(this.focusOnOpen || focusIsLost());
    this.focusOnOpen = false;
  }

  /** Saves what was typed in the open session now (the agent is switching away). */
  flushOpenSession(): void {
    if (this.sessionView) void this.options.saver.flush(this.sessionView.sessionId);
  }

  /** The view is about to show something else: what was typed in the session is saved now. */
  private leaveSession(): void {
    if (!this.sessionView) return;
    this.flushOpenSession();
    this.sessionView.dispose();
    this.sessionView = undefined;
  }

  private labelledBy(sessionId: string): void {
    this.element.setAttribute('aria-labelledby', sessionTabId(sessionId));
  }
}
