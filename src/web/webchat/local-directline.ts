import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../app/ports';
import {
  MAX_DISPLAY_NAME_CHARS,
  WEBCHAT_CHANNEL_ID,
  type ActivitySet,
  type ChannelAccount,
  type ChatActivity,
} from './directline-contract';
import { isObject } from '../../shared/json';

/** How much the channel keeps; everything lives in this process's memory. */
export interface DirectLineLimits {
  /** Conversations kept at once; starting one more ends the one idle longest. */
  readonly maxConversations: number;
  /** Activities kept per conversation; older ones are dropped first. */
  readonly maxActivitiesPerConversation: number;
  /** Bytes of activity JSON kept per conversation (the newest activity is always kept). */
  readonly maxBytesPerConversation: number;
  /** A conversation ends this long after its customer's last call (polling included). */
  readonly idleMs: number;
  /** A token's lifetime (`expires_in`); clients refresh before it ends. */
  readonly tokenTtlMs: number;
  /** Live tokens per conversation; refreshing beyond it drops the oldest. */
  readonly maxTokensPerConversation: number;
}

export const DEFAULT_DIRECT_LINE_LIMITS: DirectLineLimits = {
  maxConversations: 1000,
  maxActivitiesPerConversation: 500,
  maxBytesPerConversation: 512 * 1024,
  idleMs: 60 * 60 * 1000,
  tokenTtlMs: 30 * 60 * 1000,
  maxTokensPerConversation: 4,
};

/** The bot as the channel names it to its customers; the desk's replies come from this account. */
export const BOT_ACCOUNT: ChannelAccount = { id: 'relaydesk', name: 'Relaydesk', role: 'bot' };

export interface LocalDirectLineOptions {
  readonly clock: Clock;
  readonly limits?: Partial<DirectLineLimits>;
  /** Ids the channel must never give a customer (AGENT_IDS): in anonymous mode `from.id` can make an agent. */
  readonly reservedUserIds?: Iterable<string>;
  /** Random bytes for ids and tokens; crypto's by default. */
  readonly randomBytes?: (size: number) => Buffer;
}

export interface StartedConversation {
  readonly conversationId: string;
  readonly userId: string;
  readonly token: string;
  readonly expiresInSeconds: number;
  /** Conversations ended meanwhile: idle too long, or the ones idle longest, to make room. */
  readonly ended: readonly { readonly conversationId: string; readonly reason: 'idle' | 'room' }[];
}

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

/** What the desk sent through the connector, as the channel keeps it. */
export interface BotActivityInput {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly textFormat?: unknown;
  readonly attachments?: unknown;
  readonly replyToId?: unknown;
  readonly from?: unknown;
  readonly channelData?: unknown;
}

interface StoredActivity {
  readonly seq: number;
  readonly activity: ChatActivity;
  readonly bytes: number;
  /** The outbox's stable id: a repeated send of the same message is stored once. */
  readonly relaydeskId?: string;
}

interface TokenRecord {
  readonly digest: Buffer;
  readonly expiresAt: number;
}

interface Conversation {
  readonly id: string;
  readonly userId: string;
  lastUsedAt: number;
  nextSeq: number;
  bytes: number;
  readonly activities: StoredActivity[];
  /** By token id; insertion order is issue order. */
  readonly tokens: Map<string, TokenRecord>;
}

const TOKEN_ID_BYTES = 12;
const TOKEN_SECRET_BYTES = 32;
/** `<token id>.<secret>`, both base64url: the id finds the record, the secret is compared in constant time. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
const MAX_TYPE_CHARS = 50;
const MAX_ID_CHARS = 200;

function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A display name a client may give itself: trimmed, no control characters, at most 64 characters; else none. */
export function displayNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean === '' ? undefined : [...clean].slice(0, MAX_DISPLAY_NAME_CHARS).join('');
}

/** The watermark query value as a sequence number: absent or '' is 0; anything but digits is undefined. */
export function parseWatermark(value: unknown): number | undefined {
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

export function activityIdOf(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/**
 * The local Direct Line channel's state: conversations, their bound customer and tokens, and their transcripts,
 * in memory and bounded (see DirectLineLimits). No I/O and no timers: expiry is checked whenever a conversation
 * is reached, and expired ones are purged when a new one starts. Time comes from the clock.
 */
export class LocalDirectLine {
  readonly limits: DirectLineLimits;
  /** Least recently used first: a customer's call moves their conversation to the end. */
  private readonly conversations = new Map<string, Conversation>();
  /** Token id → conversation id. */
  private readonly tokenOwners = new Map<string, string>();
  private readonly reserved: ReadonlySet<string>;
  private readonly random: (size: number) => Buffer;

  constructor(private readonly options: LocalDirectLineOptions) {
    this.limits = { ...DEFAULT_DIRECT_LINE_LIMITS, ...options.limits };
    this.reserved = new Set(options.reservedUserIds ?? []);
    this.random = options.randomBytes ?? randomBytes;
  }

  /** Conversations alive now. */
  get size(): number {
    this.purgeExpired();
    return this.conversations.size;
  }

  /** A new conversation with a new customer id, bound to a new token. */
  start(): StartedConversation {
    const ended: { conversationId: string; reason: 'idle' | 'room' }[] = this.purgeExpired().map(
      (conversationId) => ({ conversationId, reason: 'idle' }),
    );
    while (this.conversations.size >= this.limits.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
      ended.push({ conversationId: oldest, reason: 'room' });
    }
    let conversationId = this.randomId(16);
    while (this.conversations.has(conversationId)) conversationId = this.randomId(16);
    let userId = `dl-${this.randomId(12)}`;
    while (this.reserved.has(userId)) userId = `dl-${this.randomId(12)}`;
    this.conversations.set(conversationId, {
      id: conversationId,
      userId,
      lastUsedAt: this.now(),
      nextSeq: 1,
      bytes: 0,
      activities: [],
      tokens: new Map(),
    });
    const issued = this.issueToken(conversationId);
    return {
      conversationId,
      userId,
      token: issued.token,
      expiresInSeconds: issued.expiresInSeconds,
      ended,
    };
  }

  /**
   * Checks a customer's call: the conversation (when the route names one) must be alive, the token well formed,
   * issued for that conversation, not expired, and its secret must match. A good call keeps the conversation alive.
   */
  authorize(conversationId: string | undefined, token: string | undefined): AccessOutcome {
    if (conversationId !== undefined && !this.alive(conversationId)) {
      return { ok: false, status: 404, reason: 'no such conversation' };
    }
    if (token === undefined || token === '') return { ok: false, status: 401, reason: 'no token' };
    const shape = TOKEN_SHAPE.exec(token);
    const tokenId = shape?.[1];
    const secret = shape?.[2];
    if (tokenId === undefined || secret === undefined) {
      return { ok: false, status: 401, reason: 'malformed token' };
    }
    const ownerId = this.tokenOwners.get(tokenId);
    const owner = ownerId !== undefined && this.alive(ownerId) ? this.conversations.get(ownerId) : undefined;
    const record = owner?.tokens.get(tokenId);
    if (!owner || !record) return { ok: false, status: 401, reason: 'unknown token' };
    if (!timingSafeEqual(digestOf(secret), record.digest)) {
      return { ok: false, status: 401, reason: 'wrong token' };
    }
    if (record.expiresAt <= this.now()) return { ok: false, status: 401, reason: 'expired token' };
    if (conversationId !== undefined && owner.id !== conversationId) {
      return { ok: false, status: 401, reason: 'token of another conversation' };
    }
    this.touch(owner);
    return { ok: true, conversationId: owner.id, userId: owner.userId };
  }

  /** A new token for a live conversation (refresh); older tokens stay valid until they expire. */
  issueToken(conversationId: string): IssuedToken {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new Error(`No conversation ${conversationId}`);
    const now = this.now();
    for (const [tokenId, record] of conversation.tokens) {
      if (record.expiresAt <= now) this.dropToken(conversation, tokenId);
    }
    while (conversation.tokens.size >= this.limits.maxTokensPerConversation) {
      const oldest = conversation.tokens.keys().next().value;
      if (oldest === undefined) break;
      this.dropToken(conversation, oldest);
    }
    let tokenId = this.randomId(TOKEN_ID_BYTES);
    while (this.tokenOwners.has(tokenId)) tokenId = this.randomId(TOKEN_ID_BYTES);
    const secret = this.randomId(TOKEN_SECRET_BYTES);
    conversation.tokens.set(tokenId, { digest: digestOf(secret), expiresAt: now + this.limits.tokenTtlMs });
    this.tokenOwners.set(tokenId, conversationId);
    return {
      conversationId,
      token: `${tokenId}.${secret}`,
      expiresInSeconds: Math.floor(this.limits.tokenTtlMs / 1000),
    };
  }

  /** The customer's message, stamped by the channel: their bound id, the conversation, an id and the time. */
  addCustomerMessage(access: Access, text: string, name: string | undefined): ChatActivity {
    const conversation = this.required(access.conversationId);
    const from: ChannelAccount = { id: conversation.userId, ...(name ? { name } : {}), role: 'user' };
    return this.append(conversation, (id, timestamp) => ({
      type: 'message',
      id,
      timestamp,
      channelId: WEBCHAT_CHANNEL_ID,
      conversation: { id: conversation.id },
      from,
      text,
      textFormat: 'plain',
    })).activity;
  }

  /** Takes a customer's message back out of the transcript (the desk did not take it). */
  withdraw(conversationId: string, activityId: string): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    const index = conversation.activities.findIndex((stored) => stored.activity.id === activityId);
    if (index < 0) return;
    const [removed] = conversation.activities.splice(index, 1);
    conversation.bytes -= removed?.bytes ?? 0;
  }

  /** Whether the desk can still write to this conversation. */
  has(conversationId: string): boolean {
    return this.alive(conversationId);
  }

  /**
   * Keeps an activity the desk sent (a send, or a reply to `replyToId`) and returns its id; undefined when the
   * conversation is unknown or over. A repeat of a send already kept (same relaydeskId) is kept once.
   */
  addBotActivity(conversationId: string, input: BotActivityInput, replyToId?: string): string | undefined {
    if (!this.alive(conversationId)) return undefined;
    const conversation = this.required(conversationId);
    const relaydeskId = relaydeskIdOf(input.channelData);
    if (relaydeskId !== undefined) {
      const repeat = conversation.activities.find((stored) => stored.relaydeskId === relaydeskId);
      if (repeat) return repeat.activity.id;
    }
    const stored = this.append(
      conversation,
      (id, timestamp) => botActivity(conversation.id, id, timestamp, input, replyToId),
      relaydeskId,
    );
    return stored.activity.id;
  }

  /**
   * Replaces an activity the desk sent before, keeping its id; it comes again after the current watermark so
   * pollers see the change. Undefined when the conversation or the activity is not there.
   */
  updateBotActivity(conversationId: string, activityId: string, input: BotActivityInput): string | undefined {
    if (!this.alive(conversationId)) return undefined;
    const conversation = this.required(conversationId);
    const index = conversation.activities.findIndex(
      (stored) => stored.activity.id === activityId && stored.activity.from.role === 'bot',
    );
    const previous = conversation.activities[index];
    if (index < 0 || !previous) return undefined;
    conversation.activities.splice(index, 1);
    conversation.bytes -= previous.bytes;
    const replyToId = previous.activity.replyToId;
    this.append(
      conversation,
      (_id, timestamp) => botActivity(conversation.id, activityId, timestamp, input, replyToId),
      previous.relaydeskId,
    );
    return activityId;
  }

  /** The activities after `watermark`, in order, and the watermark to ask with next. */
  activitiesSince(conversationId: string, watermark: number): ActivitySet {
    const conversation = this.required(conversationId);
    return {
      activities: conversation.activities
        .filter((stored) => stored.seq > watermark)
        .map((stored) => stored.activity),
      watermark: String(conversation.nextSeq - 1),
    };
  }

  private append(
    conversation: Conversation,
    build: (id: string, timestamp: string) => ChatActivity,
    relaydeskId?: string,
  ): StoredActivity {
    const seq = conversation.nextSeq;
    conversation.nextSeq += 1;
    const activity = build(activityIdOf(conversation.id, seq), new Date(this.now()).toISOString());
    const stored: StoredActivity = {
      seq,
      activity,
      bytes: Buffer.byteLength(JSON.stringify(activity), 'utf8'),
      ...(relaydeskId !== undefined ? { relaydeskId } : {}),
    };
    conversation.activities.push(stored);
    conversation.bytes += stored.bytes;
    while (
      conversation.activities.length > 1 &&
      (conversation.activities.length > this.limits.maxActivitiesPerConversation ||
        conversation.bytes > this.limits.maxBytesPerConversation)
    ) {
      const dropped = conversation.activities.shift();
      conversation.bytes -= dropped?.bytes ?? 0;
    }
    return stored;
  }

  private alive(conversationId: string): boolean {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return false;
    if (this.now() - conversation.lastUsedAt < this.limits.idleMs) return true;
    this.remove(conversationId);
    return false;
  }

  private required(conversationId: string): Conversation {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new Error(`No conversation ${conversationId}`);
    return conversation;
  }

  private touch(conversation: Conversation): void {
    conversation.lastUsedAt = this.now();
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
  }

  /** Ends the conversations idle too long; the map is in order of last use, so it stops at the first live one. */
  private purgeExpired(): string[] {
    const purged: string[] = [];
    for (const [id, conversation] of this.conversations) {
      if (this.now() - conversation.lastUsedAt < this.limits.idleMs) break;
      this.remove(id);
      purged.push(id);
    }
    return purged;
  }

  private remove(conversationId: string): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    for (const tokenId of conversation.tokens.keys()) this.tokenOwners.delete(tokenId);
    this.conversations.delete(conversationId);
  }

  private dropToken(conversation: Conversation, tokenId: string): void {
    conversation.tokens.delete(tokenId);
    this.tokenOwners.delete(tokenId);
  }

  private randomId(bytes: number): string {
    return this.random(bytes).toString('base64url');
  }

  private now(): number {
    return this.options.clock.now();
  }
}

function relaydeskIdOf(channelData: unknown): string | undefined {
  const value = isObject(channelData) ? channelData['relaydeskId'] : undefined;
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS ? value : undefined;
}

/** What the channel keeps of the desk's activity: the fields a chat client shows, addressed by the channel. */
function botActivity(
  conversationId: string,
  id: string,
  timestamp: string,
  input: BotActivityInput,
  replyToId: string | undefined,
): ChatActivity {
  const from = isObject(input.from) ? input.from : {};
  const fromId = typeof from['id'] === 'string' && from['id'] !== '' ? from['id'] : BOT_ACCOUNT.id;
  const fromName = typeof from['name'] === 'string' && from['name'] !== '' ? from['name'] : BOT_ACCOUNT.name;
  const type =
    typeof input.type === 'string' && input.type !== '' ? input.type.slice(0, MAX_TYPE_CHARS) : 'message';
  const answers =
    replyToId ??
    (typeof input.replyToId === 'string' && input.replyToId !== '' ? input.replyToId : undefined);
  return {
    type,
    id,
    timestamp,
    channelId: WEBCHAT_CHANNEL_ID,
    conversation: { id: conversationId },
    from: { id: fromId.slice(0, MAX_ID_CHARS), ...(fromName ? { name: fromName } : {}), role: 'bot' },
    ...(typeof input.text === 'string' ? { text: input.text } : {}),
    ...(typeof input.textFormat === 'string'
      ? { textFormat: input.textFormat.slice(0, MAX_TYPE_CHARS) }
      : {}),
    ...(Array.isArray(input.attachments) && input.attachments.length > 0
      ? { attachments: input.attachments as unknown[] }
      : {}),
    ...(answers !== undefined ? { replyToId: answers.slice(0, MAX_ID_CHARS) } : {}),
  };
}
