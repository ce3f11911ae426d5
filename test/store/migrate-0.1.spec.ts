import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type StoreHandle } from '../../src/store/create-storage';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import { StateStore } from '../../src/store/state-store';
import { createDesk } from '../app/desk-harness';
import { workItemWithTranscript } from '../support/desk-tables';

/**
 * relaydesk-0.1.db was written by 0.1 (commit 80a4bc8, documents on SQLite): Kim's conversation is Active with
 * Alice (two customer messages and Alice's reply, a pre-chat answer), Lou and Max are queued, Max after Lou.
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

  it('runs every migration once, the move of documents to rows among them', () => {
    expect(ran).toEqual(['0001-initial', '0002-documents', '0003-queue-order', '0004-documents-to-rows']);
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

  it('leaves the other documents (agents, customers, the visitor counter) and drops the moved ones', async () => {
    const keys = ['agent/alice', 'customer/webchat:kim', 'counter/visitor', 'workitem/id-1', 'queue/default'];
    const found = await store.storage.read(keys);
    expect(Object.keys(found).sort()).toEqual(['agent/alice', 'counter/visitor', 'customer/webchat:kim']);
  });

  it('goes on where 0.1 stopped: Kim’s next message joins her Active conversation and reaches Alice', async () => {
    const harness = createDesk({
      agents: ['alice', 'bob'],
      store: new StateStore({ storage: store.storage }),
      tables: createDeskRepositories(store.database),
    });
    const outcome = await harness.desk.customerMessage({
      customerId: 'webchat:kim',
      channelId: 'webchat',
      text: 'It works now, thanks',
    });
    expect(outcome).toEqual({ kind: 'relayed', workItemId: 'id-1', agentId: 'alice' });
    expect((await harness.workItem('id-1'))?.transcript.at(-1)).toMatchObject({
      seq: 4,
      from: 'customer',
      text: 'It works now, thanks',
    });
  });
});
