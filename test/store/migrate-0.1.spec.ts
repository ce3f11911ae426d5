import { receiveCustomerMessage } from '../../src/app/customers';
import { focus } from '../../src/app/session-actions';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type StoreHandle } from '../../src/store/create-storage';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import { MIGRATIONS, migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase } from '../../src/store/sql/open-database';
import { createDesk } from '../app/desk-harness';
import { workItemWithTranscript } from '../support/desk-tables';

/**
 * relaydesk-0.1.db was written by 0.1 (commit 80a4bc8, documents on SQLite): Kim's conversation is Active with
 * Alice (two customer messages and Alice's reply, a pre-chat answer), Lou and Max are queued, Max after Lou.
 * Alice (Busy) has Kim's session focused; Bob (Available) has none; the visitor counter stands at 3.
 */
const FIXTURE = join(__dirname, 'fixtures', 'relaydesk-0.1.db');

describe('a store written by 0.1, opened by this version', () => {
  let dir: string;
  let store: StoreHandle;
  let ran: readonly string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-0.1-'));
    const path = join(dir, 'relaydesk.db');
    copyFileSync(FIXTURE, path);
    store = openStore({ store: 'sqlite', sqlitePath: path, databaseUrl: '', databasePoolSize: 1 });
    ran = await store.ready();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every migration once, the moves of documents to rows among them', () => {
    expect(ran).toEqual(Object.keys(MIGRATIONS));
    expect(ran).toEqual(expect.arrayContaining(['0004-documents-to-rows', '0006-agent-customer-documents']));
  });

  it('keeps each conversation with its state, pre-chat answers and whole transcript in order', async () => {
    const kim = await workItemWithTranscript(createDeskRepositories(store.database), 'id-1');
    expect(kim?.item).toMatchObject({ state: 'active', assignedAgentId: 'alice', title: 'Visitor 1' });
    expect(kim?.prechat).toEqual([{ question: 'What is your name?', answer: 'Kim' }]);
    expect(kim?.preview).toBe('Hello, my router keeps dropping the connection');
    expect(kim?.transcript.map(({ seq, from, text }) => [seq, from, text])).toEqual([
      [1, 'customer', 'Hello, my router keeps dropping the connection'],
      [2, 'customer', 'It is the grey one'],
      [3, 'agent', 'Let us restart it together.'],
    ]);
  });

  it('keeps the queue in its order, and the dashboard lists every conversation', async () => {
    const tables = createDeskRepositories(store.database);
    expect((await tables.queue.get('default')).entries.map((entry) => entry.workItemId)).toEqual([
      'id-4',
      'id-6',
    ]);
    const dashboard = await tables.workItems.dashboard('default', 50);
    expect(dashboard.map((entry) => [entry.workItemId, entry.state])).toEqual([
      ['id-1', 'active'],
      ['id-4', 'open'],
      ['id-6', 'open'],
    ]);
  });

  it("keeps each agent's panel: Alice has Kim's session focused, Bob has none", async () => {
    const agents = await createDeskRepositories(store.database).agentRecords.getMany(['alice', 'bob']);
    expect(agents.get('alice')).toEqual({
      id: 'alice',
      name: 'Alice',
      presence: 'busy',
      panel: {
        sessions: [
          {
            id: 'id-1',
            kind: 'conversation',
            title: 'Visitor 1',
            openedAt: 1795510800000,
            unread: 0,
            sentiment: 'Neutral',
            readOnly: false,
            draft: { reply: '', caseFields: {} },
          },
        ],
        focusedSessionId: 'id-1',
        panelMode: 'expanded',
      },
      firstSeenAt: 1795510800000,
      lastOfferedAt: 1795510810000,
      revision: 6,
    });
    expect(agents.get('bob')).toMatchObject({
      presence: 'available',
      panel: { sessions: [], focusedSessionId: 'home', panelMode: 'expanded' },
      revision: 2,
    });
  });

  it('keeps each customer with their visitor number, latest conversation and rate window', async () => {
    const customers = createDeskRepositories(store.database).customers;
    expect(await customers.get('webchat:kim')).toEqual({
      id: 'webchat:kim',
      channelId: 'webchat',
      identity: { visitorNumber: 1 },
      latestWorkItemId: 'id-1',
      rateWindow: { startedAt: 1795510800000, count: 2 },
    });
    expect(await customers.get('emulator:lou')).toMatchObject({ identity: { visitorNumber: 2 } });
    expect(await customers.get('emulator:max')).toMatchObject({ latestWorkItemId: 'id-6' });
  });

  it('leaves no document behind: the visitor counter moved to its table and goes on from 3', async () => {
    const left = await store.database.db.selectFrom('documents').select('key').orderBy('key').execute();
    expect(left.map((row) => row.key)).toEqual([]);
    expect(await createDeskRepositories(store.database).visitorNumbers.next()).toBe(4);
  });

  it('goes on where 0.1 stopped: Kim’s next message joins her Active conversation and reaches Alice', async () => {
    const harness = createDesk({
      agents: ['alice', 'bob'],
      tables: createDeskRepositories(store.database),
    });
    const outcome = await receiveCustomerMessage(harness.ports, {
      customerId: 'webchat:kim',
      channelId: 'webchat',
      text: 'It works now, thanks',
    });
    expect(outcome).toEqual({ kind: 'relayed', workItemId: 'id-1', agentId: 'alice' });
    expect(harness.notifier.viewsTo('alice', 'customer-message').map((view) => view.text)).toEqual([
      'It works now, thanks',
    ]);
    // Alice's row goes on from revision 6 (the session's sentiment changed; her panel, focused on it, shows nothing
    // new), so no card 0.1 sent is taken for a newer one: her next panel carries revision 8.
    const alice = await harness.ports.agentRecords.get('alice');
    expect(alice?.revision).toBe(7);
    expect(alice?.panel.sessions[0]?.sentiment).not.toBe('Neutral');
    await focus(harness.ports, 'alice', 'home');
    expect(harness.notifier.lastPanel('alice')?.rows.map((row) => row.id)).toEqual(['home', 'id-1']);
    expect(harness.notifier.sent.filter((sent) => sent.target?.kind === 'panel').at(-1)?.version).toBe(8);
    expect((await harness.workItem('id-1'))?.transcript.at(-1)).toMatchObject({
      seq: 4,
      from: 'customer',
      text: 'It works now, thanks',
    });
  });
});

describe('agent and customer documents written before 0005-agents-customers', () => {
  const THROUGH_0006 = Object.fromEntries(
    Object.entries(MIGRATIONS).filter(([name]) => name <= '0006-agent-customer-documents'),
  );
  const BEFORE_0005 = Object.fromEntries(
    Object.entries(MIGRATIONS).filter(([name]) => name < '0005-agents-customers'),
  );
  const documents = {
    // A session with a name given and a case draft; an older one without the fields added since.
    'agent/ann': {
      id: 'ann',
      name: 'Ann',
      presence: 'busy',
      panel: {
        sessions: [
          { id: 'w-1', kind: 'conversation', title: 'Visitor 4', openedAt: 5, unread: 2, nameGiven: 'Kim' },
          {
            id: 'case:w-1',
            kind: 'case',
            title: 'Refund',
            openedAt: 6,
            unread: 0,
            sentiment: 'Negative',
            readOnly: false,
            draft: { reply: 'Soon', caseFields: { title: 'Refund' } },
          },
        ],
        focusedSessionId: 'case:w-1',
        panelMode: 'collapsed',
      },
      firstSeenAt: 1,
    },
    'customer/webchat:kim': {
      id: 'webchat:kim',
      channelId: 'webchat',
      identity: { contactName: 'Kim', visitorNumber: 4 },
      latestWorkItemId: 'w-1',
      previousWorkItemIds: ['w-0'],
      rateWindow: { startedAt: 3, count: 1 },
    },
    'customer/prechat:webchat:kim': { revision: 1, dialogState: { dialogStack: [] } },
  };

  it('become rows, defaults filled in and the list of earlier conversations dropped; a pre-chat state stays', async () => {
    const database = openDatabase({ kind: 'sqlite', path: ':memory:', busyTimeoutMs: 0 });
    try {
      await migrateToLatest(database, BEFORE_0005);
      const rows = Object.entries(documents).map(([key, body]) => ({
        key,
        etag: '1',
        body: JSON.stringify(body),
      }));
      await database.db.insertInto('documents').values(rows).execute();
      await migrateToLatest(database, THROUGH_0006);
      const left = await database.db.selectFrom('documents').select('key').execute();
      expect(left.map((row) => row.key)).toEqual(['customer/prechat:webchat:kim']);
      // The later migrations add columns the repositories read (and move the pre-chat state, 0007).
      await migrateToLatest(database);
      const tables = createDeskRepositories(database);
      expect(await tables.agentRecords.get('ann')).toMatchObject({
        presence: 'busy',
        revision: 0,
        panel: {
          focusedSessionId: 'case:w-1',
          panelMode: 'collapsed',
          sessions: [
            {
              id: 'w-1',
              unread: 2,
              sentiment: 'Neutral',
              readOnly: false,
              nameGiven: 'Kim',
              draft: { reply: '' },
            },
            {
              id: 'case:w-1',
              kind: 'case',
              sentiment: 'Negative',
              draft: { caseFields: { title: 'Refund' } },
            },
          ],
        },
      });
      expect(await tables.customers.get('webchat:kim')).toEqual({
        id: 'webchat:kim',
        channelId: 'webchat',
        identity: { contactName: 'Kim', visitorNumber: 4 },
        latestWorkItemId: 'w-1',
        rateWindow: { startedAt: 3, count: 1 },
      });
    } finally {
      await database.close();
    }
  });
});
