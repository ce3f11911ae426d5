import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDocument, CustomerDocument } from '../../src/app/documents';
import type { AgentRepository, CustomerRepository } from '../../src/app/repositories';
import { createAgentRepository } from '../../src/store/sql/agent-repository';
import { createCustomerRepository } from '../../src/store/sql/customer-repository';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { T0, agent, countUnread, create, recording, session } from '../support/fixtures';

const PARALLEL = 50;

interface Backend {
  connect(): Promise<SqlDatabase>;
  dispose(): Promise<void>;
}

function describeRepositories(name: string, fresh: () => Promise<Backend>) {
  describe(`${name} agent and customer repositories`, () => {
    let backend: Backend;
    let a: SqlDatabase;
    let b: SqlDatabase;
    /** Two instances of the desk on one database. */
    let agents: [AgentRepository, AgentRepository];
    let customers: [CustomerRepository, CustomerRepository];

    beforeAll(async () => {
      backend = await fresh();
      a = await backend.connect();
      await migrateToLatest(a);
      b = await backend.connect();
      agents = [createAgentRepository(a), createAgentRepository(b)];
      customers = [createCustomerRepository(a), createCustomerRepository(b)];
    });

    afterAll(async () => {
      await a.close();
      await b.close();
      await backend.dispose();
    });

    it('reads back every field of an agent and their sessions, in opening order, on the other instance', async () => {
      const written: AgentDocument = {
        id: 'ada',
        name: 'Ada Agent',
        presence: 'dnd',
        panel: {
          sessions: [
            session('wi-2', {
              title: 'Visitor 12',
              unread: 12,
              sentiment: 'Very negative',
              nameGiven: 'Grace',
            }),
            session('case:wi-1', {
              kind: 'case',
              title: 'Late parcel',
              openedAt: T0 + 5,
              readOnly: true,
              draft: { reply: 'Let me check 👋', caseFields: { title: 'Refund', priority: 'high' } },
            }),
            session('wi-1', {
              title: 'Grace Customer',
              sentiment: 'Slightly positive',
              draft: { reply: 'x', caseFields: {} },
            }),
          ],
          focusedSessionId: 'case:wi-1',
          panelMode: 'collapsed',
        },
        firstSeenAt: T0,
        lastOfferedAt: T0 + 9,
      };
      expect(await agents[0].update('ada', () => written)).toEqual({ ...written, revision: 1 });
      expect(await agents[1].get('ada')).toEqual({ ...written, revision: 1 });
      expect((await agents[1].getMany(['ada', 'nobody', 'ada'])).get('ada')).toEqual({
        ...written,
        revision: 1,
      });
      expect(await agents[1].get('nobody')).toBeUndefined();
      expect(await agents[1].forRouting(['nobody', 'ada'])).toEqual([
        {
          id: 'ada',
          presence: 'dnd',
          lastOfferedAt: T0 + 9,
          sessions: [
            { id: 'wi-2', kind: 'conversation', readOnly: false },
            { id: 'case:wi-1', kind: 'case', readOnly: true },
            { id: 'wi-1', kind: 'conversation', readOnly: false },
          ],
        },
      ]);
    });

    it('takes the next revision on every write, and none for a change that returns the agent as it is', async () => {
      const first = await agents[0].update('rev', create(agent('rev')));
      expect(first?.revision).toBe(1);
      expect(
        (await agents[1].update('rev', (current) => current && { ...current, presence: 'busy' }))?.revision,
      ).toBe(2);
      expect((await agents[0].update('rev', (current) => current))?.revision).toBe(2);
      expect(
        (await agents[1].update('rev', (current) => current && { ...current, name: 'Rev' }))?.revision,
      ).toBe(3);
      expect(await agents[0].get('rev')).toMatchObject({ name: 'Rev', presence: 'busy', revision: 3 });
    });

    it('writes nothing when a change throws', async () => {
      await agents[0].update('thrower', create(agent('thrower', [session('wi-t')])));
      const before = await agents[0].get('thrower');
      const refuse = () => {
        throw new Error('refused');
      };
      await expect(agents[1].update('thrower', refuse)).rejects.toThrow('refused');
      await expect(agents[1].update('never', refuse)).rejects.toThrow('refused');
      expect(await agents[0].get('thrower')).toEqual(before);
      expect(await agents[0].get('never')).toBeUndefined();
    });

    it('writes nothing when a session row fails after the agent row was written: one transaction', async () => {
      const before = await agents[0].update('half', create(agent('half')));
      const twice = (current: AgentDocument | undefined) =>
        current && {
          ...current,
          presence: 'away' as const,
          panel: { ...current.panel, sessions: [session('x'), session('x')] },
        };
      // better-sqlite3's SqliteError is not always taken for an Error by jest's toThrow: match its message.
      await expect(agents[1].update('half', twice)).rejects.toMatchObject({
        message: expect.stringMatching(/agent_sessions/),
      });
      expect(await agents[0].get('half')).toEqual(before);
    });

    it(`ends at ${PARALLEL} unread after ${PARALLEL} parallel increments on two instances`, async () => {
      await agents[0].update('busy', create(agent('busy', [session('wi-a'), session('wi-b')])));
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) => countUnread(agents[index % 2]!, 'busy', 'wi-b')),
      );
      const after = await agents[0].get('busy');
      expect(after?.panel.sessions.map((s) => s.unread)).toEqual([0, PARALLEL]);
      expect(after?.revision).toBe(PARALLEL + 1);
    });

    it('creates an agent once when two instances see them first at the same time', async () => {
      const first = (name: string) => (current: AgentDocument | undefined) =>
        current ? { ...current, name: `${current.name} & ${name}` } : { ...agent('twice'), name };
      await Promise.all([agents[0].update('twice', first('A')), agents[1].update('twice', first('B'))]);
      expect(await agents[0].get('twice')).toMatchObject({
        revision: 2,
        name: expect.stringMatching(/^(A & B|B & A)$/),
      });
    });

    it('rewrites only the session rows that changed, and closing one renumbers none', async () => {
      const recorded = recording(a, 'agent_sessions');
      const repo = createAgentRepository(recorded.db);
      await repo.update('diff', create(agent('diff', [session('s1'), session('s2'), session('s3')])));
      expect(recorded.writes).toEqual(['InsertQueryNode']);
      recorded.writes.length = 0;
      await countUnread(repo, 'diff', 's2');
      expect(recorded.writes).toEqual(['UpdateQueryNode']);
      recorded.writes.length = 0;
      await repo.update('diff', (current) => current && { ...current, presence: 'away' });
      expect(recorded.writes).toEqual([]);
      await repo.update(
        'diff',
        (current) =>
          current && {
            ...current,
            panel: {
              ...current.panel,
              sessions: current.panel.sessions.filter((s) => s.id !== 's1').concat(session('s4')),
            },
          },
      );
      expect(recorded.writes).toEqual(['DeleteQueryNode', 'InsertQueryNode']);
      const orders = await a.db
        .selectFrom('agent_sessions')
        .select(['session_id', 'opened_order'])
        .where('agent_key', '=', 'diff')
        .orderBy('opened_order')
        .execute();
      expect(orders).toEqual([
        { session_id: 's2', opened_order: 2 },
        { session_id: 's3', opened_order: 3 },
        { session_id: 's4', opened_order: 4 },
      ]);
    });

    const kim: CustomerDocument = {
      id: 'webchat:kim',
      channelId: 'webchat',
      identity: {
        contactName: 'Kim Customer',
        accountName: 'Contoso',
        caseTitle: 'Late parcel',
        visitorNumber: 7,
      },
      latestWorkItemId: 'wi-9',
      rateWindow: { startedAt: T0 + 1, count: 3 },
    };

    it('reads back every field of a customer on the other instance', async () => {
      expect(await customers[0].update(kim.id, () => kim)).toEqual(kim);
      expect(await customers[1].get(kim.id)).toEqual(kim);
      const visitor = {
        id: 'emulator:v',
        channelId: 'emulator',
        identity: { visitorNumber: 8 },
        rateWindow: { startedAt: T0, count: 0 },
      };
      await customers[1].update(visitor.id, () => visitor);
      expect(await customers[0].get(visitor.id)).toEqual(visitor);
      expect(await customers[0].get('nobody')).toBeUndefined();
    });

    it(`counts ${PARALLEL} messages from ${PARALLEL} parallel updates on two instances, the first one creating the customer`, async () => {
      const count = (repo: CustomerRepository) =>
        repo.update('webchat:burst', (current) => {
          const base = current ?? {
            id: 'webchat:burst',
            channelId: 'webchat',
            identity: {},
            rateWindow: { startedAt: T0, count: 0 },
          };
          return { ...base, rateWindow: { ...base.rateWindow, count: base.rateWindow.count + 1 } };
        });
      await Promise.all(Array.from({ length: PARALLEL }, (_, index) => count(customers[index % 2]!)));
      expect((await customers[0].get('webchat:burst'))?.rateWindow.count).toBe(PARALLEL);
    });

    it('writes nothing for a customer when a change throws', async () => {
      await expect(
        customers[1].update(kim.id, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await customers[0].get(kim.id)).toEqual(kim);
    });
  });
}

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'relaydesk-agents-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describeRepositories('SQLite', () => {
  const path = join(folder, 'agents.db');
  // Connections sharing this process must not busy-wait: that would block the thread holding the lock.
  return Promise.resolve({
    connect: () => Promise.resolve(openDatabase({ kind: 'sqlite', path, busyTimeoutMs: 0 })),
    dispose: () => Promise.resolve(),
  });
});

describeRepositories('PostgreSQL', async () => {
  const database: TestDatabase = await createTestDatabase();
  return {
    connect: () => Promise.resolve(openDatabase({ kind: 'postgres', url: database.url })),
    dispose: () => database.drop(),
  };
});
