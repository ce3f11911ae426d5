import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { sql, type Expression, type Kysely, type Selectable } from 'kysely';
import { compiledOnce } from './compiled-once';
import {
  outboxEntryColumns,
  recipientOf,
  takeOutboxPlace,
  type OutboxOwner,
  type OutboxPlace,
} from './outbox';
import type { Database, OutboxEntriesTable } from './schema';
import { ONE_ROW } from './one-row';
import { reserveTenantCall } from './teams-tenant-calls';

/** One message on its way to the connector, as the outbox queues it. */
export interface OutboxMessageRow {
  readonly owner: OutboxOwner;
  readonly activity: Partial<Activity>;
  readonly relaydeskId: string;
  readonly slot?: string;
  readonly version?: number;
  readonly replaces?: string;
  readonly replyToId?: string;
  readonly label?: string;
  readonly priority?: number;
  readonly view?: object;
  readonly batch?: string;
}

export interface AppendOutcome {
  readonly length: number;
  readonly replacedId?: string;
  readonly outdated?: { readonly version: number; readonly newest: number };
  readonly claimedUntil?: number;
  readonly callReserved?: boolean;
  /** The queue's head as it stands after this append, when `handHead` asked for it and it can be told (see there). */
  readonly head?: AppendedHead;
}

/** The entry an append made the head of an empty queue, as stored, with its recipient's backoff count and call log. */
export interface AppendedHead {
  readonly row: Selectable<OutboxEntriesTable>;
  readonly failures: number;
  readonly callLog: string | null;
}

/** The lease an append takes for its dispatcher when the recipient is free, and the tenant call to reserve with it. */
export interface AppendClaim {
  readonly holder: string;
  readonly until: number;
  readonly call?: { readonly tenant: string; readonly slot: number; readonly max: number };
}

/** What taking a recipient's lease needs: the holder, its deadline, and now. */
export interface LeaseTaking {
  readonly recipient: string;
  readonly holder: string;
  readonly now: number;
  readonly until: number;
}

/** Takes the lease when no backoff runs and the lease is free, lapsed or already `holder`'s. */
export function takeFreeLease(db: Kysely<Database>, v: LeaseTaking) {
  return db
    .updateTable('outbox_recipients')
    .set({ lease_holder: v.holder, lease_until: v.until })
    .where('recipient', '=', v.recipient)
    .where((eb) => eb.or([eb('backoff_not_before', 'is', null), eb('backoff_not_before', '<=', v.now)]))
    .where((eb) =>
      eb.or([
        eb('lease_holder', 'is', null),
        eb('lease_until', '<=', v.now),
        eb('lease_holder', '=', v.holder),
      ]),
    );
}

/** The lease taken with an append: the entry was just queued, so there is something to send. */
const claimWithAppend = compiledOnce((db, v: LeaseTaking) => takeFreeLease(db, v));

/**
 * The outcome, with the lease taken for `claim` when the recipient is free. A lease the holder already has (taken by
 * an earlier append of the same transaction: a relayed card, then the panel) is not taken again.
 */
async function claimed(
  trx: Kysely<Database>,
  recipient: string,
  outcome: AppendOutcome,
  place: OutboxPlace,
  now: number,
  claim: AppendClaim | undefined,
): Promise<AppendOutcome> {
  if (!claim) return outcome;
  const { leaseHolder, leaseUntil } = place;
  if (leaseHolder === claim.holder && leaseUntil !== null && leaseUntil > now) {
    return { ...outcome, claimedUntil: leaseUntil };
  }
  const taken = await claimWithAppend(trx, { recipient, holder: claim.holder, now, until: claim.until });
  if (taken.numAffectedRows !== 1n) return outcome;
  const { call } = claim;
  if (!call) return { ...outcome, claimedUntil: claim.until };
  const callReserved = await reserveTenantCall(trx, call.tenant, call.slot, call.max);
  return { ...outcome, claimedUntil: claim.until, callReserved };
}

/**
 * An entry waiting this long is sent before fresher, more urgent ones: a chat busy with relayed messages still gets
 * its panel refreshed about twice a minute, instead of never.
 */
export const AGED_MS = 30_000;

/**
 * An entry's urgency: its priority, or 0 (the most urgent) once it has waited AGED_MS (enqueued at or before
 * `agedBefore`, which is now − AGED_MS). Delivery order is the most urgent first, then the oldest in the queue.
 */
function deliveryRank(agedBefore: number) {
  return sql`case when ${sql.ref('h.enqueued_at')} <= ${agedBefore} then 0 else ${sql.ref('h.priority')} end`;
}

/**
 * The id of the recipient's entry sent next, as a subquery: it sorts the recipient's few entries by their ids alone.
 * Selecting the entries whole and sorting those made the head's read about four times as costly (SQLite sorts whole
 * rows, cards included), and the head is read before every send.
 */
function headIdOf(db: Kysely<Database>, recipient: string | Expression<string>, agedBefore: number) {
  return db
    .selectFrom('outbox_entries as h')
    .select('h.id')
    .where('h.recipient', '=', recipient)
    .orderBy(deliveryRank(agedBefore))
    .orderBy('h.seq')
    .limit(ONE_ROW);
}

const headWithRecipientStatement = compiledOnce((db, v: { recipient: string; agedBefore: number }) =>
  db
    .selectFrom('outbox_recipients as r')
    .innerJoin('outbox_entries', (join) =>
      join.on((eb) =>
        eb('outbox_entries.id', '=', headIdOf(db, sql.ref<string>('r.recipient'), v.agedBefore)),
      ),
    )
    .selectAll('outbox_entries')
    .select(['r.owner_kind', 'r.owner_id', 'r.lease_holder', 'r.backoff_failures', 'r.call_log'])
    // A slot update with a newer one of its slot queued behind it (renders coalesce behind the head only).
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('outbox_entries as newer')
            .select('newer.seq')
            .whereRef('newer.recipient', '=', 'outbox_entries.recipient')
            .whereRef('newer.slot', '=', 'outbox_entries.slot')
            .whereRef('newer.id', '!=', 'outbox_entries.id'),
        )
        .as('superseded'),
    )
    .where('r.recipient', '=', v.recipient),
);

/** The whole entry sent next at `now` with its recipient's row (owner, lease, backoff, call log): one statement. */
export async function headWithRecipientOf(db: Kysely<Database>, recipient: string, now: number) {
  return (await headWithRecipientStatement(db, { recipient, agedBefore: now - AGED_MS })).rows[0];
}

const headSeqStatement = compiledOnce((db, v: { recipient: string }) =>
  db
    .selectFrom('outbox_entries')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('recipient', '=', v.recipient),
);

/** The first entry's place in the queue, or undefined when nothing is pending. */
export async function headSeqOf(db: Kysely<Database>, recipient: string): Promise<number | undefined> {
  const first = (await headSeqStatement(db, { recipient })).rows[0];
  return first?.seq ?? undefined;
}

const recordSlotVersion = compiledOnce((db, v: { recipient: string; slot: string; version: number }) =>
  db
    .insertInto('outbox_slot_versions')
    .values({ recipient: v.recipient, slot: v.slot, version: v.version })
    .onConflict((conflict) =>
      conflict
        .columns(['recipient', 'slot'])
        .doUpdateSet({ version: v.version })
        .where('outbox_slot_versions.version', '<=', v.version),
    )
    .returning('version'),
);

const slotVersionStatement = compiledOnce((db, v: { recipient: string; slot: string }) =>
  db
    .selectFrom('outbox_slot_versions')
    .select('version')
    .where('recipient', '=', v.recipient)
    .where('slot', '=', v.slot),
);

/**
 * Records a versioned slot update's version (one conditional upsert), or returns the newer one already queued for
 * the slot (then the update is not queued).
 */
async function checkSlotVersion(
  trx: Kysely<Database>,
  recipient: string,
  slot: string,
  version: number,
): Promise<number | undefined> {
  const recorded = (await recordSlotVersion(trx, { recipient, slot, version })).rows[0];
  if (recorded) return undefined;
  const stored = (await slotVersionStatement(trx, { recipient, slot })).rows[0];
  return stored?.version ?? version;
}

const coalescibleStatement = compiledOnce((db, v: { recipient: string; slot: string; agedBefore: number }) =>
  db
    .selectFrom('outbox_entries')
    .select('id')
    .where('recipient', '=', v.recipient)
    .where('slot', '=', v.slot)
    // Never the head, which may be on its way (and with nothing pending, the comparison with null finds no row).
    .where('id', '!=', headIdOf(db, v.recipient, v.agedBefore))
    .orderBy('seq', 'desc')
    .limit(ONE_ROW),
);

/** The newest pending entry of `slot` but the head at `now`, which a new update replaces: one statement. */
async function coalescible(
  trx: Kysely<Database>,
  recipient: string,
  slot: string,
  now: number,
): Promise<{ readonly id: string } | undefined> {
  return (await coalescibleStatement(trx, { recipient, slot, agedBefore: now - AGED_MS })).rows[0];
}

type EntryColumns = ReturnType<typeof outboxEntryColumns>;

/** The columns of an entry's content: what an insert sets and a coalescing update replaces. */
const CONTENT_COLUMNS = [
  'relaydesk_id',
  'slot',
  'version',
  'replaces',
  'reply_to_id',
  'label',
  'activity',
  'priority',
  'view',
  'batch',
] as const;

type EntryContent = Pick<EntryColumns, (typeof CONTENT_COLUMNS)[number]>;

/** The content columns read one by one (the values may be a compiled statement's stand-ins, which cannot be spread). */
function contentOf(values: EntryContent): EntryContent {
  return Object.fromEntries(
    CONTENT_COLUMNS.map((column) => [column, values[column]]),
  ) as unknown as EntryContent;
}

const replaceEntry = compiledOnce((db, v: EntryContent & { id: string; takenId: string }) =>
  db
    .updateTable('outbox_entries')
    .set({ id: v.id, ...contentOf(v) })
    .where('id', '=', v.takenId),
);

const insertEntry = compiledOnce((db, v: EntryColumns & { id: string; recipient: string; seq: number }) =>
  db
    .insertInto('outbox_entries')
    .values({ id: v.id, recipient: v.recipient, seq: v.seq, enqueued_at: v.enqueued_at, ...contentOf(v) }),
);

/** Half a surrogate pair, which SQLite's UTF-8 text cannot hold: it reads back as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The columns JSON.stringify wrote: it escapes NULs and half surrogate pairs, so they read back as written. */
const JSON_COLUMNS: ReadonlySet<string> = new Set(['activity', 'view']);

/**
 * Whether every string of the row reads back as it was written: none holds a NUL (replaced as it is bound) or half a
 * surrogate pair. A hostile activity id does (a reply is threaded to it), and the head is then read back as stored.
 * The JSON columns, a card's kilobytes, are not scanned for every message.
 */
function readsBackAsWritten(row: Readonly<Record<string, unknown>>): boolean {
  // A loop over the keys: no array of pairs made for every append.
  for (const column in row) {
    const value = row[column];
    if (typeof value !== 'string' || JSON_COLUMNS.has(column)) continue;
    if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return false;
  }
  return true;
}

/**
 * Queues a message behind the recipient's pending entries, in the caller's transaction. A slot update coalesces with
 * a pending update of the same slot that is not at the head (the head may be on its way): it takes that entry's
 * place, and the older card is never sent. A versioned slot update older than the newest queued for its slot is not
 * queued. Two statements for a message (the recipient row with the first place, the insert), four at most for a
 * slot update (and the lease, when the append takes it); no queue is read whole.
 *
 * With `handHead`, an append that made its entry the only one in the queue and took the lease returns the entry as
 * stored: the head the dispatcher would read next, as long as nothing else is appended meanwhile (the caller makes
 * sure; on SQLite only, where transactions run one at a time, so no other writer's entry can stand unseen before it).
 */
export async function appendOutboxMessage(
  trx: Kysely<Database>,
  message: OutboxMessageRow,
  now: number,
  claim?: AppendClaim,
  handHead = false,
): Promise<AppendOutcome> {
  const recipient = recipientOf(message.owner);
  const place = await takeOutboxPlace(trx, message.owner);
  const { seq } = place;
  const { slot, version } = message;
  if (slot !== undefined && version !== undefined) {
    const newest = await checkSlotVersion(trx, recipient, slot, version);
    if (newest !== undefined) return { length: 0, outdated: { version, newest } };
  }
  const headSeq = place.headSeq ?? seq;
  const taken = slot !== undefined ? await coalescible(trx, recipient, slot, now) : undefined;
  const columns = outboxEntryColumns(message, now);
  if (taken) {
    // A fresh id for the new content, in the place (seq) of the entry it replaces, waiting since that one did.
    await replaceEntry(trx, { ...columns, id: randomUUID(), takenId: taken.id });
    return claimed(trx, recipient, { length: seq - headSeq, replacedId: taken.id }, place, now, claim);
  }
  const row = { ...columns, id: randomUUID(), recipient, seq };
  await insertEntry(trx, row);
  const outcome = await claimed(trx, recipient, { length: seq - headSeq + 1 }, place, now, claim);
  // The only entry, and the lease this append's: the run it starts sends this row first without reading it back.
  const alone =
    handHead && place.headSeq === null && outcome.claimedUntil !== undefined && readsBackAsWritten(row);
  return alone ? { ...outcome, head: { row, failures: place.failures, callLog: place.callLog } } : outcome;
}
