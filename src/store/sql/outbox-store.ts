import type { Activity } from 'botbuilder';
import type { Selectable } from 'kysely';
import { compiledOnce } from './compiled-once';
import { requireOneRow, retryOnConflict } from './conflicts';
import type { SqlDatabase } from './open-database';
import { GroupedRemovals } from './grouped-removals';
import { releaseOutboxLease, type OutboxOwner, type RemoveOutcome } from './outbox';
import {
  appendOutboxMessage,
  headWithRecipientOf,
  headSeqOf,
  takeFreeLease,
  type AppendClaim,
  type AppendOutcome,
  type LeaseTaking,
  type OutboxMessageRow,
} from './outbox-append';
import type { OutboxEntriesTable } from './schema';
import type { CallLog } from '../../domain/call-budget';
import { callLogColumn, callLogOf, chargeTenantCalls, reserveTenantCall } from './teams-tenant-calls';

export type { AppendClaim, AppendOutcome, OutboxMessageRow } from './outbox-append';
export type { RemoveOutcome } from './outbox';

export interface StoredOutboxEntry extends OutboxMessageRow {
  readonly id: string;
  readonly seq: number;
  readonly enqueuedAt: number;
}

/** A recipient's head entry, with who holds its lease, its backoff count and call log, as `head` reads them. */
export interface StoredHead {
  readonly entry?: StoredOutboxEntry;
  readonly leaseHolder?: string;
  readonly failures: number;
  readonly callLog?: CallLog;
  readonly superseded?: boolean;
}

/**
 * What an append did; on SQLite, when it made its entry the only one and took the lease, the head as `head` would
 * read it once the append commits: the run it starts sends that first without reading it back (about 45 µs inside
 * SQLite per relayed message). The outbox uses it only if nothing was appended to the recipient since.
 */
export type StoredAppend = Omit<AppendOutcome, 'head'> & { readonly head?: StoredHead };

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly until: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly notBefore: number }
  | { readonly kind: 'busy'; readonly holder: string };

export interface RecipientLeaseRow {
  readonly holder: string;
  readonly until: number;
}

export interface PendingRecipientRow {
  readonly recipient: string;
  readonly lease?: RecipientLeaseRow;
  readonly notBefore?: number;
}

function entryOf(row: Selectable<OutboxEntriesTable>, owner: OutboxOwner): StoredOutboxEntry {
  return {
    id: row.id,
    seq: row.seq,
    owner,
    relaydeskId: row.relaydesk_id,
    // Written by append from the same type; JSON keeps it plain.
    activity: JSON.parse(row.activity) as Partial<Activity>,
    enqueuedAt: row.enqueued_at,
    ...(row.slot !== null ? { slot: row.slot } : {}),
    ...(row.version !== null ? { version: row.version } : {}),
    ...(row.replaces !== null ? { replaces: row.replaces } : {}),
    ...(row.reply_to_id !== null ? { replyToId: row.reply_to_id } : {}),
    ...(row.label !== null ? { label: row.label } : {}),
    // Written by append from the same type.
    ...(row.view !== null ? { view: JSON.parse(row.view) as object } : {}),
    ...(row.batch !== null ? { batch: row.batch } : {}),
    priority: row.priority,
  };
}

function ownerOf(kind: string, id: string): OutboxOwner {
  if (kind !== 'agent' && kind !== 'customer')
    throw new Error(`An outbox recipient of unknown kind "${kind}".`);
  return { kind, id };
}

/** A claim's usual case: something pending, no backoff, and the lease free, lapsed or already `holder`'s. */
const claimStatement = compiledOnce((db, v: LeaseTaking) =>
  takeFreeLease(db, v).where((eb) =>
    eb.exists(
      eb.selectFrom('outbox_entries').select('seq').where('outbox_entries.recipient', '=', v.recipient),
    ),
  ),
);

/**
 * The outbox on its tables: a row per recipient (sequence counter, backoff, lease), a row per pending entry, a row
 * per recipient and slot with the newest version queued. No operation reads or rewrites a whole queue: appending is
 * one insert (or one update of a coalesced entry) and a recipient row update, and sending reads the head by index.
 */
export class SqlOutboxStore {
  private readonly removals: GroupedRemovals;

  constructor(private readonly database: SqlDatabase) {
    this.removals = new GroupedRemovals(database);
  }

  /**
   * Queues the message, taking the lease with it when asked. The tenant call asked for with the lease is reserved
   * on SQLite only: there the append's transaction holds the one writer lock anyway. On PostgreSQL the tenant's slot
   * row would stay locked until the use case that queued the message commits, holding up every instance's sends to
   * that tenant (and meeting agents' row locks in another order); the send reserves its call by itself there.
   */
  append(message: OutboxMessageRow, now: number, claim?: AppendClaim): Promise<StoredAppend> {
    const sqlite = this.database.kind === 'sqlite';
    const asked = claim?.call && !sqlite ? { holder: claim.holder, until: claim.until } : claim;
    return this.database.transaction(async (trx) => {
      const { head, ...outcome } = await appendOutboxMessage(trx, message, now, asked, sqlite);
      if (!head || !claim) return outcome;
      const callLog = callLogOf(head.callLog);
      const entry = entryOf(head.row, message.owner);
      const handed: StoredHead = { entry, leaseHolder: claim.holder, failures: head.failures };
      return { ...outcome, head: callLog ? { ...handed, callLog } : handed };
    });
  }

  /**
   * Takes the lease by a conditional update on the lease as it was read, so two claimers on PostgreSQL cannot both
   * win (the loser finds the lease changed and looks again); SQLite runs the transactions one at a time anyway.
   */
  async claim(
    recipient: string,
    holder: string,
    now: number,
    leaseMs: number,
    isStale: (holder: string) => boolean,
  ): Promise<ClaimOutcome> {
    // The usual case in one statement: something pending, no backoff, and the lease free, lapsed or already ours.
    // Anything else (nothing to send, a live lease of another holder, which may have died, a backoff) is told
    // apart by the full claim below.
    const until = now + leaseMs;
    const taken = await claimStatement(this.database.db, { recipient, holder, now, until });
    if (taken.numAffectedRows === 1n) return { kind: 'claimed', until };
    return this.fullClaim(recipient, holder, now, leaseMs, isStale);
  }

  private fullClaim(
    recipient: string,
    holder: string,
    now: number,
    leaseMs: number,
    isStale: (holder: string) => boolean,
  ): Promise<ClaimOutcome> {
    return retryOnConflict(() =>
      this.database.transaction(async (trx): Promise<ClaimOutcome> => {
        const row = await trx
          .selectFrom('outbox_recipients')
          .select(['lease_holder', 'lease_until', 'backoff_not_before'])
          .where('recipient', '=', recipient)
          .executeTakeFirst();
        if (!row || (await headSeqOf(trx, recipient)) === undefined) return { kind: 'idle' };
        const notBefore = row.backoff_not_before;
        if (notBefore !== null && notBefore > now) return { kind: 'waiting', notBefore };
        const { lease_holder: leaseHolder, lease_until: leaseUntil } = row;
        const live = leaseHolder !== null && leaseUntil !== null && leaseUntil > now;
        if (live && leaseHolder !== holder && !isStale(leaseHolder))
          return { kind: 'busy', holder: leaseHolder };
        const until = now + leaseMs;
        const taken = await trx
          .updateTable('outbox_recipients')
          .set({ lease_holder: holder, lease_until: until })
          .where('recipient', '=', recipient)
          .where((eb) =>
            leaseHolder === null ? eb('lease_holder', 'is', null) : eb('lease_holder', '=', leaseHolder),
          )
          .where((eb) =>
            leaseUntil === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', leaseUntil),
          )
          .executeTakeFirst();
        requireOneRow(taken, `The outbox lease of ${recipient}`);
        return { kind: 'claimed', until };
      }),
    );
  }

  /** The recipient's lease holder, then its head entry at `now` (aged entries first); each an indexed lookup. */
  async head(recipient: string, now: number): Promise<StoredHead> {
    // The usual case, something pending: the head and its recipient's row in one statement.
    const head = await headWithRecipientOf(this.database.db, recipient, now);
    const row =
      head ??
      (await this.database.db
        .selectFrom('outbox_recipients')
        .select(['owner_kind', 'owner_id', 'lease_holder', 'backoff_failures', 'call_log'])
        .where('recipient', '=', recipient)
        .executeTakeFirst());
    if (!row) return { failures: 0 };
    const callLog = callLogOf(row.call_log);
    return {
      failures: row.backoff_failures,
      ...(callLog ? { callLog } : {}),
      ...(row.lease_holder !== null ? { leaseHolder: row.lease_holder } : {}),
      ...(head ? { entry: entryOf(head, ownerOf(head.owner_kind, head.owner_id)) } : {}),
      // SQLite answers EXISTS with 1 or 0, PostgreSQL with a boolean.
      ...(head && (head.superseded === true || Number(head.superseded) === 1) ? { superseded: true } : {}),
    };
  }

  renew(recipient: string, holder: string, until: number): Promise<boolean> {
    return this.database.transaction(async (trx) => {
      const renewed = await trx
        .updateTable('outbox_recipients')
        .set({ lease_until: until })
        .where('recipient', '=', recipient)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return renewed.numUpdatedRows === 1n;
    });
  }

  release(recipient: string, holder: string): Promise<void> {
    return this.database.transaction((trx) => releaseOutboxLease(trx, recipient, holder));
  }

  /**
   * Takes delivered entries off the queue (a batch goes as one message), in one transaction: one update that ends
   * the backoff and extends `holder`'s lease, or lets it go when nothing else is pending, then the delete; a run
   * that emptied the queue needs no further look and no release. On SQLite, removals asked for in the same turn of
   * the event loop share one transaction (GroupedRemovals).
   */
  remove(
    recipient: string,
    entryIds: readonly string[],
    holder: string,
    leaseUntil: number,
    callLog?: CallLog,
    heldPriority?: number,
  ): Promise<RemoveOutcome> {
    return this.removals.remove({
      recipient,
      entryIds,
      holder,
      leaseUntil,
      ...(callLog ? { callLog } : {}),
      ...(heldPriority !== undefined ? { heldPriority } : {}),
    });
  }

  /** The entries of `batch` queued behind `after` for the recipient, oldest first, at most `limit`; by index. */
  async batchAfter(
    recipient: string,
    batch: string,
    after: { readonly seq: number; readonly id: string },
    limit: number,
  ): Promise<readonly StoredOutboxEntry[]> {
    const rows = await this.database.db
      .selectFrom('outbox_entries')
      .innerJoin('outbox_recipients', 'outbox_recipients.recipient', 'outbox_entries.recipient')
      .selectAll('outbox_entries')
      .select(['outbox_recipients.owner_kind', 'outbox_recipients.owner_id'])
      .where('outbox_entries.recipient', '=', recipient)
      .where('outbox_entries.batch', '=', batch)
      .where('outbox_entries.seq', '>', after.seq)
      .where('outbox_entries.id', '!=', after.id)
      .orderBy('outbox_entries.seq')
      .limit(limit)
      .execute();
    return rows.map((row) => entryOf(row, ownerOf(row.owner_kind, row.owner_id)));
  }

  backOff(
    recipient: string,
    holder: string,
    backoff: { readonly failures: number; readonly notBefore: number; readonly status?: number },
    callLog?: CallLog,
  ): Promise<void> {
    return this.database.transaction(async (trx) => {
      await trx
        .updateTable('outbox_recipients')
        .set({
          backoff_failures: backoff.failures,
          backoff_not_before: backoff.notBefore,
          backoff_status: backoff.status ?? null,
          ...callLogColumn(callLog),
        })
        .where('recipient', '=', recipient)
        .execute();
      await releaseOutboxLease(trx, recipient, holder);
    });
  }

  /** Teams' budget is spent for now: the recipient waits until `notBefore`, its failures untouched. */
  pace(recipient: string, holder: string, notBefore: number): Promise<void> {
    return this.database.transaction(async (trx) => {
      await trx
        .updateTable('outbox_recipients')
        .set({ backoff_not_before: notBefore })
        .where('recipient', '=', recipient)
        .execute();
      await releaseOutboxLease(trx, recipient, holder);
    });
  }

  reserveTenantCall(tenant: string, slot: number, max: number): Promise<boolean> {
    return reserveTenantCall(this.database.db, tenant, slot, max);
  }

  chargeTenantCalls(tenant: string, slot: number, calls: number): Promise<void> {
    return chargeTenantCalls(this.database, tenant, slot, calls);
  }

  dropSlot(recipient: string, slot: string, keep?: string): Promise<number> {
    return this.database.transaction(async (trx) => {
      // The recipient row first, as append takes it: an update coalescing into a dropped entry is never lost.
      await trx
        .updateTable('outbox_recipients')
        .set((eb) => ({ next_seq: eb.ref('next_seq') }))
        .where('recipient', '=', recipient)
        .execute();
      const dropped = await trx
        .deleteFrom('outbox_entries')
        .where('recipient', '=', recipient)
        .where('slot', '=', slot)
        .$if(keep !== undefined, (query) => query.where('id', '!=', keep ?? ''))
        .executeTakeFirst();
      return Number(dropped.numDeletedRows);
    });
  }

  /** The recipients with pending entries, found through the entries (there are few) rather than every recipient. */
  async recipients(): Promise<readonly PendingRecipientRow[]> {
    const rows = await this.database.db
      .selectFrom('outbox_recipients')
      .select(['recipient', 'lease_holder', 'lease_until', 'backoff_not_before'])
      .where('recipient', 'in', (eb) => eb.selectFrom('outbox_entries').select('recipient'))
      .orderBy('recipient')
      .execute();
    return rows.map((row) => ({
      recipient: row.recipient,
      ...(row.lease_holder !== null && row.lease_until !== null
        ? { lease: { holder: row.lease_holder, until: row.lease_until } }
        : {}),
      ...(row.backoff_not_before !== null ? { notBefore: row.backoff_not_before } : {}),
    }));
  }

  async pending(): Promise<number> {
    const { count } = await this.database.db
      .selectFrom('outbox_entries')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
}
