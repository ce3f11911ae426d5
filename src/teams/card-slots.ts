import type { AgentCardTarget } from '../app/desk-context';

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

/**
 * The slot key a card target is stored under: exactly `panel` and `offer:<offerId>`, the keys rows already stored
 * use. The one place a target becomes a string.
 */
export function cardSlotKey(target: AgentCardTarget): string {
  return target.kind === 'panel' ? 'panel' : `offer:${target.offerId}`;
}
