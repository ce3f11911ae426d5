import type { ConversationReference } from 'botbuilder';
import type { Clock, DocumentStore } from '../app/ports';
import { storeKey } from '../store/keys';

/** Whose conversation a reference reaches: an agent (their AGENT_IDS entry) or a customer (`channelId:from.id`). */
export type ReferenceOwner = { readonly kind: 'agent' | 'customer'; readonly id: string };

interface ReferenceDocument {
  readonly reference: Partial<ConversationReference>;
  readonly updatedAt: number;
}

export function referenceKey(owner: ReferenceOwner): string {
  return storeKey('reference', `${owner.kind}:${owner.id}`);
}

/** The ConversationReferences proactive sends go through, captured from every inbound activity. */
export class ConversationReferences {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
  ) {}

  async save(owner: ReferenceOwner, reference: Partial<ConversationReference>): Promise<void> {
    // A JSON round trip keeps only plain data (and drops undefined fields), as every backend stores it.
    const plain = JSON.parse(JSON.stringify(reference)) as Partial<ConversationReference>;
    const now = this.clock.now();
    await this.store.update<ReferenceDocument>(referenceKey(owner), () => ({
      reference: plain,
      updatedAt: now,
    }));
  }

  /** A fresh copy the caller may hand to botbuilder, which is free to modify it. */
  async get(owner: ReferenceOwner): Promise<Partial<ConversationReference> | undefined> {
    const stored = await this.store.get<ReferenceDocument>(referenceKey(owner));
    return stored ? (structuredClone(stored.value.reference) as Partial<ConversationReference>) : undefined;
  }
}
