import type { ConversationReference } from 'botbuilder';
import type { Clock } from '../app/ports';

/** Whose conversation a reference reaches: an agent (their AGENT_IDS entry) or a customer (`channelId:from.id`). */
export type ReferenceOwner = { readonly kind: 'agent' | 'customer'; readonly id: string };

/** A reference as kept, with when it was captured. */
export interface StoredReference {
  readonly reference: Partial<ConversationReference>;
  readonly updatedAt: number;
}

/** Where references are kept, one per owner; the app wires a store on the conversation_references table. */
export interface ReferenceStore {
  get(owner: ReferenceOwner): Promise<StoredReference | undefined>;
  /** Replaces the owner's reference: the latest inbound activity wins. */
  put(owner: ReferenceOwner, stored: StoredReference): Promise<void>;
}

const ACCOUNT_FIELDS = ['id', 'name', 'aadObjectId', 'role'] as const;
const CONVERSATION_FIELDS = [
  'id',
  'name',
  'conversationType',
  'tenantId',
  'isGroup',
  'aadObjectId',
  'role',
] as const;
const REFERENCE_FIELDS = ['activityId', 'channelId', 'locale', 'serviceUrl'] as const;

/** The named fields of `source` that hold a string or a boolean; nothing else is copied, however deep. */
function primitives(
  source: unknown,
  fields: readonly string[],
): Record<string, string | boolean> | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const picked: Record<string, string | boolean> = {};
  for (const field of fields) {
    const value: unknown = (source as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'boolean') picked[field] = value;
  }
  return picked;
}

/**
 * What is kept of a reference: the fields a reply is addressed with, copied as plain strings and booleans, so
 * whatever else a sender nests in `from` or `conversation` is neither stored nor walked.
 */
export function storedReference(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  // Assigned field by field, not spread: it is made for every inbound message and every send.
  const kept: Record<string, unknown> = primitives(reference, REFERENCE_FIELDS) ?? {};
  const user = primitives(reference.user, ACCOUNT_FIELDS);
  if (user) kept['user'] = user;
  const bot = primitives(reference.bot, ACCOUNT_FIELDS);
  if (bot) kept['bot'] = bot;
  const conversation = primitives(reference.conversation, CONVERSATION_FIELDS);
  if (conversation) kept['conversation'] = conversation;
  return kept;
}

function keyOf(owner: ReferenceOwner): string {
  return `${owner.kind}:${owner.id}`;
}

/** A stored reference is written again after this long even when nothing changed. */
const REFRESH_MS = 3_600_000;

/** The fields of a reference that say where it goes: all it keeps but the activity id. */
const ADDRESS_FIELDS = REFERENCE_FIELDS.filter((field) => field !== 'activityId');

function sameFields(a: unknown, b: unknown, fields: readonly string[]): boolean {
  const left = (a ?? {}) as Record<string, unknown>;
  const right = (b ?? {}) as Record<string, unknown>;
  return fields.every((field) => left[field] === right[field]);
}

/** Whether two stored references address the same conversation the same way (all but the activity id). */
function sameAddress(a: Partial<ConversationReference>, b: Partial<ConversationReference>): boolean {
  return (
    sameFields(a, b, ADDRESS_FIELDS) &&
    sameFields(a.conversation, b.conversation, CONVERSATION_FIELDS) &&
    sameFields(a.user, b.user, ACCOUNT_FIELDS) &&
    sameFields(a.bot, b.bot, ACCOUNT_FIELDS)
  );
}

/**
 * How long a reference read or written here is used again without reading it. For sends: an agent's chat with the
 * bot keeps its address (Teams' 1:1 conversation), and a change made here replaces it at once; one made through
 * another instance is seen within this time. Customers' references are read for every send (a new web chat
 * conversation moves them). For saves: whether an inbound activity's address is the one stored is told from what
 * this instance last read or wrote, for either kind, so a run of messages from one customer reads nothing; an
 * address another instance stored in between is written over within this time (the latest inbound wins).
 */
const REFERENCE_REUSE_MS = 30_000;
/** References kept for reuse, at most (per kind); beyond it the cache starts afresh. */
const MAX_REUSED = 10_000;

/** The ConversationReferences proactive sends go through, captured from every inbound activity. */
export class ConversationReferences {
  /** Owners known to have a reference; references are never deleted, so once known it stays true. */
  private readonly known = new Set<string>();
  /** Agents' references as last read or written here, with when: reused for sends. */
  private readonly agents = new Map<string, Kept>();
  /** Every owner's reference as last read or written here, with when: what an inbound address is compared with. */
  private readonly seen = new Map<string, Kept>();

  constructor(
    private readonly store: ReferenceStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Keeps the reference of the owner's latest inbound activity. A write only when the address changed (the
   * activity id alone does not count: every message has a new one, and proactive sends do not need it) or the
   * stored one is over an hour old: a write per message was a transaction per customer message for nothing.
   */
  async save(owner: ReferenceOwner, reference: Partial<ConversationReference>): Promise<void> {
    const next = storedReference(reference);
    const now = this.clock.now();
    const key = keyOf(owner);
    // Kept from when it was read or written, not from each use: a stream of messages reads it again every 30 s.
    let current = reused(this.seen, key, now);
    if (!current) {
      current = await this.store.get(owner);
      if (current) keep(this.seen, key, current, now);
    }
    if (current && now - current.updatedAt < REFRESH_MS && sameAddress(current.reference, next)) return;
    const stored = { reference: next, updatedAt: now };
    await this.store.put(owner, stored);
    this.known.add(key);
    keep(this.seen, key, stored, now);
    if (owner.kind === 'agent') keep(this.agents, key, stored, now);
  }

  /** Whether the owner has a reference: asked before every send is queued, so a known one is not read again. */
  async has(owner: ReferenceOwner): Promise<boolean> {
    if (this.known.has(keyOf(owner))) return true;
    const found = (await this.store.get(owner)) !== undefined;
    if (found) this.known.add(keyOf(owner));
    return found;
  }

  /**
   * A fresh copy the caller may hand to botbuilder, which is free to modify it: made as what is kept of a reference
   * (plain fields, two levels), which is all a stored one holds. structuredClone cost about 40 µs per send.
   */
  async get(owner: ReferenceOwner): Promise<Partial<ConversationReference> | undefined> {
    const stored = owner.kind === 'agent' ? await this.agentReference(owner) : await this.store.get(owner);
    return stored ? storedReference(stored.reference) : undefined;
  }

  private async agentReference(owner: ReferenceOwner): Promise<StoredReference | undefined> {
    const key = keyOf(owner);
    const now = this.clock.now();
    const kept = reused(this.agents, key, now);
    if (kept) return kept;
    const stored = await this.store.get(owner);
    if (stored) keep(this.agents, key, stored, now);
    else this.agents.delete(key);
    return stored;
  }
}

interface Kept {
  readonly stored: StoredReference;
  readonly readAt: number;
}

/** The reference kept for `key`, while it may be used again (a clock moved back counts as too old). */
function reused(kept: Map<string, Kept>, key: string, now: number): StoredReference | undefined {
  const found = kept.get(key);
  return found && now - found.readAt >= 0 && now - found.readAt < REFERENCE_REUSE_MS
    ? found.stored
    : undefined;
}

function keep(kept: Map<string, Kept>, key: string, stored: StoredReference, now: number): void {
  if (kept.size >= MAX_REUSED && !kept.has(key)) kept.clear();
  kept.set(key, { stored, readAt: now });
}
