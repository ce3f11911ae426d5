import type { Kysely } from 'kysely';
import type { Database } from './schema';

export interface OfferRequest {
  readonly workItemId: string;
  readonly offerId: string;
  readonly agentId: string;
  readonly now: number;
  readonly expiresAt: number;
}

/**
 * Offers a queued item to an agent unless it already has a live offer or a claim; true when this offer stands.
 * One conditional update: of two instances routing the same item at once, one offer is made.
 */
export async function offerQueueEntry(trx: Kysely<Database>, request: OfferRequest): Promise<boolean> {
  const result = await trx
    .updateTable('queue_entries')
    .set((eb) => ({
      offer_id: request.offerId,
      offer_agent_id: request.agentId,
      offered_at: request.now,
      offer_expires_at: request.expiresAt,
      version: eb('version', '+', 1),
    }))
    .where('work_item_id', '=', request.workItemId)
    .where('claim_agent_id', 'is', null)
    .where((eb) => eb.or([eb('offer_id', 'is', null), eb('offer_expires_at', '<=', request.now)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export type TakeRequest = {
  readonly workItemId: string;
  readonly agentId: string;
  readonly now: number;
} & ({ readonly via: 'accept'; readonly offerId: string } | { readonly via: 'pick' });

/**
 * An agent takes a queued item: accepting their live offer, or picking it (which cancels any live offer). True
 * when this agent's claim stands; of two takes racing from two instances, exactly one is true.
 */
export async function takeQueueEntry(trx: Kysely<Database>, request: TakeRequest): Promise<boolean> {
  const take = trx
    .updateTable('queue_entries')
    .set((eb) => ({
      claim_agent_id: request.agentId,
      claimed_at: request.now,
      claim_via: request.via,
      claim_offer_id: request.via === 'accept' ? request.offerId : null,
      offer_id: null,
      offer_agent_id: null,
      offered_at: null,
      offer_expires_at: null,
      version: eb('version', '+', 1),
    }))
    .where('work_item_id', '=', request.workItemId)
    .where('claim_agent_id', 'is', null);
  const result = await (
    request.via === 'accept'
      ? take
          .where('offer_id', '=', request.offerId)
          .where('offer_agent_id', '=', request.agentId)
          .where('offer_expires_at', '>', request.now)
      : take
  ).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
