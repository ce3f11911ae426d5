/**
 * Where the local Direct Line channel's conversations, transcripts and token digests outlive the process (the
 * desk's database: src/store/sql/webchat-archive.ts). The channel loads it once at start and then writes every
 * call's changes through, as one batch.
 */

export interface ArchivedActivity {
  readonly seq: number;
  readonly activityId: string;
  readonly relaydeskId: string | undefined;
  /** The activity as the channel serves it, JSON. */
  readonly json: string;
  readonly bytes: number;
}

export interface ArchivedToken {
  readonly tokenId: string;
  /** sha256 of the token's secret; the secret itself is never stored. */
  readonly digest: Buffer;
  readonly expiresAt: number;
  /** Issue order within its conversation: the oldest token is dropped first. */
  readonly issuedOrder: number;
}

export interface ArchivedConversation {
  readonly id: string;
  readonly userId: string;
  readonly lastUsedAt: number;
  readonly nextSeq: number;
  /** In seq order. */
  readonly activities: readonly ArchivedActivity[];
  /** In issue order. */
  readonly tokens: readonly ArchivedToken[];
}

/** One change of a channel call, in the order the call made it. */
export type ArchiveChange =
  | {
      readonly kind: 'conversation-opened';
      readonly conversationId: string;
      readonly userId: string;
      readonly lastUsedAt: number;
      readonly nextSeq: number;
    }
  | { readonly kind: 'conversation-used'; readonly conversationId: string; readonly lastUsedAt: number }
  | { readonly kind: 'conversation-ended'; readonly conversationId: string }
  | {
      readonly kind: 'activity-added';
      readonly conversationId: string;
      readonly activity: ArchivedActivity;
      /** The conversation's next seq after this one. */
      readonly nextSeq: number;
    }
  | { readonly kind: 'activity-removed'; readonly conversationId: string; readonly seq: number }
  | { readonly kind: 'token-issued'; readonly conversationId: string; readonly token: ArchivedToken }
  | { readonly kind: 'token-dropped'; readonly tokenId: string };

export interface WebchatArchive {
  /**
   * Everything kept, least recently used first, after deleting the conversations idle `idleMs` by `now` and the
   * tokens expired by then.
   */
  load(now: number, idleMs: number): Promise<ArchivedConversation[]>;
  /** Writes one channel call's changes, in order, as one transaction. */
  apply(changes: readonly ArchiveChange[]): Promise<void>;
}
