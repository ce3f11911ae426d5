import type {
  PanelView,
  DashboardView,
  ActiveConversationView,
  KbSearchView,
  AgentView,
  OfferView,
  TranscriptEntry,
  TranscriptPage,
  KbArticleView,
  WrapUpView,
  ConsultView,
} from '../app/views';

export type { TranscriptPage };

/** GET AGENT_API.kbArticle(id): one knowledge-base article in full. */
export type KbArticle = KbArticleView;

/**
 * The agent workspace API (JSON under /api/agent), shared by the server and the tab's front end.
 * Every route but the sign-in ones needs `Authorization: Bearer <token>`: in Teams the tab's SSO token,
 * locally (anonymous mode only) the token the dev sign-in returns. An agent only ever sees their own state.
 *
 *   POST /api/agent/dev-sign-in            { agentId }            → DevSignInResponse   (anonymous mode only)
 *   GET  /api/agent/workspace                                     → WorkspaceState
 *   GET  /api/agent/sessions/:sessionId                           → SessionDetail       (404 for a session not theirs)
 *   GET  /api/agent/sessions/:sessionId/messages?before=<seq>     → TranscriptPage      (the page before line <seq>)
 *   POST /api/agent/actions                { verb, ...data }      → ActionResponse      (the same verbs and data as the cards)
 *   PUT  /api/agent/sessions/:sessionId/draft  DraftChange         → 204                 (debounced by the tab)
 *   GET  /api/agent/events                 (text/event-stream; token also accepted as ?access_token=)
 *        event `workspace` whenever the agent's panel, sessions or work items change (data: { at }).
 *   …/api/agent/quick-replies                                      → the agent's quick replies (src/web/quick-replies-api.ts)
 *
 * As implemented (src/web/agent-api-routes.ts):
 * - Tokens. Teams mode (MicrosoftAppId set): the SSO token is verified with jose against TAB_SSO_JWKS_URI
 *   (RS256, `iss` = TAB_SSO_ISSUER, `aud` = TAB_SSO_AUDIENCE, `exp` required, 60 s skew); the agent is its `oid`
 *   claim, which must be in AGENT_IDS (else 403), and its `name` keeps the display name current. Anonymous
 *   mode: only dev sign-in tokens (HS256, random secret per process, 1 hour). Dev sign-in answers 404 with
 *   MicrosoftAppId set, 403 for an id not in AGENT_IDS, 400 for a body without `agentId`.
 * - Errors are ApiError JSON: 400 `BadRequest` (malformed body or verb data, as the verb table reads it),
 *   401 `Unauthorized` (no, garbled, expired, forged or wrong-audience token; with `WWW-Authenticate`),
 *   403 `Forbidden` (not an agent), 404 `NotFound` (not your session), 413 (body over MAX_BODY_KB),
 *   503 `TabSsoNotConfigured` (Teams mode without TAB_SSO_*) or `AuthUnavailable` (keys could not be fetched).
 * - Actions: every card verb (src/cards/verbs.ts VERBS) with the cards' data, plus TAB_VERBS (`openCase`
 *   `{ workItemId }`: a case session `case:<workItemId>`). A refused action (not your session, no longer
 *   available, maximum sessions) is still 200 with a `notice` view, as a card press gets a refusal card;
 *   nothing changes then. Actions change the same store the chat uses, so the chat's cards follow.
 * - Drafts: `reply` is kept up to MAX_TEXT_CHARS (cut beyond); `caseFields` keys must be CASE_FIELD_KEYS
 *   (title ≤ 200 chars, description ≤ MAX_TEXT_CHARS, priority one of CASE_PRIORITIES or ''); given fields
 *   replace, others stay. 404 for a session not theirs (Home has no draft).
 * - Events: `retry: 2000` first, then `event: workspace` at once and after each change (changes within
 *   50 ms merge into one event), a `: heartbeat` comment line every 15 s; the stream ends when the token
 *   expires or the server closes (the browser reconnects by itself; get a fresh token on a 401).
 */

export const AGENT_API = {
  devSignIn: '/api/agent/dev-sign-in',
  workspace: '/api/agent/workspace',
  session: (sessionId: string) => `/api/agent/sessions/${encodeURIComponent(sessionId)}`,
  draft: (sessionId: string) => `/api/agent/sessions/${encodeURIComponent(sessionId)}/draft`,
  earlier: (sessionId: string, before: number) =>
    `/api/agent/sessions/${encodeURIComponent(sessionId)}/messages?before=${before}`,
  actions: '/api/agent/actions',
  kbArticle: (articleId: string) => `/api/agent/kb/${encodeURIComponent(articleId)}`,
  events: '/api/agent/events',
} as const;

/** The case form's fields (a case session's `draft.caseFields`) in the order the form shows them, and its priorities. */
export { CASE_FIELD_KEYS, CASE_PRIORITIES } from '../app/case-sessions';

export interface DevSignInRequest {
  /** Any of the agent's ids in AGENT_IDS; the answer's `agentId` is their key. */
  readonly agentId: string;
  /** The name customers see for this agent, until Teams gives one (1–64 characters). */
  readonly name?: string;
}

export interface DevSignInResponse {
  readonly token: string;
  readonly agentId: string;
  readonly expiresAt: number;
}

export interface WorkspaceState {
  readonly agentId: string;
  /** The server's time (epoch ms) when the state was read: countdowns and "waiting" times are measured on it. */
  readonly now: number;
  readonly panel: PanelView;
  readonly dashboard: DashboardView;
  /**
   * Added: the offers waiting for this agent's Accept / Reject, oldest first (the tab's incoming-conversation
   * notifications). Answer one with the `accept` / `reject` action and its `{ workItemId, offerId }`.
   */
  readonly offers: readonly OfferView[];
  /** Added: the signed-in member is a supervisor (SUPERVISOR_IDS): the tab shows the Floor (src/web/supervisor-api.ts). */
  readonly supervisor: boolean;
}

export interface SessionDetail {
  readonly sessionId: string;
  /** Added: 'conversation', or 'case' for a case session (its form is `draft.caseFields`). */
  readonly kind: 'conversation' | 'case' | 'contact';
  /** Added: the work item the session is on (a case session's id is `case:<workItemId>`). */
  readonly workItemId: string;
  /** Read-only (no reply box) for a case session and for a Closed conversation opened for its history. */
  readonly conversation: ActiveConversationView;
  /**
   * The latest lines of the transcript (at most 50), oldest first; `seq` numbers each line in the conversation.
   * An agent's line carries who wrote it (`agentId`, `agentName`: "You" is only the signed-in agent's own) and,
   * when known, its `delivery`. Earlier lines come a page at a time from AGENT_API.earlier.
   */
  readonly transcript: readonly TranscriptEntry[];
  /** Whether the conversation has lines before the first one here. */
  readonly earlierMessages: boolean;
  /** Sentiment level after each customer message, oldest first: the "sentiment over time" line. */
  readonly sentimentTrend: readonly { readonly at: number; readonly level: string }[];
  readonly draft: { readonly reply: string; readonly caseFields: Readonly<Record<string, string>> };
  /** KB articles for the customer's latest message. */
  readonly kb: KbSearchView;
  /**
   * Added: set while the conversation has ended and is being wrapped up: the outcomes to choose from (answer with
   * the `wrapUp` action, `{ sessionId, outcome, note }`), how long it holds capacity, when it closes by itself.
   */
  readonly wrapUp?: WrapUpView;
  /**
   * Added: the conversation's consult, while it has consultants (for its agent) or for a consultant: who consults,
   * and the private thread (answer with `consultNote`, `consultAdd`, `consultLeave`).
   */
  readonly consult?: ConsultView;
  /**
   * Added: a supervisor's session on a colleague's conversation (POST /api/supervisor/actions `monitor`, `join`):
   * 'monitoring' reads it (read-only), 'joined' writes to the customer too.
   */
  readonly supervising?: 'monitoring' | 'joined';
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
