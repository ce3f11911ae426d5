import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { DocumentStore } from '../app/ports';
import { storeKey } from '../store/keys';
import type { ReferenceOwner } from './conversation-references';

/**
 * The outbox's documents. Per recipient (an agent's chat, a customer's conversation) one queue document,
 * `outbox/queue:<kind>:<id>`, lists the pending entries in the order they must be delivered, with the
 * recipient's retry backoff and the lease of the process sending to it. Each entry's activity is a document
 * of its own, `outbox/entry:<uuid>`, so the queue stays small however big the cards are. `outbox/index`
 * names the recipients that may have pending entries, for the dispatcher's passes (after a restart too).
 *
 * The index never loses a recipient with pending entries, whatever the interleaving or a crash: an append
 * writes the queue, then lists the recipient under the queue's generation; taking an emptied recipient off
 * first bumps its queue's generation (only while the queue is empty), then removes the listing only if it
 * is of an older generation — so a listing written by an append after the bump stays.
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
}

export interface OutboxEntryDocument extends OutboxMessage {
  readonly enqueuedAt: number;
}

/** An entry's place in its recipient's queue. */
export interface QueuedEntry {
  /** The entry document's id. */
  readonly id: string;
  /** Enqueue order within the recipient (a coalesced slot update keeps the place, and the number, it took over). */
  readonly seq: number;
  readonly slot?: string;
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

export interface OutboxQueueDocument {
  readonly owner: ReferenceOwner;
  readonly nextSeq: number;
  /** Bumped each time the emptied queue is taken off the index; see above. */
  readonly generation?: number;
  readonly entries: readonly QueuedEntry[];
  readonly backoff?: RecipientBackoff;
  readonly lease?: RecipientLease;
  /** Per slot, the newest version queued for it. */
  readonly slotVersions?: Readonly<Record<string, number>>;
}

interface OutboxIndexDocument {
  /** Recipient → the generation of its queue when it was listed. */
  readonly recipients: Readonly<Record<string, number>>;
}

/**
 * What appending did: the entry's place, the entry a coalesced slot update replaced, or that the message was
 * older than the slot's newest and was not queued.
 */
export interface AppendResult {
  readonly length: number;
  readonly replacedId?: string;
  readonly outdated?: { readonly version: number; readonly newest: number };
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly until: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly notBefore: number }
  | { readonly kind: 'busy'; readonly holder: string };

export function ownerKeyOf(owner: ReferenceOwner): string {
  return `${owner.kind}:${owner.id}`;
}

export function queueKey(ownerKey: string): string {
  return storeKey('outbox', `queue:${ownerKey}`);
}

export function entryKey(entryId: string): string {
  return storeKey('outbox', `entry:${entryId}`);
}

export const OUTBOX_INDEX_KEY = storeKey('outbox', 'index');

export function ownerOfKey(ownerKey: string): ReferenceOwner | undefined {
  const colon = ownerKey.indexOf(':');
  const kind = ownerKey.slice(0, colon);
  const id = ownerKey.slice(colon + 1);
  return colon > 0 && id !== '' && (kind === 'agent' || kind === 'customer') ? { kind, id } : undefined;
}

function lastIndexOfSlot(entries: readonly QueuedEntry[], slot: string): number {
  for (let index = entries.length - 1; index >= 0; index -= 1)
    if (entries[index]?.slot === slot) return index;
  return -1;
}

function emptyQueue(owner: ReferenceOwner): OutboxQueueDocument {
  return { owner, nextSeq: 1, entries: [] };
}

/** The queue without the fields `omit` names; exactOptionalPropertyTypes forbids writing them as undefined. */
function without(
  queue: OutboxQueueDocument,
  omit: { backoff?: boolean; lease?: boolean },
): OutboxQueueDocument {
  const { backoff, lease, ...rest } = queue;
  return {
    ...rest,
    ...(backoff && !omit.backoff ? { backoff } : {}),
    ...(lease && !omit.lease ? { lease } : {}),
  };
}

/** Reads and changes the outbox documents, every change a compare-and-swap. */
export class OutboxStore {
  constructor(private readonly store: DocumentStore) {}

  /**
   * Stores the entry, then appends it to its recipient's queue, then lists the recipient in the index (in
   * that order: a recipient is never dropped from the index while an entry it holds is not yet visible).
   * A slot update coalesces with a pending update of the same slot that is not at the head (the head may be
   * on its way): it takes that entry's place, and the older card is never sent. A versioned slot update older
   * than the newest queued for its slot is not queued at all.
   */
  async append(message: OutboxMessage, now: number): Promise<AppendResult> {
    const id = randomUUID();
    const ownerKey = ownerKeyOf(message.owner);
    // A JSON round trip keeps only what every backend stores (and drops undefined fields).
    const entry = JSON.parse(JSON.stringify({ ...message, enqueuedAt: now })) as OutboxEntryDocument;
    await this.store.update<OutboxEntryDocument>(entryKey(id), () => entry);
    let result: AppendResult = { length: 0 };
    let generation = 0;
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      const queue = current ?? emptyQueue(message.owner);
      generation = queue.generation ?? 0;
      const slot = message.slot;
      const newest = slot === undefined ? undefined : queue.slotVersions?.[slot];
      if (message.version !== undefined && newest !== undefined && message.version < newest) {
        result = { length: queue.entries.length, outdated: { version: message.version, newest } };
        return current;
      }
      const versioned =
        slot !== undefined && message.version !== undefined
          ? { slotVersions: { ...queue.slotVersions, [slot]: message.version } }
          : {};
      const at = slot === undefined ? -1 : lastIndexOfSlot(queue.entries, slot);
      const taken = at > 0 ? queue.entries[at] : undefined;
      if (taken) {
        const entries = queue.entries.map((queued, index) =>
          index === at ? { id, seq: taken.seq, ...(slot !== undefined ? { slot } : {}) } : queued,
        );
        result = { length: entries.length, replacedId: taken.id };
        return { ...queue, ...versioned, entries };
      }
      const entries = [...queue.entries, { id, seq: queue.nextSeq, ...(slot !== undefined ? { slot } : {}) }];
      result = { length: entries.length };
      return { ...queue, ...versioned, nextSeq: queue.nextSeq + 1, entries };
    });
    if (result.outdated) {
      await this.store.delete(entryKey(id));
      return result;
    }
    if (result.replacedId) await this.store.delete(entryKey(result.replacedId));
    await this.store.update<OutboxIndexDocument>(OUTBOX_INDEX_KEY, (current) => {
      const listed = current?.recipients[ownerKey];
      return listed !== undefined && listed >= generation
        ? current
        : { recipients: { ...current?.recipients, [ownerKey]: generation } };
    });
    return result;
  }

  async queue(ownerKey: string): Promise<OutboxQueueDocument | undefined> {
    return (await this.store.get<OutboxQueueDocument>(queueKey(ownerKey)))?.value;
  }

  async entry(entryId: string): Promise<OutboxEntryDocument | undefined> {
    return (await this.store.get<OutboxEntryDocument>(entryKey(entryId)))?.value;
  }

  /** The recipients listed as having pending entries. */
  async recipients(): Promise<readonly string[]> {
    const index = await this.store.get<OutboxIndexDocument>(OUTBOX_INDEX_KEY);
    return Object.keys(index?.value.recipients ?? {});
  }

  /**
   * Takes the recipient's lease for `holder` when there is something to send: not while its backoff lasts,
   * nor while another holder's lease is live (`isStale` tells a lease left by a dead process).
   */
  async claim(
    ownerKey: string,
    holder: string,
    now: number,
    leaseMs: number,
    isStale: (holder: string) => boolean,
  ): Promise<ClaimResult> {
    let result: ClaimResult = { kind: 'idle' };
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      if (!current || current.entries.length === 0) {
        result = { kind: 'idle' };
        return current;
      }
      if (current.backoff && current.backoff.notBefore > now) {
        result = { kind: 'waiting', notBefore: current.backoff.notBefore };
        return current;
      }
      const lease = current.lease;
      if (lease && lease.holder !== holder && lease.until > now && !isStale(lease.holder)) {
        result = { kind: 'busy', holder: lease.holder };
        return current;
      }
      const until = now + leaseMs;
      result = { kind: 'claimed', until };
      return { ...current, lease: { holder, until } };
    });
    return result;
  }

  /** Extends `holder`'s lease; false when the lease is no longer theirs. */
  async renew(ownerKey: string, holder: string, until: number): Promise<boolean> {
    let held = false;
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      held = current?.lease?.holder === holder;
      return current && held ? { ...current, lease: { holder, until } } : current;
    });
    return held;
  }

  async release(ownerKey: string, holder: string): Promise<void> {
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) =>
      current?.lease?.holder === holder ? without(current, { lease: true }) : current,
    );
  }

  /**
   * Takes a delivered (or dropped) entry off the queue and clears the recipient's backoff; extends the lease
   * if `holder` still has it. Removed by id, so it is right wherever the entry stands.
   */
  async remove(ownerKey: string, entryId: string, holder: string, leaseUntil: number): Promise<void> {
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      if (!current) return current;
      const entries = current.entries.filter((queued) => queued.id !== entryId);
      if (entries.length === current.entries.length && !current.backoff) return current;
      const base = without({ ...current, entries }, { backoff: true });
      return current.lease?.holder === holder ? { ...base, lease: { holder, until: leaseUntil } } : base;
    });
    await this.store.delete(entryKey(entryId));
  }

  /** The head stays undelivered for now: the recipient waits, and its lease is let go. */
  async backOff(ownerKey: string, holder: string, backoff: RecipientBackoff): Promise<void> {
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      if (!current) return current;
      const base = current.lease?.holder === holder ? without(current, { lease: true }) : current;
      return { ...base, backoff };
    });
  }

  /**
   * Drops the pending entries of one slot (their cards would go to a card that shows something else now),
   * but not `keep`, an entry on its way.
   */
  async dropSlot(ownerKey: string, slot: string, keep?: string): Promise<number> {
    let dropped: QueuedEntry[] = [];
    const drops = (queued: QueuedEntry) => queued.slot === slot && queued.id !== keep;
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      dropped = current?.entries.filter(drops) ?? [];
      return current && dropped.length > 0
        ? { ...current, entries: current.entries.filter((queued) => !drops(queued)) }
        : current;
    });
    for (const queued of dropped) await this.store.delete(entryKey(queued.id));
    return dropped.length;
  }

  /** Takes a recipient whose queue is empty off the index (see the note on the index above). */
  async prune(ownerKey: string): Promise<void> {
    let generation: number | undefined;
    await this.store.update<OutboxQueueDocument>(queueKey(ownerKey), (current) => {
      generation = undefined;
      if (!current || current.entries.length > 0) return current;
      generation = (current.generation ?? 0) + 1;
      return { ...current, generation };
    });
    if (generation === undefined) return;
    const bumped = generation;
    await this.store.update<OutboxIndexDocument>(OUTBOX_INDEX_KEY, (current) => {
      const listed = current?.recipients[ownerKey];
      if (!current || listed === undefined || listed >= bumped) return current;
      const { [ownerKey]: _removed, ...rest } = current.recipients;
      return { recipients: rest };
    });
  }
}
