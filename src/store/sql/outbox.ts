import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { compiledOnce } from './compiled-once';
import type { SqlDatabase } from './open-database';
import type { Database, OutboxEntriesTable } from './schema';
import type { CallLog } from '../../domain/call-budget';
import { callLogJson } from './teams-tenant-calls';
import { ONE_ROW } from './one-row';

/** Whose conversation a send reaches: an agent (their AGENT_IDS entry) or a customer (`channelId:from.id`). */
export interface OutboxOwner {
  readonly kind: 'agent' | 'customer';
  readonly id: string;
}

export interface NewOutboxEntry {
  readonly owner: OutboxOwner;
  /** The stable id of the send, the same on every attempt and after a restart. */
  readonly relaydeskId: string;
  /** The activity as it is sent; stored as JSON. */
  readonly activity: unknown;
  readonly enqueuedAt: number;
  readonly slot?: string;
  readonly version?: number;
  readonly replaces?: string;
  readonly replyToId?: string;
  readonly label?: string;
  readonly priority?: number;
  /** A card kept as its view, rendered when sent; stored as JSON. */
  readonly view?: unknown;
  readonly batch?: string;
}

export type OutboxEntryRow = Selectable<OutboxEntriesTable>;

export interface ClaimedOutboxEntry {
  readonly recipient: string;
  /** The recipient's head entry: the next to send, in order. */
  readonly entry: OutboxEntryRow;
  readonly leaseUntil: number;
}

/** The priority of an entry queued without one (migration 0013's column default). */
const DEFAULT_PRIORITY = 1;

export function recipientOf(owner: OutboxOwner): string {
  return `${owner.kind}:${owner.id}`;
}

/** The entry columns a message fills (all but id, recipient and seq), for a new entry or one it replaces. */
export function outboxEntryColumns(entry: Omit<NewOutboxEntry, 'owner' | 'enqueuedAt'>, enqueuedAt: number) {
  return {
    relaydesk_id: entry.relaydeskId,
    slot: entry.slot ?? null,
    version: entry.version ?? null,
    replaces: entry.replaces ?? null,
    reply_to_id: entry.replyToId ?? null,
    label: entry.label ?? null,
    activity: JSON.stringify(entry.activity),
    enqueued_at: enqueuedAt,
    // The column's default, as a value: every entry's statement is then the same.
    priority: entry.priority ?? DEFAULT_PRIORITY,
    view: entry.view !== undefined ? JSON.stringify(entry.view) : null,
    batch: entry.batch ?? null,
  };
}

/**
 * Creates or locks the recipient row and takes its next sequence number, one statement. Taking the row lock first
 * orders the transaction with a concurrent removal of the head (which updates the row too), so a head read after
 * it is current. A number taken by an update that is coalesced or not queued is left unused (a gap, harmless).
 */
export async function takeOutboxSeq(trx: Kysely<Database>, owner: OutboxOwner): Promise<number> {
  return (await takeOutboxPlace(trx, owner)).seq;
}

/** The recipient's lease as the row holds it, and its first entry's place, read with the sequence number. */
export interface OutboxPlace {
  readonly seq: number;
  readonly leaseHolder: string | null;
  readonly leaseUntil: number | null;
  /**
   * The first pending entry's sequence number, before this append; null when nothing is pending. Read by the same
   * statement, so on PostgreSQL a removal committed while the statement waited for the row lock may not be seen yet:
   * the queue's length (only logged, for a long queue) may then be one too many.
   */
  readonly headSeq: number | null;
  /** The recipient's backoff count and call log (JSON), as the row holds them. */
  readonly failures: number;
  readonly callLog: string | null;
}

/** takeOutboxSeq, also telling the lease as it stands once the row is locked: an append need not take it twice. */
export async function takeOutboxPlace(trx: Kysely<Database>, owner: OutboxOwner): Promise<OutboxPlace> {
  const taken = await takeSeqStatement(trx, {
    recipient: recipientOf(owner),
    kind: owner.kind,
    id: owner.id,
  });
  const row = taken.rows[0];
  if (!row) throw new Error(`No sequence number was taken for ${recipientOf(owner)}.`);
  return {
    seq: row.next_seq - 1,
    leaseHolder: row.lease_holder,
    leaseUntil: row.lease_until,
    headSeq: row.head_seq ?? null,
    failures: row.backoff_failures,
    callLog: row.call_log,
  };
}

const takeSeqStatement = compiledOnce((db, v: { recipient: string; kind: OutboxOwner['kind']; id: string }) =>
  db
    .insertInto('outbox_recipients')
    .values({ recipient: v.recipient, owner_kind: v.kind, owner_id: v.id, next_seq: 2 })
    .onConflict((conflict) =>
      conflict
        .column('recipient')
        .doUpdateSet((eb) => ({ next_seq: eb('outbox_recipients.next_seq', '+', 1) })),
    )
    .returning((eb) => [
      'next_seq',
      'lease_holder',
      'lease_until',
      'backoff_failures',
      'call_log',
      // The queue's length comes with the place (a statement of its own before, for every append).
      eb
        .selectFrom('outbox_entries')
        .select((inner) => inner.fn.min('outbox_entries.seq').as('seq'))
        .whereRef('outbox_entries.recipient', '=', 'outbox_recipients.recipient')
        .as('head_seq'),
    ]),
);

/** Appends an entry to its recipient's queue and returns its id and its sequence number there. */
export async function enqueueOutboxEntry(
  trx: Kysely<Database>,
  entry: NewOutboxEntry,
  id: string = randomUUID(),
): Promise<{ readonly id: string; readonly seq: number }> {
  const seq = await takeOutboxSeq(trx, entry.owner);
  await trx
    .insertInto('outbox_entries')
    .values({ id, recipient: recipientOf(entry.owner), seq, ...outboxEntryColumns(entry, entry.enqueuedAt) })
    .execute();
  return { id, seq };
}

export interface ClaimRequest {
  /** The claiming process. */
  readonly holder: string;
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * Leases one recipient that has entries to send, no live lease of another holder and no backoff, for `holder`,
 * and returns its head entry; undefined when there is nothing to take. One sender per recipient keeps its
 * sends in order; a lease left by a dead process is taken over once it expires. On PostgreSQL the candidate
 * row is locked FOR UPDATE SKIP LOCKED, so claimers pass over each other's rows instead of queueing on them;
 * on SQLite the transaction begins IMMEDIATE, so claims run one at a time.
 */
export async function claimOutboxEntry(
  database: SqlDatabase,
  request: ClaimRequest,
): Promise<ClaimedOutboxEntry | undefined> {
  const { holder, now } = request;
  return database.transaction(async (trx) => {
    const candidate = await trx
      .selectFrom('outbox_recipients as r')
      .select('r.recipient')
      .where((eb) =>
        eb.and([
          eb.or([
            eb('r.lease_until', 'is', null),
            eb('r.lease_until', '<=', now),
            eb('r.lease_holder', '=', holder),
          ]),
          eb.or([eb('r.backoff_not_before', 'is', null), eb('r.backoff_not_before', '<=', now)]),
          eb.exists(
            eb.selectFrom('outbox_entries as e').select('e.id').whereRef('e.recipient', '=', 'r.recipient'),
          ),
        ]),
      )
      .orderBy((eb) =>
        eb
          .selectFrom('outbox_entries as h')
          .select((inner) => inner.fn.min('h.enqueued_at').as('oldest'))
          .whereRef('h.recipient', '=', 'r.recipient'),
      )
      .orderBy('r.recipient')
      .limit(ONE_ROW)
      .$if(database.kind === 'postgres', (query) => query.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!candidate) return undefined;
    const leaseUntil = now + request.leaseMs;
    await trx
      .updateTable('outbox_recipients')
      .set({ lease_holder: holder, lease_until: leaseUntil })
      .where('recipient', '=', candidate.recipient)
      .execute();
    const entry = await trx
      .selectFrom('outbox_entries')
      .selectAll()
      .where('recipient', '=', candidate.recipient)
      .orderBy('seq')
      .limit(ONE_ROW)
      .executeTakeFirstOrThrow();
    return { recipient: candidate.recipient, entry, leaseUntil };
  });
}

/** A delivered (or dropped) entry leaves the outbox, and its recipient's backoff is over. */
export async function completeOutboxEntry(trx: Kysely<Database>, entryId: string): Promise<void> {
  const removed = await trx
    .deleteFrom('outbox_entries')
    .where('id', '=', entryId)
    .returning('recipient')
    .executeTakeFirst();
  if (!removed) return;
  await trx
    .updateTable('outbox_recipients')
    .set({ backoff_failures: 0, backoff_not_before: null, backoff_status: null })
    .where('recipient', '=', removed.recipient)
    .execute();
}

const releaseStatement = compiledOnce((db, v: { recipient: string; holder: string }) =>
  db
    .updateTable('outbox_recipients')
    .set({ lease_holder: null, lease_until: null })
    .where('recipient', '=', v.recipient)
    .where('lease_holder', '=', v.holder),
);

/** Lets go of the recipient's lease if `holder` still has it; another sender may take it at once. */
export async function releaseOutboxLease(
  trx: Kysely<Database>,
  recipient: string,
  holder: string,
): Promise<void> {
  await releaseStatement(trx, { recipient, holder });
}

/** After a removal: more to send under the same lease, nothing left (the lease let go), or the lease lost. */
export type RemoveOutcome = 'more' | 'empty' | 'lost';

interface RemovalValues {
  readonly recipient: string;
  readonly holder: string;
  readonly leaseUntil: number;
  /** The recipient's call log as JSON, or null to keep the stored one. */
  readonly callLog: string | null;
  /** Slot updates of this priority or above (less urgent) do not count as pending: the refresh pacer holds them. */
  readonly heldPriority: number;
}

/** A priority no entry has: nothing is held back. */
const NOTHING_HELD = 2 ** 31 - 1;

/**
 * The recipient row's update of a removal: ends the backoff, and extends `holder`'s lease while entries other than
 * `left` are pending, or lets it go. Both cases read the row as it was before this update, so `ours` is the lease
 * as it stood.
 */
function removalUpdate(db: Kysely<Database>, v: RemovalValues, others: (left: AnySelect) => AnySelect) {
  return db
    .updateTable('outbox_recipients')
    .set((eb) => {
      const pending = eb.exists(
        others(
          eb
            .selectFrom('outbox_entries')
            .select('seq')
            .where('outbox_entries.recipient', '=', v.recipient)
            .where((held) =>
              held.or([
                held('outbox_entries.slot', 'is', null),
                held('outbox_entries.priority', '<', v.heldPriority),
              ]),
            ),
        ),
      );
      const ours = eb('lease_holder', '=', v.holder);
      return {
        backoff_failures: 0,
        backoff_not_before: null,
        backoff_status: null,
        call_log: eb.fn.coalesce(eb.val<string | null>(v.callLog), eb.ref('call_log')),
        lease_holder: eb
          .case()
          .when(eb.and([ours, eb.not(pending)]))
          .then(eb.val<string | null>(null))
          .else(eb.ref('lease_holder'))
          .end(),
        // Bound values: Kysely writes a plain number here into the SQL text, a new statement every time.
        lease_until: eb
          .case()
          .when(eb.and([ours, pending]))
          .then(eb.val<number | null>(v.leaseUntil))
          .when(ours)
          .then(eb.val<number | null>(null))
          .else(eb.ref('lease_until'))
          .end(),
      };
    })
    .where('recipient', '=', v.recipient)
    .returning(['lease_holder']);
}

type AnySelect = SelectQueryBuilder<Database, 'outbox_entries', { seq: number }>;

/** The usual removal, one delivered entry: both statements compiled once. */
const removeOneUpdate = compiledOnce((db, v: RemovalValues & { entryId: string }) =>
  removalUpdate(db, v, (left) => left.where('outbox_entries.id', '!=', v.entryId)),
);
const deleteOne = compiledOnce((db, v: { entryId: string }) =>
  db.deleteFrom('outbox_entries').where('id', '=', v.entryId),
);

/**
 * Takes delivered entries off the queue in the caller's transaction: one update that ends the backoff and extends
 * `holder`'s lease, or lets it go when nothing else is pending, then the delete.
 */
export async function removeDelivered(
  trx: Kysely<Database>,
  removal: {
    readonly recipient: string;
    readonly entryIds: readonly string[];
    readonly holder: string;
    readonly leaseUntil: number;
    readonly callLog?: CallLog;
    readonly heldPriority?: number;
  },
): Promise<RemoveOutcome> {
  const { recipient, entryIds, holder, leaseUntil, callLog } = removal;
  const values: RemovalValues = {
    recipient,
    holder,
    leaseUntil,
    callLog: callLogJson(callLog),
    heldPriority: removal.heldPriority ?? NOTHING_HELD,
  };
  // The recipient row first, as append takes it (then the entries): two writers never wait on each other.
  let row: { readonly lease_holder: string | null } | undefined;
  const [only] = entryIds;
  if (entryIds.length === 1 && only !== undefined) {
    row = (await removeOneUpdate(trx, { ...values, entryId: only })).rows[0];
    await deleteOne(trx, { entryId: only });
  } else {
    row = await removalUpdate(trx, values, (left) =>
      entryIds.length > 0 ? left.where('outbox_entries.id', 'not in', entryIds) : left,
    ).executeTakeFirst();
    if (entryIds.length > 0) await trx.deleteFrom('outbox_entries').where('id', 'in', entryIds).execute();
  }
  if (row?.lease_holder === holder) return 'more';
  return row && row.lease_holder === null ? 'empty' : 'lost';
}
