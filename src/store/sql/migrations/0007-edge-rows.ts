import { sql, type Insertable, type Kysely, type Migration } from 'kysely';
import type { CardSlotsTable, Database, OutboxEntriesTable } from '../schema';

/** The documents 0.1 kept for the bot edge, in the shapes its outbox, sender and survey wrote them. */
interface Owner01 {
  readonly kind: string;
  readonly id: string;
}

interface OutboxQueue01 {
  readonly owner: Owner01;
  readonly nextSeq: number;
  readonly entries: readonly { readonly id: string; readonly seq: number }[];
  readonly backoff?: { readonly failures: number; readonly notBefore: number; readonly status?: number };
  readonly slotVersions?: Readonly<Record<string, number>>;
}

interface OutboxEntry01 {
  readonly activity: unknown;
  readonly relaydeskId: string;
  readonly slot?: string;
  readonly version?: number;
  readonly replaces?: string;
  readonly replyToId?: string;
  readonly label?: string;
  readonly enqueuedAt: number;
}

const PREFIX = {
  queue: 'outbox/queue:',
  entry: 'outbox/entry:',
  card: 'card/',
  reference: 'reference/',
  prechat: 'customer/prechat:',
} as const;

/** Every key this migration moves (the outbox's index goes with the rest of `outbox/`). */
const MOVED = ['outbox/%', 'card/%', 'reference/%', 'customer/prechat:%'] as const;

/** Rows per insert statement: well under SQLite's limit of bound parameters. */
const BATCH = 100;

async function insertBatched<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) await insert(rows.slice(start, start + BATCH));
}

/**
 * `card/<agent>:<slot>`: agent keys may hold colons (Teams ids do), so the slot is read from the end; 0.1's slots
 * are `panel` and `offer:<offer id>`.
 */
export function cardSlotOfKey(id: string): { readonly agentKey: string; readonly slot: string } | undefined {
  const known = /^(.+?):(panel|offer:[^:]+)$/.exec(id);
  if (known?.[1] && known[2]) return { agentKey: known[1], slot: known[2] };
  const colon = id.lastIndexOf(':');
  return colon > 0 && colon < id.length - 1
    ? { agentKey: id.slice(0, colon), slot: id.slice(colon + 1) }
    : undefined;
}

function cardRow(key: string, body: string): Insertable<CardSlotsTable> | undefined {
  const parsed = cardSlotOfKey(key.slice(PREFIX.card.length));
  if (!parsed) return undefined;
  const card = JSON.parse(body) as { activityId: string; conversationId: string; updatedAt: number };
  return {
    agent_key: parsed.agentKey,
    slot: parsed.slot,
    activity_id: card.activityId,
    conversation_id: card.conversationId,
    updated_at: card.updatedAt,
  };
}

async function moveSmallDocuments(
  db: Kysely<Database>,
  documents: ReadonlyMap<string, string>,
): Promise<void> {
  const cards: Insertable<CardSlotsTable>[] = [];
  for (const [key, body] of documents) {
    if (key.startsWith(PREFIX.card)) {
      const row = cardRow(key, body);
      if (row) cards.push(row);
    } else if (key.startsWith(PREFIX.reference)) {
      const id = key.slice(PREFIX.reference.length);
      const colon = id.indexOf(':');
      if (colon <= 0) continue;
      const stored = JSON.parse(body) as { reference: unknown; updatedAt: number };
      await db
        .insertInto('conversation_references')
        .values({
          owner_kind: id.slice(0, colon),
          owner_id: id.slice(colon + 1),
          reference: JSON.stringify(stored.reference),
          updated_at: stored.updatedAt,
        })
        .onConflict((conflict) => conflict.columns(['owner_kind', 'owner_id']).doNothing())
        .execute();
    } else if (key.startsWith(PREFIX.prechat)) {
      const state = JSON.parse(body) as { revision: number; dialogState?: unknown };
      await db
        .insertInto('prechat_states')
        .values({
          customer_id: key.slice(PREFIX.prechat.length),
          revision: state.revision,
          dialog_state: state.dialogState === undefined ? null : JSON.stringify(state.dialogState),
        })
        .onConflict((conflict) => conflict.column('customer_id').doNothing())
        .execute();
    }
  }
  await insertBatched(cards, (batch) =>
    db
      .insertInto('card_slots')
      .values(batch)
      .onConflict((conflict) => conflict.columns(['agent_key', 'slot']).doNothing())
      .execute(),
  );
}

function entryRows(
  recipient: string,
  queue: OutboxQueue01,
  documents: ReadonlyMap<string, string>,
): Insertable<OutboxEntriesTable>[] {
  return queue.entries.flatMap((queued) => {
    const body = documents.get(`${PREFIX.entry}${queued.id}`);
    // A queued id without its entry document has nothing to send (0.1 skipped such entries too).
    if (body === undefined) return [];
    const entry = JSON.parse(body) as OutboxEntry01;
    return [
      {
        id: queued.id,
        recipient,
        seq: queued.seq,
        relaydesk_id: entry.relaydeskId,
        slot: entry.slot ?? null,
        version: entry.version ?? null,
        replaces: entry.replaces ?? null,
        reply_to_id: entry.replyToId ?? null,
        label: entry.label ?? null,
        activity: JSON.stringify(entry.activity),
        enqueued_at: entry.enqueuedAt,
      },
    ];
  });
}

/** One recipient's queue: its row (backoff kept; the lease not, its holder ran 0.1 and is gone), entries, versions. */
async function moveQueue(
  db: Kysely<Database>,
  body: string,
  documents: ReadonlyMap<string, string>,
): Promise<void> {
  const queue = JSON.parse(body) as OutboxQueue01;
  const recipient = `${queue.owner.kind}:${queue.owner.id}`;
  const entries = entryRows(recipient, queue, documents);
  const lastSeq = entries.reduce((last, entry) => Math.max(last, entry.seq), 0);
  await db
    .insertInto('outbox_recipients')
    .values({
      recipient,
      owner_kind: queue.owner.kind,
      owner_id: queue.owner.id,
      next_seq: Math.max(queue.nextSeq, lastSeq + 1),
      backoff_failures: queue.backoff?.failures ?? 0,
      backoff_not_before: queue.backoff?.notBefore ?? null,
      backoff_status: queue.backoff?.status ?? null,
    })
    .onConflict((conflict) => conflict.column('recipient').doNothing())
    .execute();
  await insertBatched(entries, (batch) => db.insertInto('outbox_entries').values(batch).execute());
  const versions = Object.entries(queue.slotVersions ?? {}).map(([slot, version]) => ({
    recipient,
    slot,
    version,
  }));
  await insertBatched(versions, (batch) => db.insertInto('outbox_slot_versions').values(batch).execute());
}

/**
 * The bot edge's state moves from documents to rows: 0.1's outbox queues and entries (in their order, with their
 * backoff and slot versions), card slots, conversation references and pre-chat survey states; then the documents go.
 * An index finds a recipient's pending updates of one slot, which a newer update replaces or a released card drops.
 */
export const edgeRows: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as Kysely<Database>;
    await db.schema
      .createIndex('outbox_entries_by_slot')
      .on('outbox_entries')
      .columns(['recipient', 'slot', 'seq'])
      .where(sql<boolean>`slot is not null`)
      .execute();
    const rows = await db
      .selectFrom('documents')
      .select(['key', 'body'])
      .where((eb) => eb.or(MOVED.map((pattern) => eb('key', 'like', pattern))))
      .execute();
    const documents = new Map(rows.map((row) => [row.key, row.body]));
    await moveSmallDocuments(db, documents);
    for (const [key, body] of documents)
      if (key.startsWith(PREFIX.queue)) await moveQueue(db, body, documents);
    await db
      .deleteFrom('documents')
      .where((eb) => eb.or(MOVED.map((pattern) => eb('key', 'like', pattern))))
      .execute();
  },
};
