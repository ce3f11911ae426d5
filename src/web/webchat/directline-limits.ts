/** How much the local Direct Line channel keeps, in this process's memory (and in its archive, when it has one). */
export interface DirectLineLimits {
  /** Conversations kept at once; while that many are live, starting one more is refused (503), none is ended. */
  readonly maxConversations: number;
  /** Activities kept per conversation; older ones are dropped first. */
  readonly maxActivitiesPerConversation: number;
  /** Bytes of activity JSON kept per conversation (the newest activity is always kept). */
  readonly maxBytesPerConversation: number;
  /**
   * Bytes of activity JSON kept by all conversations together: past it, the conversations idle longest lose their
   * oldest activities first (each keeps its newest, and no conversation ends for it).
   */
  readonly maxTotalBytes: number;
  /** A conversation ends this long after its customer's last call (polling included). */
  readonly idleMs: number;
  /** A token's lifetime (`expires_in`); clients refresh before it ends. */
  readonly tokenTtlMs: number;
  /** Live tokens per conversation; refreshing beyond it drops the oldest. */
  readonly maxTokensPerConversation: number;
  /** Conversation starts one client address may ask for in a minute; more are refused (429). 0: no limit. */
  readonly maxStartsPerMinutePerAddress: number;
  /** Client addresses whose minute is counted at once; past it the oldest minutes are forgotten. */
  readonly maxTrackedAddresses: number;
}

export const DEFAULT_DIRECT_LINE_LIMITS: DirectLineLimits = {
  maxConversations: 1000,
  maxActivitiesPerConversation: 500,
  maxBytesPerConversation: 512 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  idleMs: 60 * 60 * 1000,
  tokenTtlMs: 30 * 60 * 1000,
  maxTokensPerConversation: 4,
  maxStartsPerMinutePerAddress: 30,
  maxTrackedAddresses: 10_000,
};
