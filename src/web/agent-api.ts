import type { PanelView, DashboardView, ActiveConversationView, KbSearchView, AgentView } from '../app/views';

/**
 * The agent workspace API (JSON under /api/agent), shared by the server and the tab's front end.
 * Every route but the sign-in ones needs `Authorization: Bearer <token>`: in Teams the tab's SSO token,
 * locally (anonymous mode only) the token the dev sign-in returns. An agent only ever sees their own state.
 *
 *   POST /api/agent/dev-sign-in            { agentId }            → DevSignInResponse   (anonymous mode only)
 *   GET  /api/agent/workspace                                     → WorkspaceState
 *   GET  /api/agent/sessions/:sessionId                           → SessionDetail       (404 for a session not theirs)
 *   POST /api/agent/actions                { verb, ...data }      → ActionResponse      (the same verbs and data as the cards)
 *   PUT  /api/agent/sessions/:sessionId/draft  DraftChange         → 204                 (debounced by the tab)
 *   GET  /api/agent/events                 (text/event-stream; token also accepted as ?access_token=)
 *        event `workspace` whenever the agent's panel, sessions or work items change (data: { at }).
 */

export const AGENT_API = {
  devSignIn: '/api/agent/dev-sign-in',
  workspace: '/api/agent/workspace',
  session: (sessionId: string) => `/api/agent/sessions/${encodeURIComponent(sessionId)}`,
  draft: (sessionId: string) => `/api/agent/sessions/${encodeURIComponent(sessionId)}/draft`,
  actions: '/api/agent/actions',
  events: '/api/agent/events',
} as const;

export interface DevSignInRequest {
  readonly agentId: string;
}

export interface DevSignInResponse {
  readonly token: string;
  readonly agentId: string;
  readonly expiresAt: number;
}

export interface WorkspaceState {
  readonly agentId: string;
  readonly panel: PanelView;
  readonly dashboard: DashboardView;
}

export interface SessionDetail {
  readonly sessionId: string;
  readonly conversation: ActiveConversationView;
  /** The full transcript, oldest first (the card shows only the last lines). */
  readonly transcript: readonly {
    readonly from: 'customer' | 'agent';
    readonly text: string;
    readonly at: number;
  }[];
  /** Sentiment level after each customer message, oldest first: the "sentiment over time" line. */
  readonly sentimentTrend: readonly { readonly at: number; readonly level: string }[];
  readonly draft: { readonly reply: string; readonly caseFields: Readonly<Record<string, string>> };
  readonly kb: KbSearchView;
}

export interface DraftChange {
  readonly reply?: string;
  readonly caseFields?: Readonly<Record<string, string>>;
}

export interface ActionResponse {
  readonly view: AgentView;
}

export interface ApiError {
  readonly code: string;
  readonly message: string;
}
