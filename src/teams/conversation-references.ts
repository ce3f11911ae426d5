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
  const user = primitives(reference.user, ACCOUNT_FIELDS);
  const bot = primitives(reference.bot, ACCOUNT_FIELDS);
  const conversation = primitives(reference.conversation, CONVERSATION_FIELDS);
  return {
    ...primitives(reference, REFERENCE_FIELDS),
    ...(user ? { user } : {}),
    ...(bot ? { bot } : {}),
    ...(conversation ? { conversation } : {}),
  } as unknown as Partial<ConversationReference>;
}

/** The ConversationReferences proactive sends go through, captured from every inbound activity. */
export class ConversationReferences {
  constructor(
    private readonly store: ReferenceStore,
    private readonly clock: Clock,
  ) {}

  async save(owner: ReferenceOwner, reference: Partial<ConversationReference>): Promise<void> {
    await this.store.put(owner, { reference: storedReference(reference), updatedAt: this.clock.now() });
  }

  /** A fresh copy the caller may hand to botbuilder, which is free to modify it. */
  async get(owner: ReferenceOwner): Promise<Partial<ConversationReference> | undefined> {
    const stored = await this.store.get(owner);
    return stored ? structuredClone(stored.reference) : undefined;
  }
}
