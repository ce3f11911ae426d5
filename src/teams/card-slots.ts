/** The card last posted under one of an agent's slots (the panel, an offer), so it can be updated in place. */
export interface CardSlot {
  readonly activityId: string;
  readonly conversationId: string;
  readonly updatedAt: number;
}

/** Where slot cards are remembered; the app wires a store on the card_slots table. */
export interface CardSlots {
  get(agentId: string, slot: string): Promise<CardSlot | undefined>;
  put(agentId: string, slot: string, card: CardSlot): Promise<void>;
  /** Forgets the slot's card only while it is still `activityId`; true when it was forgotten. */
  releaseIf(agentId: string, slot: string, activityId: string): Promise<boolean>;
}
