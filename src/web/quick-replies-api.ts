import type { QuickReplyHit } from '../app/views';

export type { QuickReplyHit };

/**
 * The agent workspace API's quick replies (src/web/agent-api-quick-replies.ts), shared by the server and the tab.
 * Same sign-in as every agent API route; an agent only ever reads or changes their own (another agent's id is 404).
 *
 *   GET    /api/agent/quick-replies?q=<words|#tag>&sessionId=<id>&limit=<n> → QuickReplySearch
 *          the best matches, own and team's; with sessionId (one of the agent's sessions, else 404), placeholders
 *          are filled for it and any left are named in `unfilled`. No q lists them, own first, A to Z.
 *   GET    /api/agent/quick-replies/mine                                   → OwnQuickReplies
 *   POST   /api/agent/quick-replies          QuickReplyBody                 → 201 { quickReply: OwnQuickReply }
 *   PUT    /api/agent/quick-replies/:id      QuickReplyBody & { version }   → 200 { quickReply: OwnQuickReply }
 *   DELETE /api/agent/quick-replies/:id                                     → 204
 *
 * 400 `BadRequest` for a body or query that is not what the route takes (named); 404 `NotFound` for an id that is
 * not one of the agent's own (the team's are read only: they are edited in QUICK_REPLIES_FILE); 409
 * `QuickReplyLimit` when the agent already has the most they may keep, 409 `Conflict` for an edit of a version
 * changed since (reload and edit again).
 */
export const QUICK_REPLIES_API = {
  search: (query: string, sessionId?: string) => {
    const params = new URLSearchParams({ q: query });
    if (sessionId !== undefined) params.set('sessionId', sessionId);
    return `/api/agent/quick-replies?${params.toString()}`;
  },
  collection: '/api/agent/quick-replies',
  mine: '/api/agent/quick-replies/mine',
  one: (quickReplyId: string) => `/api/agent/quick-replies/${encodeURIComponent(quickReplyId)}`,
} as const;

export interface QuickReplySearch {
  readonly quickReplies: readonly QuickReplyHit[];
}

/** One of the agent's own, as they edit it; `version` goes back with an edit. */
export interface OwnQuickReply {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
  readonly version: number;
  readonly updatedAt: number;
}

export interface OwnQuickReplies {
  readonly quickReplies: readonly OwnQuickReply[];
  /** What an agent may keep, and how long each field may be. */
  readonly limits: QuickReplyLimits;
  /** The placeholders filled at send, as written in a text: `{customerName}`, … */
  readonly placeholders: readonly string[];
}

export interface QuickReplyLimits {
  readonly perAgent: number;
  readonly titleChars: number;
  readonly textChars: number;
  readonly tags: number;
}

export interface QuickReplyBody {
  readonly title: string;
  readonly text: string;
  /** Words without spaces, `#` optional; kept lower case. */
  readonly tags?: readonly string[];
}

export interface QuickReplyEdit extends QuickReplyBody {
  /** The version the agent edited: a newer one is refused with 409. */
  readonly version: number;
}

export interface QuickReplyAnswer {
  readonly quickReply: OwnQuickReply;
}
