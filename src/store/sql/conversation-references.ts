import type { ConversationReference } from 'botbuilder';
import { compiledOnce } from './compiled-once';
import type { SqlDatabase } from './open-database';

/** Whose conversation a reference reaches: an agent (their AGENT_IDS entry) or a customer (`channelId:from.id`). */
export interface ReferenceOwnerKey {
  readonly kind: 'agent' | 'customer';
  readonly id: string;
}

export interface ReferenceRow {
  readonly reference: Partial<ConversationReference>;
  readonly updatedAt: number;
}

const referenceStatement = compiledOnce((db, v: { kind: ReferenceOwnerKey['kind']; id: string }) =>
  db
    .selectFrom('conversation_references')
    .select(['reference', 'updated_at'])
    .where('owner_kind', '=', v.kind)
    .where('owner_id', '=', v.id),
);

/** The stored ConversationReferences, one row per owner, replaced by each inbound activity's. */
export class SqlConversationReferences {
  constructor(private readonly database: SqlDatabase) {}

  async get(owner: ReferenceOwnerKey): Promise<ReferenceRow | undefined> {
    const row = (await referenceStatement(this.database.db, { kind: owner.kind, id: owner.id })).rows[0];
    return row
      ? { reference: JSON.parse(row.reference) as Partial<ConversationReference>, updatedAt: row.updated_at }
      : undefined;
  }

  async put(owner: ReferenceOwnerKey, stored: ReferenceRow): Promise<void> {
    const columns = { reference: JSON.stringify(stored.reference), updated_at: stored.updatedAt };
    await this.database.transaction((trx) =>
      trx
        .insertInto('conversation_references')
        .values({ owner_kind: owner.kind, owner_id: owner.id, ...columns })
        .onConflict((conflict) => conflict.columns(['owner_kind', 'owner_id']).doUpdateSet(columns))
        .execute(),
    );
  }
}
