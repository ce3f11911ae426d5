import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuickReplyRepository } from '../../src/app/repositories';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/store/sql';
import { createQuickReplyRepository } from '../../src/store/sql/quick-replies';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';

const T0 = 1_767_225_600_000;

const refund = {
  id: 'qr-refund',
  agentId: 'ada',
  title: 'Refund started',
  text: 'Hi {customerName}, your refund is on its way.',
  tags: ['billing', 'refund'],
  createdAt: T0,
};

describe.each(['SQLite', 'PostgreSQL'] as const)('agents’ own quick replies on %s', (backend) => {
  let server: TestDatabase | undefined;
  let folder: string | undefined;
  const opened: SqlDatabase[] = [];
  let connect: () => SqlDatabase;
  let replies: QuickReplyRepository;

  beforeEach(async () => {
    if (backend === 'PostgreSQL') {
      const database = await createTestDatabase();
      server = database;
      connect = () => openDatabase({ kind: 'postgres', url: database.url, poolSize: 4 });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'relaydesk-quick-replies-'));
      folder = dir;
      // Connections sharing this process must not busy-wait: that would block the thread holding the lock.
      connect = () => openDatabase({ kind: 'sqlite', path: join(dir, 'desk.db'), busyTimeoutMs: 0 });
    }
    const first = connect();
    opened.push(first);
    await migrateToLatest(first);
    replies = createQuickReplyRepository(first);
  });

  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await server?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
    server = undefined;
    folder = undefined;
  });

  it('keeps an added quick reply with its tags, version 1, and lists an agent’s own A to Z', async () => {
    const added = await replies.add(refund, 100);
    expect(added).toEqual({ ...refund, version: 1, updatedAt: T0 });
    await replies.add({ ...refund, id: 'qr-apology', title: 'Apology', tags: [] }, 100);
    await replies.add({ ...refund, id: 'qr-bye', title: 'bye for now', tags: [] }, 100);
    await replies.add({ ...refund, id: 'qr-bob', agentId: 'bob', title: 'Bob’s own' }, 100);

    expect((await replies.list('ada')).map((reply) => reply.title)).toEqual([
      'Apology',
      'bye for now',
      'Refund started',
    ]);
    expect(await replies.get('ada', 'qr-refund')).toEqual(added);
    expect((await replies.list('bob')).map((reply) => reply.id)).toEqual(['qr-bob']);
  });

  it('never shows, changes or deletes one agent’s quick reply for another', async () => {
    await replies.add(refund, 100);
    const fields = { title: 'Taken over', text: 'Mine now', tags: [] };

    expect(await replies.get('bob', 'qr-refund')).toBeUndefined();
    expect(await replies.update('bob', 'qr-refund', 1, fields, T0 + 1)).toBe('missing');
    expect(await replies.remove('bob', 'qr-refund')).toBe(false);
    expect(await replies.get('ada', 'qr-refund')).toMatchObject({ title: 'Refund started', version: 1 });
  });

  it('changes a quick reply at the version read, and refuses a change made from an older one', async () => {
    await replies.add(refund, 100);
    const edited = { title: 'Refund sent', text: 'It is on its way, {customerName}.', tags: ['refund'] };

    expect(await replies.update('ada', 'qr-refund', 1, edited, T0 + 5)).toEqual({
      ...refund,
      ...edited,
      version: 2,
      updatedAt: T0 + 5,
    });
    expect(await replies.update('ada', 'qr-refund', 1, { ...edited, title: 'Stale' }, T0 + 6)).toBe(
      'conflict',
    );
    expect(await replies.get('ada', 'qr-refund')).toMatchObject({ title: 'Refund sent', version: 2 });
  });

  it('deletes a quick reply once', async () => {
    await replies.add(refund, 100);
    expect(await replies.remove('ada', 'qr-refund')).toBe(true);
    expect(await replies.remove('ada', 'qr-refund')).toBe(false);
    expect(await replies.list('ada')).toEqual([]);
  });

  it('refuses an add past the most an agent may keep, counting that agent’s only', async () => {
    await replies.add(refund, 2);
    await replies.add({ ...refund, id: 'qr-2' }, 2);
    expect(await replies.add({ ...refund, id: 'qr-3' }, 2)).toBe('full');
    expect(await replies.add({ ...refund, id: 'qr-bob', agentId: 'bob' }, 2)).toMatchObject({ id: 'qr-bob' });
    expect(await replies.list('ada')).toHaveLength(2);
  });

  it('lets only as many adds in as there is room for when two instances race for the last places', async () => {
    const other = connect();
    opened.push(other);
    const theirs = createQuickReplyRepository(other);
    await replies.add(refund, 5);

    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? replies : theirs).add({ ...refund, id: `qr-race-${index}` }, 5),
      ),
    );

    expect(outcomes.filter((outcome) => outcome !== 'full')).toHaveLength(4);
    expect(await replies.list('ada')).toHaveLength(5);
  });
});
