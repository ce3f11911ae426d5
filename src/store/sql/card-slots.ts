import type { SqlDatabase } from './open-database';

/** The card last posted under one of an agent's slots (the panel, an offer). */
export interface CardSlotRow {
  readonly activityId: string;
  readonly conversationId: string;
  readonly updatedAt: number;
}

/** The cards agents' slots show, one row per agent and slot, so a later send updates the card in place. */
export class SqlCardSlots {
  constructor(private readonly database: SqlDatabase) {}

  async get(agentId: string, slot: string): Promise<CardSlotRow | undefined> {
    const row = await this.database.db
      .selectFrom('card_slots')
      .select(['activity_id', 'conversation_id', 'updated_at'])
      .where('agent_key', '=', agentId)
      .where('slot', '=', slot)
      .executeTakeFirst();
    return row
      ? { activityId: row.activity_id, conversationId: row.conversation_id, updatedAt: row.updated_at }
      : undefined;
  }

  async put(agentId: string, slot: string, card: CardSlotRow): Promise<void> {
    const columns = {
      activity_id: card.activityId,
      conversation_id: card.conversationId,
      updated_at: card.updatedAt,
    };
    await this.database.transaction((trx) =>
      trx
        .insertInto('card_slots')
        .values({ agent_key: agentId, slot, ...columns })
        .onConflict((conflict) => conflict.columns(['agent_key', 'slot']).doUpdateSet(columns))
        .execute(),
    );
  }

  /** A conditional delete: a card posted meanwhile under the slot is kept. */
  async releaseIf(agentId: string, slot: string, activityId: string): Promise<boolean> {
    const deleted = await this.database.transaction((trx) =>
      trx
        .deleteFrom('card_slots')
        .where('agent_key', '=', agentId)
        .where('slot', '=', slot)
        .where('activity_id', '=', activityId)
        .executeTakeFirst(),
    );
    return deleted.numDeletedRows > 0n;
  }
}
