import type { Activity } from 'botbuilder';
import type { CallLog } from '../domain/call-budget';
import type { ReferenceOwner } from './conversation-references';

/**
 * What the outbox needs of its storage: per recipient (an agent's chat, a customer's conversation) a queue of
 * entries in delivery order, the recipient's retry backoff, the lease of the process sending to it, and per card
 * slot the newest version queued. The app wires a store on the outbox tables (src/store/sql/outbox-store.ts).
 */

/** One message on its way to the connector. */
export interface OutboxMessage {
  readonly owner: ReferenceOwner;
  /** The activity as it is sent, carrying `channelData.relaydeskId`; plain JSON. */
  readonly activity: Partial<Activity>;
  /** The stable id of the send, the same on every attempt and after a restart. */
  readonly relaydeskId: string;
  /** An agent's card slot (the panel, an offer): its card is updated in place, or posted and remembered. */
  readonly slot?: string;
  /**
   * The revision of the document a slot's card was rendered from: a message older than one already queued for
   * the slot is not queued (renders made concurrently may reach the outbox in either order).
   */
  readonly version?: number;
  /** An activity to update in place (the card an action was pressed on); a new one is posted if it is gone. */
  readonly replaces?: string;
  /** The activity this answers (a bot reply to the sender's message): a post is sent as a reply to it. */
  readonly replyToId?: string;
  /** What is sent, for the logs (a view kind, "text"). */
  readonly label?: string;
  /** Sent before pending entries with a larger one (SEND_PRIORITY); 1 when unset. */
  readonly priority?: number;
  /**
   * An agent's card kept as its view (plain JSON) and rendered when sent, by the outbox's `compose`: a render
   * superseded in the queue then costs nothing, and the card can show how delivery stands at that moment.
   */
  readonly view?: object;
  /**
   * Entries of one batch waiting for the same recipient while Teams' budget is short go out as one message
   * (relayed customer messages as one card), in queue order.
   */
  readonly batch?: string;
}

/** A stored message: its id, its place in the recipient's queue, and when it was queued. */
export interface OutboxEntry extends OutboxMessage {
  readonly id: string;
  /** Delivery order within the recipient (a coalesced slot update keeps the place it took over). */
  readonly seq: number;
  readonly enqueuedAt: number;
}

/** Sends to this recipient wait until `notBefore` after a pass whose sends all failed. */
export interface RecipientBackoff {
  /** Passes in a row that ended with the head entry still undelivered. */
  readonly failures: number;
  readonly notBefore: number;
  readonly status?: number;
}

/** Who sends to this recipient now; another process leaves the recipient alone until `until`. */
export interface RecipientLease {
  readonly holder: string;
  readonly until: number;
}

/**
 * What appending did: how far the new entry stands behind the head (an upper bound of the pending count, as
 * dropped entries leave gaps), the entry a coalesced slot update replaced, or that the message was older than the
 * slot's newest and was not queued.
 */
export interface AppendResult {
  readonly length: number;
  readonly replacedId?: string;
  readonly outdated?: { readonly version: number; readonly newest: number };
  /** The lease asked for with the append was taken, until then (in the same transaction as the entry). */
  readonly claimedUntil?: number;
  /** The tenant call asked for with the lease was reserved too: the run's first send uses it. */
  readonly callReserved?: boolean;
  /**
   * The recipient's head as `head` would read it once the append commits, when the store can tell it (SQLite, the
   * entry alone in the queue, the lease taken with it): the run the append starts need not read it back.
   */
  readonly head?: RecipientHead;
}

/** One call of a tenant's slot (Teams' per-tenant limit), reserved for a send. */
export interface TenantCall {
  readonly tenant: string;
  readonly slot: number;
  /** The slot's share: taken only while the slot holds fewer calls. */
  readonly max: number;
}

/**
 * A lease to take with an append, when the recipient is free to be sent to: the run starts without a claim. With
 * `call`, the tenant call of the run's first send is reserved too when the lease is taken, in the same transaction
 * (a commit fewer per relayed message than reserving it as the send starts).
 */
export interface AppendClaim {
  readonly holder: string;
  readonly until: number;
  readonly call?: TenantCall;
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly until: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly notBefore: number }
  | { readonly kind: 'busy'; readonly holder: string };

/** A recipient's next entry to send, read together with who holds its lease and how often it failed. */
export interface RecipientHead {
  readonly entry?: OutboxEntry;
  readonly leaseHolder?: string;
  readonly failures: number;
  /** The calls made to the recipient's Teams conversation lately, for the budget. */
  readonly callLog?: CallLog;
  /** The head is a slot update with a newer one of the same slot queued behind it: it need not be sent. */
  readonly superseded?: boolean;
}

/** A recipient with entries pending, and what decides whether it can be sent to now. */
export interface PendingRecipient {
  readonly recipient: string;
  readonly lease?: RecipientLease;
  readonly notBefore?: number;
}

/** After a removal: more to send under the same lease, nothing left (the lease let go), or the lease lost. */
export type RemoveOutcome = 'more' | 'empty' | 'lost';

/** Every change is atomic in the store; concurrent writers (other processes too) are settled there. */
export interface OutboxStore {
  /**
   * Queues the message behind the recipient's pending entries. A slot update coalesces with a pending update of
   * the same slot that is not at the head (the head may be on its way): it takes that entry's place, and the older
   * card is never sent. A versioned slot update older than the newest queued for its slot is not queued at all.
   * With `claim`, the recipient's lease is taken for its holder in the same transaction when no backoff runs and no
   * other holder's lease is live (`claimedUntil` says it was).
   */
  append(message: OutboxMessage, now: number, claim?: AppendClaim): Promise<AppendResult>;
  /**
   * Takes the recipient's lease for `holder` when there is something to send: not while its backoff lasts, nor
   * while another holder's lease is live (`isStale` tells a lease left by a dead process).
   */
  claim(
    recipient: string,
    holder: string,
    now: number,
    leaseMs: number,
    isStale: (holder: string) => boolean,
  ): Promise<ClaimResult>;
  /** The entry to send next at `now`: by priority (an entry waiting AGED_MS counts as most urgent), then queue order. */
  head(recipient: string, now: number): Promise<RecipientHead>;
  /** Extends `holder`'s lease; false when the lease is no longer theirs. */
  renew(recipient: string, holder: string, until: number): Promise<boolean>;
  release(recipient: string, holder: string): Promise<void>;
  /**
   * Takes delivered (or dropped) entries off the queue (a batch sent as one message is several), ends the backoff,
   * and extends `holder`'s lease, or lets it go when nothing is left to send; with a call log, keeps it as the
   * recipient's. Says whether the lease is still `holder`'s ('more'), was let go ('empty'), or is another's.
   * With `heldPriority`, refreshes (slot updates) of that priority or less urgent count as nothing left to send:
   * the refresh pacer holds them back, and looks at the recipient again when their turn comes.
   */
  remove(
    recipient: string,
    entryIds: readonly string[],
    holder: string,
    leaseUntil: number,
    callLog?: CallLog,
    heldPriority?: number,
  ): Promise<RemoveOutcome>;
  /** The entries of `batch` queued behind `after` for the recipient, oldest first, at most `limit`. */
  batchAfter(
    recipient: string,
    batch: string,
    after: { readonly seq: number; readonly id: string },
    limit: number,
  ): Promise<readonly OutboxEntry[]>;
  /** The head stays undelivered for now: the recipient waits, and `holder`'s lease is let go. */
  backOff(recipient: string, holder: string, backoff: RecipientBackoff, callLog?: CallLog): Promise<void>;
  /** Teams' budget is spent for now: the recipient waits until `notBefore` (not a failure), the lease let go. */
  pace(recipient: string, holder: string, notBefore: number): Promise<void>;
  /** Takes one call of the tenant's slot when fewer than `max` are taken; false when the slot is full. */
  reserveTenantCall(tenant: string, slot: number, max: number): Promise<boolean>;
  /** Counts `calls` made in the tenant's slot without a reservation, even past its share. */
  chargeTenantCalls(tenant: string, slot: number, calls: number): Promise<void>;
  /** Drops the pending entries of one slot except `keep` (an entry on its way); returns how many. */
  dropSlot(recipient: string, slot: string, keep?: string): Promise<number>;
  recipients(): Promise<readonly PendingRecipient[]>;
  /** Entries not yet delivered, over all recipients. */
  pending(): Promise<number>;
}

export function ownerKeyOf(owner: ReferenceOwner): string {
  return `${owner.kind}:${owner.id}`;
}
