/** What the local Direct Line channel answers its callers. */

export interface StartedConversation {
  readonly conversationId: string;
  readonly userId: string;
  readonly token: string;
  readonly expiresInSeconds: number;
}

/** A start the channel would not make now, and when asking again may work (Retry-After). */
export interface StartRefused {
  readonly ok: false;
  /** 429: this address has used up its minute; 503: maxConversations are live. */
  readonly status: 429 | 503;
  readonly reason: 'too many starts from this address' | 'full';
  readonly retryAfterSeconds: number;
  /** The first refusal of its burst (this address's minute, or this spell of being full): the one worth a log line. */
  readonly firstOfBurst: boolean;
  /** Conversations found idle too long, and ended, on the way. */
  readonly endedIdle: readonly string[];
}

export type StartOutcome =
  ({ readonly ok: true; readonly endedIdle: readonly string[] } & StartedConversation) | StartRefused;

export interface IssuedToken {
  readonly conversationId: string;
  readonly token: string;
  readonly expiresInSeconds: number;
}

/** Who a valid token speaks for. */
export interface Access {
  readonly conversationId: string;
  readonly userId: string;
}

export type AccessOutcome =
  | ({ readonly ok: true } & Access)
  | { readonly ok: false; readonly status: 401 | 404; readonly reason: string };
