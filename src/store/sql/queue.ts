import type { Kysely, Selectable } from 'kysely';
import type { Claim, DeclineReason, Offer, QueueEntry } from '../../domain/routing';
import type { Database, QueueEntriesTable } from './schema';

/** The columns a QueueEntry is stored in; `declined_until` is not one (the cool-down is the router's setting). */
export const QUEUE_ENTRY_COLUMNS = [
  'work_item_id',
  'enqueued_at',
  'preferred_agent_id',
  'offer_id',
  'offer_agent_id',
  'offered_at',
  'offer_expires_at',
  'declined_agent_id',
  'declined_reason',
  'declined_at',
  'claim_agent_id',
  'claimed_at',
  'claim_via',
  'claim_offer_id',
  'offer_assigned_by',
  'offer_over_capacity',
] as const satisfies readonly (keyof QueueEntriesTable)[];

export type QueueEntryColumns = Pick<Selectable<QueueEntriesTable>, (typeof QUEUE_ENTRY_COLUMNS)[number]>;

/** The columns of an entry's offer. */
export const OFFER_COLUMNS = [
  'work_item_id',
  'offer_id',
  'offer_agent_id',
  'offered_at',
  'offer_expires_at',
  'offer_assigned_by',
  'offer_over_capacity',
] as const satisfies readonly (keyof QueueEntriesTable)[];

type OfferColumns = Pick<QueueEntryColumns, (typeof OFFER_COLUMNS)[number]>;

const CLAIM_VIAS: readonly Claim['via'][] = ['accept', 'pick', 'accept-over-capacity'];

/** A column that must be set when its group is: a half-written offer, decline or claim is a broken row. */
function required<T>(value: T | null, workItemId: string, column: string): T {
  if (value === null) throw new Error(`Queue entry ${workItemId} has ${column} missing.`);
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], workItemId: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`Queue entry ${workItemId} holds an unknown value ${value}.`);
  return found;
}

/** The row's offer, when it has one. */
export function offerOf(row: OfferColumns): Offer | undefined {
  if (row.offer_id === null) return undefined;
  const id = row.work_item_id;
  return {
    id: row.offer_id,
    workItemId: id,
    agentId: required(row.offer_agent_id, id, 'offer_agent_id'),
    offeredAt: required(row.offered_at, id, 'offered_at'),
    expiresAt: required(row.offer_expires_at, id, 'offer_expires_at'),
    ...(row.offer_assigned_by !== null ? { assignedBy: row.offer_assigned_by } : {}),
    ...(row.offer_over_capacity === 1 ? { overCapacity: true as const } : {}),
  };
}

function claimOf(row: QueueEntryColumns): Claim | undefined {
  if (row.claim_agent_id === null) return undefined;
  const id = row.work_item_id;
  const claim: Claim = {
    agentId: row.claim_agent_id,
    at: required(row.claimed_at, id, 'claimed_at'),
    via: oneOf(required(row.claim_via, id, 'claim_via'), CLAIM_VIAS, id),
  };
  return row.claim_offer_id === null ? claim : { ...claim, offerId: row.claim_offer_id };
}

/** The entry a row holds; absent optional fields are left out, never undefined. */
export function queueEntryOf(row: QueueEntryColumns): QueueEntry {
  const id = row.work_item_id;
  const offer = offerOf(row);
  const claim = claimOf(row);
  const reasons: readonly DeclineReason[] = ['rejected', 'missed'];
  return {
    workItemId: id,
    enqueuedAt: row.enqueued_at,
    ...(row.preferred_agent_id === null ? {} : { preferredAgentId: row.preferred_agent_id }),
    ...(offer ? { offer } : {}),
    ...(row.declined_agent_id === null
      ? {}
      : {
          declined: {
            agentId: row.declined_agent_id,
            at: required(row.declined_at, id, 'declined_at'),
            reason: oneOf(required(row.declined_reason, id, 'declined_reason'), reasons, id),
          },
        }),
    ...(claim ? { claim } : {}),
  };
}

/** The row values of an entry; an offer must be of the entry's own item. */
export function queueEntryColumns(entry: QueueEntry): QueueEntryColumns {
  const { workItemId, offer, declined, claim } = entry;
  if (offer && offer.workItemId !== workItemId)
    throw new Error(`Queue entry ${workItemId} holds an offer of ${offer.workItemId}.`);
  return {
    work_item_id: workItemId,
    enqueued_at: entry.enqueuedAt,
    preferred_agent_id: entry.preferredAgentId ?? null,
    offer_id: offer?.id ?? null,
    offer_agent_id: offer?.agentId ?? null,
    offered_at: offer?.offeredAt ?? null,
    offer_expires_at: offer?.expiresAt ?? null,
    declined_agent_id: declined?.agentId ?? null,
    declined_reason: declined?.reason ?? null,
    declined_at: declined?.at ?? null,
    claim_agent_id: claim?.agentId ?? null,
    claimed_at: claim?.at ?? null,
    claim_via: claim?.via ?? null,
    claim_offer_id: claim?.offerId ?? null,
    offer_assigned_by: offer?.assignedBy ?? null,
    offer_over_capacity: offer?.overCapacity ? 1 : 0,
  };
}

export function sameQueueEntryColumns(a: QueueEntryColumns, b: QueueEntryColumns): boolean {
  return QUEUE_ENTRY_COLUMNS.every((column) => a[column] === b[column]);
}

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
      offer_assigned_by: null,
      offer_over_capacity: 0,
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
      offer_assigned_by: null,
      offer_over_capacity: 0,
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
