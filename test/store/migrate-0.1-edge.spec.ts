import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore, type StoreHandle } from '../../src/store/create-storage';
import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import { MIGRATIONS, migrateToLatest } from '../../src/store/sql/migrate';
import { cardSlotOfKey } from '../../src/store/sql/migrations/0007-edge-rows';
import { openDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { SqlPrechatStates } from '../../src/store/sql/prechat-states';
import { createTestDatabase } from '../support/postgres-server';

/**
 * relaydesk-0.1.db was written by 0.1 (see migrate-0.1.spec.ts). It holds no bot-edge documents, so the copy
 * gets some in exactly the shapes 0.1's outbox, sender, references and survey wrote (0.1's SqliteStorage layout:
 * key, a UUID eTag, the body's JSON): Alice's panel card and Bob's offer card, both agents' and Kim's references,
 * two outbox queues left undelivered (Kim's backing off, Alice's with a panel update), and Nia's survey.
 */
const FIXTURE = join(__dirname, 'fixtures', 'relaydesk-0.1.db');
const AT = 1_795_510_830_000;

const kimReference = {
  activityId: 'act-kim-2',
  channelId: 'webchat',
  serviceUrl: 'https://webchat.botframework.com/',
  user: { id: 'kim', name: 'Kim' },
  bot: { id: 'relaydesk-bot', name: 'Relaydesk' },
  conversation: { id: 'conv-kim' },
};
const aliceReference = {
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  user: { id: '29:alice', aadObjectId: 'alice' },
  bot: { id: '28:relaydesk' },
  conversation: { id: 'a:chat-alice', conversationType: 'personal', tenantId: 't-1' },
};
const kimText = (text: string, relaydeskId: string) => ({
  type: 'message',
  text,
  textFormat: 'plain',
  channelData: { relaydeskId },
});
const next = { relaydeskId: 'rd-kim-4', activity: kimText('Hello again', 'rd-kim-4') };
const prechatStack = { dialogStack: [{ id: 'prechat', state: { options: {}, values: { step: 1 } } }] };

/** The documents 0.1 would have left, by key. */
const DOCUMENTS: Record<string, unknown> = {
  'card/alice:panel': { activityId: 'card-alice-panel', conversationId: 'a:chat-alice', updatedAt: AT },
  'card/bob:offer:id-5': { activityId: 'card-bob-offer', conversationId: 'a:chat-bob', updatedAt: AT + 1 },
  'reference/agent:alice': { reference: aliceReference, updatedAt: AT },
  'reference/customer:webchat:kim': { reference: kimReference, updatedAt: AT + 2 },
  'outbox/queue:customer:webchat:kim': {
    owner: { kind: 'customer', id: 'webchat:kim' },
    nextSeq: 4,
    generation: 1,
    entries: [
      { id: 'e-kim-2', seq: 2 },
      { id: 'e-kim-3', seq: 3 },
    ],
    backoff: { failures: 2, notBefore: AT + 10_000, status: 503 },
    lease: { holder: 'desk-1/4242/gone', until: AT + 60_000 },
  },
  'outbox/entry:e-kim-2': {
    owner: { kind: 'customer', id: 'webchat:kim' },
    activity: kimText('Alice has ended the conversation.', 'rd-kim-2'),
    relaydeskId: 'rd-kim-2',
    label: 'ended',
    enqueuedAt: AT,
  },
  'outbox/entry:e-kim-3': {
    owner: { kind: 'customer', id: 'webchat:kim' },
    activity: kimText('Thanks!', 'rd-kim-3'),
    relaydeskId: 'rd-kim-3',
    replyToId: 'act-kim-2',
    label: 'text',
    enqueuedAt: AT + 1,
  },
  'outbox/queue:agent:alice': {
    owner: { kind: 'agent', id: 'alice' },
    nextSeq: 8,
    entries: [{ id: 'e-alice-7', seq: 7, slot: 'panel' }],
    slotVersions: { panel: 6 },
  },
  'outbox/entry:e-alice-7': {
    owner: { kind: 'agent', id: 'alice' },
    activity: { type: 'message', attachments: [], channelData: { relaydeskId: 'rd-alice-7' } },
    relaydeskId: 'rd-alice-7',
    slot: 'panel',
    version: 6,
    label: 'panel',
    enqueuedAt: AT,
  },
  'outbox/index': { recipients: { 'customer:webchat:kim': 1, 'agent:alice': 0 } },
  'customer/prechat:emulator:nia': { revision: 1, dialogState: prechatStack },
};

function addDocuments(path: string): void {
  const db = new BetterSqlite3(path);
  try {
    const insert = db.prepare('INSERT INTO documents (key, etag, body) VALUES (?, ?, ?)');
    for (const [key, body] of Object.entries(DOCUMENTS)) insert.run(key, randomUUID(), JSON.stringify(body));
  } finally {
    db.close();
  }
}

describe('the bot edge of a store written by 0.1, opened by this version', () => {
  let dir: string;
  let store: StoreHandle;
  let ran: readonly string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-0.1-edge-'));
    const path = join(dir, 'relaydesk.db');
    copyFileSync(FIXTURE, path);
    addDocuments(path);
    store = openStore({ store: 'sqlite', sqlitePath: path, databaseUrl: '', databasePoolSize: 1 });
    ran = await store.ready();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the move of the edge’s documents to rows once', () => {
    expect(ran.filter((name) => name === '0007-edge-rows')).toEqual(['0007-edge-rows']);
  });

  it('keeps every conversation reference, so sends after the upgrade still find their conversation', async () => {
    const references = new SqlConversationReferences(store.database);
    expect(await references.get({ kind: 'customer', id: 'webchat:kim' })).toEqual({
      reference: kimReference,
      updatedAt: AT + 2,
    });
    expect(await references.get({ kind: 'agent', id: 'alice' })).toEqual({
      reference: aliceReference,
      updatedAt: AT,
    });
  });

  it('keeps the card slots, so the panel and the offer card are still updated in place', async () => {
    const slots = new SqlCardSlots(store.database);
    expect(await slots.get('alice', 'panel')).toEqual({
      activityId: 'card-alice-panel',
      conversationId: 'a:chat-alice',
      updatedAt: AT,
    });
    expect(await slots.get('bob', 'offer:id-5')).toMatchObject({ activityId: 'card-bob-offer' });
  });

  it('keeps what the outbox had not delivered, in order, with its backoff, slot versions and ids', async () => {
    const outbox = new SqlOutboxStore(store.database);
    expect(await outbox.pending()).toBe(3);
    expect(await outbox.recipients()).toEqual([
      { recipient: 'agent:alice' },
      // The lease goes: the process that held it ran 0.1 and is gone.
      { recipient: 'customer:webchat:kim', notBefore: AT + 10_000 },
    ]);
    const kim = await outbox.head('customer:webchat:kim', Date.now());
    expect(kim).toMatchObject({ failures: 2, entry: { id: 'e-kim-2', seq: 2, relaydeskId: 'rd-kim-2' } });
    expect(kim.entry?.activity).toEqual(kimText('Alice has ended the conversation.', 'rd-kim-2'));
    expect(kim.leaseHolder).toBeUndefined();

    // The next message queues behind what was left; an older panel render than the one left is not queued.
    expect(await outbox.append({ owner: { kind: 'customer', id: 'webchat:kim' }, ...next }, AT)).toEqual({
      length: 3,
    });
    const stalePanel = { relaydeskId: 'rd-alice-8', activity: {}, slot: 'panel', version: 5 };
    expect(await outbox.append({ owner: { kind: 'agent', id: 'alice' }, ...stalePanel }, AT)).toMatchObject({
      outdated: { version: 5, newest: 6 },
    });
  });

  it('keeps a survey in progress', async () => {
    expect(await new SqlPrechatStates(store.database).load('emulator:nia')).toEqual({
      revision: 1,
      dialogState: prechatStack,
    });
  });

  it('drops the moved documents, the outbox index with them', async () => {
    expect(await store.storage.read(Object.keys(DOCUMENTS))).toEqual({});
  });
});

describe('the same documents on PostgreSQL, moved by the migration', () => {
  it('become the same rows', async () => {
    const server = await createTestDatabase();
    const database = openDatabase({ kind: 'postgres', url: server.url, poolSize: 2 });
    try {
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0007'));
      await migrateToLatest(database, before);
      const rows = Object.entries(DOCUMENTS).map(([key, body]) => ({
        key,
        etag: randomUUID(),
        body: JSON.stringify(body),
      }));
      await database.db.insertInto('documents').values(rows).execute();
      expect(await migrateToLatest(database)).toContain('0007-edge-rows');

      const references = new SqlConversationReferences(database);
      expect((await references.get({ kind: 'customer', id: 'webchat:kim' }))?.reference).toEqual(
        kimReference,
      );
      expect(await new SqlCardSlots(database).get('bob', 'offer:id-5')).toMatchObject({
        activityId: 'card-bob-offer',
      });
      const outbox = new SqlOutboxStore(database);
      expect(await outbox.pending()).toBe(3);
      expect((await outbox.head('agent:alice', Date.now())).entry).toMatchObject({
        seq: 7,
        slot: 'panel',
        version: 6,
      });
      expect(await new SqlPrechatStates(database).load('emulator:nia')).toEqual({
        revision: 1,
        dialogState: prechatStack,
      });
      expect(await database.db.selectFrom('documents').select('key').execute()).toEqual([]);
    } finally {
      await database.close();
      await server.drop();
    }
  });
});

describe('reading 0.1’s card slot keys', () => {
  it('finds the agent and the slot when both hold colons', () => {
    expect(cardSlotOfKey('29:abc-def:offer:o-1')).toEqual({ agentKey: '29:abc-def', slot: 'offer:o-1' });
    expect(cardSlotOfKey('29:abc-def:panel')).toEqual({ agentKey: '29:abc-def', slot: 'panel' });
    expect(cardSlotOfKey('alice:custom')).toEqual({ agentKey: 'alice', slot: 'custom' });
    expect(cardSlotOfKey('no-slot')).toBeUndefined();
  });
});
