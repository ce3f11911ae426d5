import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../app/ports';
import {
  MAX_DISPLAY_NAME_CHARS,
  WEBCHAT_CHANNEL_ID,
  relaydeskNoticeOf,
  type ActivitySet,
  type ChannelAccount,
  type ChatActivity,
} from './directline-contract';
import { isObject } from '../../shared/json';
import type { WebchatArchive } from './webchat-archive';

/** How much the channel keeps, in this process's memory (and in its archive, when it has one). */
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

/** The bot as the channel names it to its customers; the desk's replies come from this account. */
export const BOT_ACCOUNT: ChannelAccount = { id: 'relaydesk', name: 'Relaydesk', role: 'bot' };

export interface LocalDirectLineOptions {
  readonly clock: Clock;
  readonly limits?: Partial<DirectLineLimits>;
  /** Ids the channel must never give a customer (AGENT_IDS): in anonymous mode `from.id` can make an agent. */
  readonly reservedUserIds?: Iterable<string>;
  /** Random bytes for ids and tokens; crypto's by default. */
  readonly randomBytes?: (size: number) => Buffer;
  /**
   * Where conversations, transcripts and token digests outlive the process: loaded at construction, and every
   * change is written through. None: memory only.
   */
  readonly archive?: WebchatArchive;
}

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
  /** lastUsedAt as the archive last got it: it is written at most once per TOUCH_WRITE_MS. */
  archivedUsedAt: number;
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
const START_WINDOW_MS = 60 * 1000;
/** A full channel asks clients back within a minute at most: room comes whenever a conversation idles out. */
const MAX_FULL_RETRY_AFTER_SECONDS = 60;
/**
 * How often a conversation's last use is written to the archive: every call changes it, and a restart that finds
 * it up to this much older only ends the conversation that much early (against an idle end of an hour).
 */
const TOUCH_WRITE_MS = 60 * 1000;

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

/** Whole seconds from `now` until `at`, at least 1 (a Retry-After of 0 would invite an immediate retry). */
function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

interface StartWindow {
  readonly openedAt: number;
  starts: number;
  refusals: number;
}

type StartAdmission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number; readonly firstOfBurst: boolean };

/**
 * Conversation starts per client address, counted in a fixed minute from each address's first start. The map is
 * in order of opening, so ended minutes are forgotten from its front and, past maxAddresses, so are the oldest.
 */
class StartWindows {
  private readonly windows = new Map<string, StartWindow>();

  constructor(
    private readonly perMinute: number,
    private readonly maxAddresses: number,
  ) {}

  /** Counts a start from `address`, or refuses it when the address's minute is used up. */
  admit(address: string, now: number): StartAdmission {
    if (this.perMinute <= 0) return { admitted: true };
    this.forgetEnded(now);
    const window = this.windowOf(address, now);
    if (window.starts < this.perMinute) {
      window.starts += 1;
      return { admitted: true };
    }
    window.refusals += 1;
    return {
      admitted: false,
      retryAfterSeconds: secondsUntil(window.openedAt + START_WINDOW_MS, now),
      firstOfBurst: window.refusals === 1,
    };
  }

  /** Addresses counted now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private windowOf(address: string, now: number): StartWindow {
    const known = this.windows.get(address);
    if (known) return known;
    for (const oldest of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(oldest);
    }
    const opened: StartWindow = { openedAt: now, starts: 0, refusals: 0 };
    this.windows.set(address, opened);
    return opened;
  }

  private forgetEnded(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.openedAt < START_WINDOW_MS) break;
      this.windows.delete(address);
    }
  }
}

/**
 * The local Direct Line channel's state: conversations, their bound customer and tokens, and their transcripts,
 * in memory and bounded (see DirectLineLimits), written through to a WebchatArchive when given one (synchronous
 * SQLite, so these methods stay synchronous). No timers: expiry is checked whenever a conversation
 * is reached, and expired ones are purged when a new one starts. Time comes from the clock. Bytes are counted as
 * activities come and go, so staying under maxTotalBytes costs nothing until it is reached.
 */
export class LocalDirectLine {
  readonly limits: DirectLineLimits;
  /** Least recently used first: a customer's call moves their conversation to the end. */
  private readonly conversations = new Map<string, Conversation>();
  /** Token id → conversation id. */
  private readonly tokenOwners = new Map<string, string>();
  private readonly reserved: ReadonlySet<string>;
  private readonly random: (size: number) => Buffer;
  private readonly startWindows: StartWindows;
  /** Bytes of activity JSON kept by all conversations. */
  private keptBytes = 0;
  /** Whether the last start was refused for want of room: the next refusal belongs to the same burst. */
  private refusingForRoom = false;
  private readonly archive: WebchatArchive | undefined;

  constructor(private readonly options: LocalDirectLineOptions) {
    this.limits = { ...DEFAULT_DIRECT_LINE_LIMITS, ...options.limits };
    this.reserved = new Set(options.reservedUserIds ?? []);
    this.random = options.randomBytes ?? randomBytes;
    this.startWindows = new StartWindows(
      this.limits.maxStartsPerMinutePerAddress,
      this.limits.maxTrackedAddresses,
    );
    this.archive = options.archive;
    this.restore();
  }

  /**
   * Takes in what the archive kept (it drops what has expired by now), rebuilds the byte counts and the token
   * index, then trims to the current limits (which may be lower than the last run's).
   */
  private restore(): void {
    const archive = this.archive;
    if (!archive) return;
    archive.transaction(() => {
      for (const kept of archive.load(this.now(), this.limits.idleMs)) {
        const conversation: Conversation = {
          id: kept.id,
          userId: kept.userId,
          lastUsedAt: kept.lastUsedAt,
          archivedUsedAt: kept.lastUsedAt,
          nextSeq: kept.nextSeq,
          bytes: 0,
          activities: [],
          tokens: new Map(),
        };
        for (const { seq, json, bytes, relaydeskId } of kept.activities) {
          const activity = JSON.parse(json) as ChatActivity;
          conversation.activities.push({
            seq,
            activity,
            bytes,
            ...(relaydeskId !== undefined ? { relaydeskId } : {}),
          });
          conversation.bytes += bytes;
        }
        for (const { tokenId, digest, expiresAt } of kept.tokens) {
          conversation.tokens.set(tokenId, { digest, expiresAt });
          this.tokenOwners.set(tokenId, conversation.id);
        }
        this.conversations.set(conversation.id, conversation);
        this.keptBytes += conversation.bytes;
      }
      for (const conversation of this.conversations.values()) this.fitConversation(conversation);
      this.fitTotal();
    });
  }

  /** Runs a call's changes as one archive transaction (just runs them without an archive). */
  private atomically<T>(work: () => T): T {
    return this.archive ? this.archive.transaction(work) : work();
  }

  /** Conversations alive now. */
  get size(): number {
    this.atomically(() => this.purgeExpired());
    return this.conversations.size;
  }

  /** Bytes of activity JSON the channel keeps now, all conversations together. */
  get totalBytes(): number {
    return this.keptBytes;
  }

  /** Client addresses whose starts are being counted now. */
  get trackedAddresses(): number {
    return this.startWindows.size;
  }

  /**
   * A new conversation with a new customer id, bound to a new token, for a client at `address`; refused (429) past
   * the address's starts per minute, and (503) while maxConversations are live: a live conversation never ends
   * to make room.
   */
  start(address: string): StartOutcome {
    return this.atomically(() => this.startNow(address));
  }

  private startNow(address: string): StartOutcome {
    const admission = this.startWindows.admit(address, this.now());
    if (!admission.admitted) {
      const { retryAfterSeconds, firstOfBurst } = admission;
      return {
        ok: false,
        status: 429,
        reason: 'too many starts from this address',
        retryAfterSeconds,
        firstOfBurst,
        endedIdle: [],
      };
    }
    const endedIdle = this.purgeExpired();
    if (this.conversations.size >= this.limits.maxConversations) {
      const firstOfBurst = !this.refusingForRoom;
      this.refusingForRoom = true;
      return {
        ok: false,
        status: 503,
        reason: 'full',
        retryAfterSeconds: this.fullRetryAfter(),
        firstOfBurst,
        endedIdle,
      };
    }
    this.refusingForRoom = false;
    return { ok: true, ...this.open(), endedIdle };
  }

  private open(): StartedConversation {
    let conversationId = this.randomId(16);
    while (this.conversations.has(conversationId)) conversationId = this.randomId(16);
    let userId = `dl-${this.randomId(12)}`;
    while (this.reserved.has(userId)) userId = `dl-${this.randomId(12)}`;
    const now = this.now();
    this.archive?.insertConversation(conversationId, userId, now, 1);
    this.conversations.set(conversationId, {
      id: conversationId,
      userId,
      lastUsedAt: now,
      archivedUsedAt: now,
      nextSeq: 1,
      bytes: 0,
      activities: [],
      tokens: new Map(),
    });
    const issued = this.issueTokenNow(conversationId);
    return { conversationId, userId, token: issued.token, expiresInSeconds: issued.expiresInSeconds };
  }

  /** Until the conversation idle longest would end, at most a minute (it may be used again meanwhile). */
  private fullRetryAfter(): number {
    const idlest = this.conversations.values().next().value;
    if (!idlest) return 1;
    const seconds = secondsUntil(idlest.lastUsedAt + this.limits.idleMs, this.now());
    return Math.min(seconds, MAX_FULL_RETRY_AFTER_SECONDS);
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
    return this.atomically(() => this.issueTokenNow(conversationId));
  }

  private issueTokenNow(conversationId: string): IssuedToken {
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
    const record: TokenRecord = { digest: digestOf(secret), expiresAt: now + this.limits.tokenTtlMs };
    this.archive?.insertToken(conversationId, { tokenId, ...record });
    conversation.tokens.set(tokenId, record);
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
    const append = (): StoredActivity =>
      this.append(conversation, (id, timestamp) => ({
        type: 'message',
        id,
        timestamp,
        channelId: WEBCHAT_CHANNEL_ID,
        conversation: { id: conversation.id },
        from,
        text,
        textFormat: 'plain',
      }));
    return this.atomically(append).activity;
  }

  /** Takes a customer's message back out of the transcript (the desk did not take it). */
  withdraw(conversationId: string, activityId: string): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    const index = conversation.activities.findIndex((stored) => stored.activity.id === activityId);
    if (index >= 0) this.takeOut(conversation, index);
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
    return this.atomically(() => this.addBotActivityNow(conversationId, input, replyToId));
  }

  private addBotActivityNow(
    conversationId: string,
    input: BotActivityInput,
    replyToId?: string,
  ): string | undefined {
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
    return this.atomically(() => this.updateBotActivityNow(conversationId, activityId, input));
  }

  private updateBotActivityNow(
    conversationId: string,
    activityId: string,
    input: BotActivityInput,
  ): string | undefined {
    if (!this.alive(conversationId)) return undefined;
    const conversation = this.required(conversationId);
    const index = conversation.activities.findIndex(
      (stored) => stored.activity.id === activityId && stored.activity.from.role === 'bot',
    );
    const previous = conversation.activities[index];
    if (index < 0 || !previous) return undefined;
    this.takeOut(conversation, index);
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
    if (this.archive) {
      const json = JSON.stringify(activity);
      this.archive.insertActivity(conversation.id, {
        seq,
        activityId: activity.id,
        relaydeskId,
        json,
        bytes: stored.bytes,
      });
      this.archive.setNextSeq(conversation.id, conversation.nextSeq);
    }
    conversation.activities.push(stored);
    conversation.bytes += stored.bytes;
    this.keptBytes += stored.bytes;
    this.fitConversation(conversation);
    this.fitTotal();
    return stored;
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

  private takeOut(conversation: Conversation, index: number): void {
    const [removed] = conversation.activities.splice(index, 1);
    if (!removed) return;
    this.archive?.deleteActivity(conversation.id, removed.seq);
    conversation.bytes -= removed.bytes;
    this.keptBytes -= removed.bytes;
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
    if (this.archive && conversation.lastUsedAt - conversation.archivedUsedAt >= TOUCH_WRITE_MS) {
      this.archive.touch(conversation.id, conversation.lastUsedAt);
      conversation.archivedUsedAt = conversation.lastUsedAt;
    }
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
    this.archive?.deleteConversation(conversationId);
    for (const tokenId of conversation.tokens.keys()) this.tokenOwners.delete(tokenId);
    this.keptBytes -= conversation.bytes;
    this.conversations.delete(conversationId);
  }

  private dropToken(conversation: Conversation, tokenId: string): void {
    this.archive?.deleteToken(tokenId);
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

/**
 * What the channel keeps of the desk's activity: the fields a chat client shows, addressed by the channel, and of
 * its channelData only the validated notice (arbitrary channelData could carry anything to the page).
 */
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
  const notice = relaydeskNoticeOf(input.channelData);
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
    ...(notice !== undefined ? { channelData: { relaydesk: notice } } : {}),
  };
}
