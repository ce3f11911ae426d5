import type { ChatActivity } from './directline-contract';
import { activityIdOf } from './channel-activities';
import type { DirectLineLimits } from './directline-limits';
import type { ArchiveChange, ArchivedConversation } from './webchat-archive';

export interface StoredActivity {
  readonly seq: number;
  readonly activity: ChatActivity;
  readonly bytes: number;
  /** The outbox's stable id: a repeated send of the same message is stored once. */
  readonly relaydeskId?: string;
}

export interface TokenRecord {
  readonly digest: Buffer;
  readonly expiresAt: number;
  readonly issuedOrder: number;
}

export interface Conversation {
  readonly id: string;
  readonly userId: string;
  lastUsedAt: number;
  /** lastUsedAt as the archive last got it: it is written at most once per TOUCH_WRITE_MS. */
  archivedUsedAt: number;
  nextSeq: number;
  bytes: number;
  readonly activities: StoredActivity[];
  /** By token id; insertion order is issue order. */
  readonly tokens: Map<string, TokenRecord>;
}

/**
 * How often a conversation's last use is written to the archive: every call changes it, and a restart that finds
 * it up to this much older only ends the conversation that much early (against an idle end of an hour).
 */
const TOUCH_WRITE_MS = 60 * 1000;

/**
 * The channel's conversations in memory, with their tokens and transcripts, kept within the limits; every change
 * is also noted as an ArchiveChange, which the channel takes after each call to write it through. Bytes are
 * counted as activities come and go, so staying under maxTotalBytes costs nothing until it is reached.
 */
export class ConversationBook {
  /** Least recently used first: a customer's call moves their conversation to the end. */
  private readonly conversations = new Map<string, Conversation>();
  /** Token id → conversation id. */
  private readonly tokenOwners = new Map<string, string>();
  /** Bytes of activity JSON kept by all conversations. */
  private keptBytes = 0;
  private changes: ArchiveChange[] = [];

  constructor(
    private readonly limits: DirectLineLimits,
    private readonly now: () => number,
  ) {}

  /** The changes made since the last call, in order. */
  takeChanges(): ArchiveChange[] {
    const taken = this.changes;
    this.changes = [];
    return taken;
  }

  /** Takes in what the archive kept, then trims it to the current limits (which may be lower than the last run's). */
  restore(kept: readonly ArchivedConversation[]): void {
    for (const { id, userId, lastUsedAt, nextSeq, activities, tokens } of kept) {
      const conversation = this.add(id, userId, lastUsedAt, nextSeq);
      for (const { seq, json, bytes, relaydeskId } of activities) {
        const activity = JSON.parse(json) as ChatActivity;
        const kept = relaydeskId !== undefined ? { relaydeskId } : {};
        conversation.activities.push({ seq, activity, bytes, ...kept });
        conversation.bytes += bytes;
      }
      for (const { tokenId, digest, expiresAt, issuedOrder } of tokens) {
        conversation.tokens.set(tokenId, { digest, expiresAt, issuedOrder });
        this.tokenOwners.set(tokenId, id);
      }
      this.keptBytes += conversation.bytes;
    }
    for (const conversation of this.conversations.values()) this.fitConversation(conversation);
    this.fitTotal();
  }

  get count(): number {
    return this.conversations.size;
  }

  get totalBytes(): number {
    return this.keptBytes;
  }

  /** The conversation idle longest. */
  idlest(): Conversation | undefined {
    return this.conversations.values().next().value;
  }

  has(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  hasToken(tokenId: string): boolean {
    return this.tokenOwners.has(tokenId);
  }

  /** Whether the conversation is alive; one idle too long is ended on the way. */
  alive(conversationId: string): boolean {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return false;
    if (this.isLive(conversation)) return true;
    this.remove(conversationId);
    return false;
  }

  required(conversationId: string): Conversation {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new Error(`No conversation ${conversationId}`);
    return conversation;
  }

  /** The live conversation a token was issued for, if any. */
  ownerOfToken(tokenId: string): Conversation | undefined {
    const ownerId = this.tokenOwners.get(tokenId);
    return ownerId !== undefined && this.alive(ownerId) ? this.conversations.get(ownerId) : undefined;
  }

  open(conversationId: string, userId: string): Conversation {
    const now = this.now();
    this.changes.push({ kind: 'conversation-opened', conversationId, userId, lastUsedAt: now, nextSeq: 1 });
    return this.add(conversationId, userId, now, 1);
  }

  /** A call of its customer: the conversation becomes the most recently used. */
  touch(conversation: Conversation): void {
    conversation.lastUsedAt = this.now();
    if (conversation.lastUsedAt - conversation.archivedUsedAt >= TOUCH_WRITE_MS) {
      const { id: conversationId, lastUsedAt } = conversation;
      this.changes.push({ kind: 'conversation-used', conversationId, lastUsedAt });
      conversation.archivedUsedAt = lastUsedAt;
    }
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
  }

  /** Ends the conversations idle too long; the map is in order of last use, so it stops at the first live one. */
  purgeExpired(): string[] {
    const purged: string[] = [];
    for (const [id, conversation] of this.conversations) {
      if (this.isLive(conversation)) break;
      this.remove(id);
      purged.push(id);
    }
    return purged;
  }

  /** Drops the conversation's expired tokens, then its oldest until one more fits. */
  makeRoomForToken(conversation: Conversation): void {
    const now = this.now();
    for (const [tokenId, record] of conversation.tokens) {
      if (record.expiresAt <= now) this.dropToken(conversation, tokenId);
    }
    while (conversation.tokens.size >= this.limits.maxTokensPerConversation) {
      const oldest = conversation.tokens.keys().next().value;
      if (oldest === undefined) break;
      this.dropToken(conversation, oldest);
    }
  }

  addToken(conversation: Conversation, tokenId: string, digest: Buffer, expiresAt: number): void {
    const newest = [...conversation.tokens.values()].at(-1);
    const record: TokenRecord = { digest, expiresAt, issuedOrder: newest ? newest.issuedOrder + 1 : 0 };
    this.changes.push({
      kind: 'token-issued',
      conversationId: conversation.id,
      token: { tokenId, ...record },
    });
    conversation.tokens.set(tokenId, record);
    this.tokenOwners.set(tokenId, conversation.id);
  }

  /** Appends an activity built for the next seq, then trims the conversation and the channel to their bounds. */
  append(
    conversation: Conversation,
    build: (id: string, timestamp: string) => ChatActivity,
    relaydeskId?: string,
  ): StoredActivity {
    const seq = conversation.nextSeq;
    conversation.nextSeq += 1;
    const activity = build(activityIdOf(conversation.id, seq), new Date(this.now()).toISOString());
    const json = JSON.stringify(activity);
    const stored: StoredActivity = {
      seq,
      activity,
      bytes: Buffer.byteLength(json, 'utf8'),
      ...(relaydeskId !== undefined ? { relaydeskId } : {}),
    };
    this.changes.push({
      kind: 'activity-added',
      conversationId: conversation.id,
      activity: { seq, activityId: activity.id, relaydeskId, json, bytes: stored.bytes },
      nextSeq: conversation.nextSeq,
    });
    conversation.activities.push(stored);
    conversation.bytes += stored.bytes;
    this.keptBytes += stored.bytes;
    this.fitConversation(conversation);
    this.fitTotal();
    return stored;
  }

  takeOut(conversation: Conversation, index: number): void {
    const [removed] = conversation.activities.splice(index, 1);
    if (!removed) return;
    this.changes.push({ kind: 'activity-removed', conversationId: conversation.id, seq: removed.seq });
    conversation.bytes -= removed.bytes;
    this.keptBytes -= removed.bytes;
  }

  private add(id: string, userId: string, lastUsedAt: number, nextSeq: number): Conversation {
    const conversation: Conversation = {
      id,
      userId,
      lastUsedAt,
      archivedUsedAt: lastUsedAt,
      nextSeq,
      bytes: 0,
      activities: [],
      tokens: new Map(),
    };
    this.conversations.set(id, conversation);
    return conversation;
  }

  private isLive(conversation: Conversation): boolean {
    return this.now() - conversation.lastUsedAt < this.limits.idleMs;
  }

  /** Drops the conversation's oldest activities past its own bounds, keeping its newest. */
  private fitConversation(conversation: Conversation): void {
    while (
      conversation.activities.length > 1 &&
      (conversation.activities.length > this.limits.maxActivitiesPerConversation ||
        conversation.bytes > this.limits.maxBytesPerConversation)
    ) {
      this.takeOut(conversation, 0);
    }
  }

  /**
   * Past maxTotalBytes: ends the conversations already over, then takes the oldest activities of the ones idle
   * longest first (the map's order), each keeping its newest, until the channel fits again.
   */
  private fitTotal(): void {
    if (this.keptBytes <= this.limits.maxTotalBytes) return;
    this.purgeExpired();
    for (const conversation of this.conversations.values()) {
      while (conversation.activities.length > 1 && this.keptBytes > this.limits.maxTotalBytes) {
        this.takeOut(conversation, 0);
      }
      if (this.keptBytes <= this.limits.maxTotalBytes) return;
    }
  }

  private remove(conversationId: string): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    this.changes.push({ kind: 'conversation-ended', conversationId });
    for (const tokenId of conversation.tokens.keys()) this.tokenOwners.delete(tokenId);
    this.keptBytes -= conversation.bytes;
    this.conversations.delete(conversationId);
  }

  private dropToken(conversation: Conversation, tokenId: string): void {
    this.changes.push({ kind: 'token-dropped', tokenId });
    conversation.tokens.delete(tokenId);
    this.tokenOwners.delete(tokenId);
  }
}
