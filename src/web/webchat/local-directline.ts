import { randomBytes } from 'node:crypto';
import { silentLogger, type Clock, type Logger } from '../../app/ports';
import type { ActivitySet, ChannelAccount, ChatActivity } from './directline-contract';
import { ArchiveWriter } from './archive-writer';
import { botActivity, customerMessage, relaydeskIdOf, type BotActivityInput } from './channel-activities';
import type {
  Access,
  AccessOutcome,
  IssuedToken,
  StartOutcome,
  StartedConversation,
} from './channel-outcomes';
import { TOKEN_ID_BYTES, TOKEN_SECRET_BYTES, digestOf, partsOf, secretMatches } from './channel-tokens';
import { ConversationBook } from './conversation-book';
import { DEFAULT_DIRECT_LINE_LIMITS, type DirectLineLimits } from './directline-limits';
import { StartWindows, secondsUntil } from './start-windows';
import type { WebchatArchive } from './webchat-archive';

export interface LocalDirectLineOptions {
  readonly clock: Clock;
  readonly limits?: Partial<DirectLineLimits>;
  /** Ids the channel must never give a customer (AGENT_IDS): in anonymous mode `from.id` can make an agent. */
  readonly reservedUserIds?: Iterable<string>;
  /** Random bytes for ids and tokens; crypto's by default. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Told when the archive fails (and is written again); silent by default. */
  readonly logger?: Logger;
}

/** A full channel asks clients back within a minute at most: room comes whenever a conversation idles out. */
const MAX_FULL_RETRY_AFTER_SECONDS = 60;

/**
 * The local Direct Line channel's state: conversations, their bound customer and tokens, and their transcripts,
 * in memory and bounded (see DirectLineLimits); opened on a WebchatArchive, each call's changes are written
 * through before it resolves (held for the next call while the archive fails: see ArchiveWriter). No timers: expiry is checked whenever a conversation is reached, and expired ones
 * are purged when a new one starts. Time comes from the clock.
 */
export class LocalDirectLine {
  readonly limits: DirectLineLimits;
  private readonly book: ConversationBook;
  private readonly reserved: ReadonlySet<string>;
  private readonly random: (size: number) => Buffer;
  private readonly startWindows: StartWindows;
  /** Whether the last start was refused for want of room: the next refusal belongs to the same burst. */
  private refusingForRoom = false;
  private writer = new ArchiveWriter(undefined, silentLogger);

  /** A channel in memory only: a restart ends its conversations. */
  constructor(private readonly options: LocalDirectLineOptions) {
    this.limits = { ...DEFAULT_DIRECT_LINE_LIMITS, ...options.limits };
    this.book = new ConversationBook(this.limits, () => this.now());
    this.reserved = new Set(options.reservedUserIds ?? []);
    this.random = options.randomBytes ?? randomBytes;
    this.startWindows = new StartWindows(
      this.limits.maxStartsPerMinutePerAddress,
      this.limits.maxTrackedAddresses,
    );
  }

  /**
   * A channel on an archive: takes in what it kept (the archive drops what has expired by now), trims it to the
   * current limits, and writes every later change through.
   */
  static async open(options: LocalDirectLineOptions, archive: WebchatArchive): Promise<LocalDirectLine> {
    const line = new LocalDirectLine(options);
    line.writer = new ArchiveWriter(archive, options.logger ?? silentLogger);
    line.book.restore(await archive.load(line.now(), line.limits.idleMs));
    await line.written(undefined);
    return line;
  }

  /** Conversations alive now; those found idle too long end (written through with the next call's changes). */
  get size(): number {
    this.book.purgeExpired();
    return this.book.count;
  }

  /** Bytes of activity JSON the channel keeps now, all conversations together. */
  get totalBytes(): number {
    return this.book.totalBytes;
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
  async start(address: string): Promise<StartOutcome> {
    return this.written(this.startNow(address));
  }

  /**
   * Checks a customer's call: the conversation (when the route names one) must be alive, the token well formed,
   * issued for that conversation, not expired, and its secret must match. A good call keeps the conversation alive.
   */
  async authorize(conversationId: string | undefined, token: string | undefined): Promise<AccessOutcome> {
    return this.written(this.authorizeNow(conversationId, token));
  }

  /** A new token for a live conversation (refresh); older tokens stay valid until they expire. */
  async issueToken(conversationId: string): Promise<IssuedToken> {
    return this.written(this.issueTokenNow(conversationId));
  }

  /** The customer's message, stamped by the channel: their bound id, the conversation, an id and the time. */
  async addCustomerMessage(
    access: Access,
    text: string,
    name: string | undefined,
    value?: Readonly<Record<string, unknown>>,
  ): Promise<ChatActivity> {
    const conversation = this.book.required(access.conversationId);
    const from: ChannelAccount = { id: conversation.userId, ...(name ? { name } : {}), role: 'user' };
    const stored = this.book.append(conversation, (id, timestamp) =>
      customerMessage(conversation.id, id, timestamp, from, text, value),
    );
    return this.written(stored.activity);
  }

  /** Takes a customer's message back out of the transcript (the desk did not take it). */
  async withdraw(conversationId: string, activityId: string): Promise<void> {
    if (this.book.has(conversationId)) {
      const conversation = this.book.required(conversationId);
      const index = conversation.activities.findIndex((stored) => stored.activity.id === activityId);
      if (index >= 0) this.book.takeOut(conversation, index);
    }
    return this.written(undefined);
  }

  /** Whether the desk can still write to this conversation (one found idle too long ends, as with size). */
  has(conversationId: string): boolean {
    return this.book.alive(conversationId);
  }

  /**
   * Keeps an activity the desk sent (a send, or a reply to `replyToId`) and returns its id; undefined when the
   * conversation is unknown or over. A repeat of a send already kept (same relaydeskId) is kept once.
   */
  async addBotActivity(
    conversationId: string,
    input: BotActivityInput,
    replyToId?: string,
  ): Promise<string | undefined> {
    return this.written(this.addBotActivityNow(conversationId, input, replyToId));
  }

  /**
   * Replaces an activity the desk sent before, keeping its id; it comes again after the current watermark so
   * pollers see the change. Undefined when the conversation or the activity is not there.
   */
  async updateBotActivity(
    conversationId: string,
    activityId: string,
    input: BotActivityInput,
  ): Promise<string | undefined> {
    return this.written(this.updateBotActivityNow(conversationId, activityId, input));
  }

  /** The activities after `watermark`, in order, and the watermark to ask with next. */
  activitiesSince(conversationId: string, watermark: number): ActivitySet {
    const conversation = this.book.required(conversationId);
    return {
      activities: conversation.activities
        .filter((stored) => stored.seq > watermark)
        .map((stored) => stored.activity),
      watermark: String(conversation.nextSeq - 1),
    };
  }

  /** Resolves once the changes written so far are stored (or held because the archive fails). */
  settled(): Promise<void> {
    return this.writer.write([]);
  }

  /** Resolves with `result` once the changes the call made are written through (at once without an archive). */
  private async written<T>(result: T): Promise<T> {
    await this.writer.write(this.book.takeChanges());
    return result;
  }

  private startNow(address: string): StartOutcome {
    const admission = this.startWindows.admit(address, this.now());
    if (!admission.admitted) {
      const { retryAfterSeconds, firstOfBurst } = admission;
      const reason = 'too many starts from this address';
      return { ok: false, status: 429, reason, retryAfterSeconds, firstOfBurst, endedIdle: [] };
    }
    const endedIdle = this.book.purgeExpired();
    if (this.book.count >= this.limits.maxConversations) {
      const firstOfBurst = !this.refusingForRoom;
      this.refusingForRoom = true;
      const retryAfterSeconds = this.fullRetryAfter();
      return { ok: false, status: 503, reason: 'full', retryAfterSeconds, firstOfBurst, endedIdle };
    }
    this.refusingForRoom = false;
    return { ok: true, ...this.openConversation(), endedIdle };
  }

  private openConversation(): StartedConversation {
    let conversationId = this.randomId(16);
    while (this.book.has(conversationId)) conversationId = this.randomId(16);
    let userId = `dl-${this.randomId(12)}`;
    while (this.reserved.has(userId)) userId = `dl-${this.randomId(12)}`;
    this.book.open(conversationId, userId);
    const issued = this.issueTokenNow(conversationId);
    return { conversationId, userId, token: issued.token, expiresInSeconds: issued.expiresInSeconds };
  }

  /** Until the conversation idle longest would end, at most a minute (it may be used again meanwhile). */
  private fullRetryAfter(): number {
    const idlest = this.book.idlest();
    if (!idlest) return 1;
    const seconds = secondsUntil(idlest.lastUsedAt + this.limits.idleMs, this.now());
    return Math.min(seconds, MAX_FULL_RETRY_AFTER_SECONDS);
  }

  private authorizeNow(conversationId: string | undefined, token: string | undefined): AccessOutcome {
    if (conversationId !== undefined && !this.book.alive(conversationId)) {
      return { ok: false, status: 404, reason: 'no such conversation' };
    }
    if (token === undefined || token === '') return { ok: false, status: 401, reason: 'no token' };
    const parts = partsOf(token);
    if (!parts) return { ok: false, status: 401, reason: 'malformed token' };
    const owner = this.book.ownerOfToken(parts.tokenId);
    const record = owner?.tokens.get(parts.tokenId);
    if (!owner || !record) return { ok: false, status: 401, reason: 'unknown token' };
    if (!secretMatches(parts.secret, record.digest)) {
      return { ok: false, status: 401, reason: 'wrong token' };
    }
    if (record.expiresAt <= this.now()) return { ok: false, status: 401, reason: 'expired token' };
    if (conversationId !== undefined && owner.id !== conversationId) {
      return { ok: false, status: 401, reason: 'token of another conversation' };
    }
    this.book.touch(owner);
    return { ok: true, conversationId: owner.id, userId: owner.userId };
  }

  private issueTokenNow(conversationId: string): IssuedToken {
    const conversation = this.book.required(conversationId);
    this.book.makeRoomForToken(conversation);
    let tokenId = this.randomId(TOKEN_ID_BYTES);
    while (this.book.hasToken(tokenId)) tokenId = this.randomId(TOKEN_ID_BYTES);
    const secret = this.randomId(TOKEN_SECRET_BYTES);
    this.book.addToken(conversation, tokenId, digestOf(secret), this.now() + this.limits.tokenTtlMs);
    return {
      conversationId,
      token: `${tokenId}.${secret}`,
      expiresInSeconds: Math.floor(this.limits.tokenTtlMs / 1000),
    };
  }

  private addBotActivityNow(
    conversationId: string,
    input: BotActivityInput,
    replyToId?: string,
  ): string | undefined {
    if (!this.book.alive(conversationId)) return undefined;
    const conversation = this.book.required(conversationId);
    const relaydeskId = relaydeskIdOf(input.channelData);
    if (relaydeskId !== undefined) {
      const repeat = conversation.activities.find((stored) => stored.relaydeskId === relaydeskId);
      if (repeat) return repeat.activity.id;
    }
    const stored = this.book.append(
      conversation,
      (id, timestamp) => botActivity(conversation.id, id, timestamp, input, replyToId),
      relaydeskId,
    );
    return stored.activity.id;
  }

  private updateBotActivityNow(
    conversationId: string,
    activityId: string,
    input: BotActivityInput,
  ): string | undefined {
    if (!this.book.alive(conversationId)) return undefined;
    const conversation = this.book.required(conversationId);
    const index = conversation.activities.findIndex(
      (stored) => stored.activity.id === activityId && stored.activity.from.role === 'bot',
    );
    const previous = conversation.activities[index];
    if (index < 0 || !previous) return undefined;
    this.book.takeOut(conversation, index);
    const replyToId = previous.activity.replyToId;
    this.book.append(
      conversation,
      (_id, timestamp) => botActivity(conversation.id, activityId, timestamp, input, replyToId),
      previous.relaydeskId,
    );
    return activityId;
  }

  private randomId(bytes: number): string {
    return this.random(bytes).toString('base64url');
  }

  private now(): number {
    return this.options.clock.now();
  }
}
