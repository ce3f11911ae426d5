import type { PendingTransfer } from '../../domain/transfer';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** A transfer waiting for an answer, with the conversation it is of. */
export type PendingTransferRow = PendingTransfer & { readonly workItemId: string };

/**
 * Every transfer waiting for an answer, soonest to expire first: routing and the transfer picker count them
 * against their targets' capacity, and the sweeper drops those past their time. Few at any moment; read through
 * the index on their expiry.
 */
export async function pendingTransfers(db: Kysely<Database>): Promise<PendingTransferRow[]> {
  const rows = await db
    .selectFrom('work_items')
    .select([
      'id',
      'transfer_offer_id',
      'transfer_from',
      'transfer_to',
      'transfer_note',
      'transfer_offered_at',
      'transfer_expires_at',
    ])
    .where('transfer_expires_at', 'is not', null)
    .orderBy('transfer_expires_at')
    .execute();
  return rows.flatMap((row) =>
    row.transfer_offer_id !== null && row.transfer_from !== null && row.transfer_to !== null
      ? [
          {
            workItemId: row.id,
            offerId: row.transfer_offer_id,
            fromAgentId: row.transfer_from,
            toAgentId: row.transfer_to,
            ...(row.transfer_note !== null ? { note: row.transfer_note } : {}),
            offeredAt: row.transfer_offered_at ?? 0,
            expiresAt: row.transfer_expires_at ?? 0,
          },
        ]
      : [],
  );
}
