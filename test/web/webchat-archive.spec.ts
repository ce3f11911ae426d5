import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '../../src/app/ports';
import { migrateToLatest, openDatabase, type DatabaseTarget, type SqlDatabase } from '../../src/store/sql';
import { SqlWebchatArchive, openWebchatArchive } from '../../src/store/sql/webchat-archive';
import { importWebchatFile } from '../../src/store/sql/webchat-file-import';
import type { StartedConversation } from '../../src/web/webchat/channel-outcomes';
import type { DirectLineLimits } from '../../src/web/webchat/directline-limits';
import { LocalDirectLine } from '../../src/web/webchat/local-directline';
import { FakeClock } from '../support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';

/**
 * The local Direct Line channel written through to its archive in the desk's database, and a new channel on the
 * same database, as a restarted desk (or another instance starting) makes it; on both backends.
 */

const MINUTE = 60 * 1000;
const ADDRESS = '192.0.2.10';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/**
 * test/store/fixtures/webchat-0.x.db, as the release before this one wrote it (its own WebchatArchive on
 * better-sqlite3): a conversation started at T0 and idle since, and one started at T0 + 40' with two messages and a
 * token refreshed at T0 + 50'.
 */
const OLD_FILE = join(__dirname, '..', 'store', 'fixtures', 'webchat-0.x.db');
const OLD_IDLE = 'AQEBAQEBAQEBAQEBAQEBAQ';
const OLD_CHAT = {
  conversationId: 'BQUFBQUFBQUFBQUFBQUFBQ',
  userId: 'dl-BgYGBgYGBgYGBgYG',
  token: 'BwcHBwcHBwcHBwcH.CAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg',
  refreshed: 'CQkJCQkJCQkJCQkJ.CgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo',
};

function recordingLogger(lines: { message: string; fields: LogFields }[]): Logger {
  const at = (fields: LogFields, message: string) => void lines.push({ message, fields });
  const logger: Logger = { debug: at, info: at, warn: at, error: at, child: () => logger };
  return logger;
}

describe.each(['SQLite', 'PostgreSQL'] as const)(
  'the local Direct Line channel archived on %s',
  (backend) => {
    let dir: string;
    let server: TestDatabase | undefined;
    let target: DatabaseTarget;
    let clock: FakeClock;
    const open: SqlDatabase[] = [];

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'webchat-archive-'));
      server = backend === 'PostgreSQL' ? await createTestDatabase() : undefined;
      target = server
        ? { kind: 'postgres', url: server.url, poolSize: 2 }
        : { kind: 'sqlite', path: join(dir, 'relaydesk.db'), busyTimeoutMs: 0 };
      clock = new FakeClock(T0);
    });

    afterEach(async () => {
      for (const database of open.splice(0)) await database.close();
      await server?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The desk's database as a new process opens it (the previous one's connection closed first), migrated. */
    async function database(): Promise<SqlDatabase> {
      for (const previous of open.splice(0)) await previous.close();
      const opened = openDatabase(target);
      open.push(opened);
      await migrateToLatest(opened);
      return opened;
    }

    async function channel(limits: Partial<DirectLineLimits> = {}): Promise<LocalDirectLine> {
      return LocalDirectLine.open({ clock, limits }, new SqlWebchatArchive(await database()));
    }

    async function started(line: LocalDirectLine): Promise<StartedConversation> {
      const outcome = await line.start(ADDRESS);
      if (!outcome.ok) throw new Error(`start refused: ${outcome.status}`);
      return outcome;
    }

    const textsOf = (line: LocalDirectLine, conversationId: string, watermark = 0) =>
      line.activitiesSince(conversationId, watermark).activities.map((activity) => activity.text);

    async function rowCounts(): Promise<{ conversations: number; activities: number; tokens: number }> {
      const [db] = open;
      if (!db) throw new Error('no database open');
      const count = async (table: 'webchat_conversations' | 'webchat_activities' | 'webchat_tokens') =>
        Number(
          (
            await db.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        );
      return {
        conversations: await count('webchat_conversations'),
        activities: await count('webchat_activities'),
        tokens: await count('webchat_tokens'),
      };
    }

    describe('across a restart', () => {
      it('keeps a conversation, its transcript, watermark and token; seqs continue, none reused', async () => {
        const before = await channel();
        const chat = await started(before);
        const access = { conversationId: chat.conversationId, userId: chat.userId };
        await before.addCustomerMessage(access, 'Where is my parcel?', 'Casey');
        const queued = await before.addBotActivity(chat.conversationId, {
          text: 'Queued',
          channelData: { relaydeskId: 'r-1' },
        });
        await before.addBotActivity(chat.conversationId, { text: 'Draft' });
        // An edit comes again after the watermark (seq 4), keeping its id.
        const edited = await before.updateBotActivity(chat.conversationId, `${chat.conversationId}|0000003`, {
          text: 'Edited',
        });
        const seen = before.activitiesSince(chat.conversationId, 0);
        expect(seen.watermark).toBe('4');

        clock.advance(5 * MINUTE);
        const after = await channel();
        expect(after.size).toBe(1);
        expect(after.totalBytes).toBe(before.totalBytes);
        expect(after.activitiesSince(chat.conversationId, 0)).toEqual(seen);
        expect(await after.authorize(chat.conversationId, chat.token)).toEqual({ ok: true, ...access });
        // A repeated send of a kept message is still kept once.
        expect(
          await after.addBotActivity(chat.conversationId, {
            text: 'Queued',
            channelData: { relaydeskId: 'r-1' },
          }),
        ).toBe(queued);
        expect(edited).toBe(`${chat.conversationId}|0000003`);
        const next = await after.addCustomerMessage(access, 'Thanks', undefined);
        expect(next.id).toBe(`${chat.conversationId}|0000005`);
        expect(textsOf(after, chat.conversationId, 4)).toEqual(['Thanks']);
        expect(after.activitiesSince(chat.conversationId, 4).watermark).toBe('5');
      });

      it('keeps a refreshed token, and the per-conversation token bound still drops the oldest', async () => {
        const before = await channel({ maxTokensPerConversation: 2 });
        const chat = await started(before);
        const refreshed = await before.issueToken(chat.conversationId);

        const after = await channel({ maxTokensPerConversation: 2 });
        expect((await after.authorize(chat.conversationId, chat.token)).ok).toBe(true);
        expect((await after.authorize(chat.conversationId, refreshed.token)).ok).toBe(true);
        const third = await after.issueToken(chat.conversationId);
        expect(await after.authorize(chat.conversationId, chat.token)).toMatchObject({
          ok: false,
          reason: 'unknown token',
        });

        const again = await channel({ maxTokensPerConversation: 2 });
        expect(await again.authorize(chat.conversationId, chat.token)).toMatchObject({
          ok: false,
          reason: 'unknown token',
        });
        expect((await again.authorize(chat.conversationId, refreshed.token)).ok).toBe(true);
        expect((await again.authorize(chat.conversationId, third.token)).ok).toBe(true);
      });

      it('stores only token digests, never the secrets', async () => {
        const chat = await started(await channel());
        const [db] = open;
        const dump = JSON.stringify(await db!.db.selectFrom('webchat_tokens').selectAll().execute());
        const secret = chat.token.split('.')[1] ?? '';
        expect(secret).toHaveLength(43);
        expect(dump).not.toContain(secret);
      });

      it('does not load conversations idle past their end, nor expired tokens, and deletes them', async () => {
        const limits = { idleMs: 60 * MINUTE, tokenTtlMs: 30 * MINUTE };
        const before = await channel(limits);
        const idle = await started(before);
        clock.advance(40 * MINUTE);
        const busy = await started(before);
        // The first token of `busy` expires at 70'; a refresh at 45' lasts until 75'.
        clock.advance(5 * MINUTE);
        const refreshed = await before.issueToken(busy.conversationId);

        clock.advance(25 * MINUTE); // 70': `idle` was last used 70' ago, `busy` 25' ago.
        const after = await channel(limits);
        expect(after.size).toBe(1);
        expect(after.has(idle.conversationId)).toBe(false);
        expect(await after.authorize(idle.conversationId, idle.token)).toMatchObject({
          ok: false,
          status: 404,
        });
        expect(await after.authorize(busy.conversationId, busy.token)).toMatchObject({
          ok: false,
          reason: 'unknown token',
        });
        expect((await after.authorize(busy.conversationId, refreshed.token)).ok).toBe(true);
        expect(await rowCounts()).toEqual({ conversations: 1, activities: 0, tokens: 1 });
      });

      it('writes the last use at most once a minute; a restart finds it at most a minute behind', async () => {
        const before = await channel({ idleMs: 60 * MINUTE });
        const chat = await started(before);
        clock.advance(30 * 1000);
        expect((await before.authorize(chat.conversationId, chat.token)).ok).toBe(true); // 30 s: not written
        clock.advance(40 * 1000);
        expect((await before.authorize(chat.conversationId, chat.token)).ok).toBe(true); // 70 s: written
        clock.advance(30 * 1000);
        expect((await before.authorize(chat.conversationId, chat.token)).ok).toBe(true); // 100 s: not written

        // Alive until 70 s + 60' by the archive (the channel in memory would say 100 s + 60').
        clock.advance(60 * MINUTE - 31 * 1000);
        expect((await channel({ idleMs: 60 * MINUTE })).has(chat.conversationId)).toBe(true);
        clock.advance(2 * 1000);
        expect((await channel({ idleMs: 60 * MINUTE })).has(chat.conversationId)).toBe(false);
      });

      it('a withdrawn message stays withdrawn, and its seq is not given again', async () => {
        const before = await channel();
        const chat = await started(before);
        const access = { conversationId: chat.conversationId, userId: chat.userId };
        const refused = await before.addCustomerMessage(access, 'not taken', undefined);
        await before.withdraw(chat.conversationId, refused.id);

        const after = await channel();
        expect(textsOf(after, chat.conversationId)).toEqual([]);
        expect(after.totalBytes).toBe(0);
        expect((await after.addCustomerMessage(access, 'again', undefined)).id).toBe(
          `${chat.conversationId}|0000002`,
        );
      });

      it('the bounds hold: trimmed activities stay trimmed, byte totals are rebuilt, lower limits apply', async () => {
        const before = await channel({ maxActivitiesPerConversation: 3 });
        const chat = await started(before);
        for (const text of ['one', 'two', 'three', 'four']) {
          await before.addBotActivity(chat.conversationId, { text });
        }
        expect(textsOf(before, chat.conversationId)).toEqual(['two', 'three', 'four']);
        const bytes = before.totalBytes;

        const after = await channel({ maxActivitiesPerConversation: 3 });
        expect(textsOf(after, chat.conversationId)).toEqual(['two', 'three', 'four']);
        expect(after.totalBytes).toBe(bytes);
        await after.addBotActivity(chat.conversationId, { text: 'five' });
        expect(textsOf(after, chat.conversationId)).toEqual(['three', 'four', 'five']);

        // A run with a lower bound trims what it loads, and the stored rows with it.
        const lower = await channel({ maxActivitiesPerConversation: 2 });
        expect(textsOf(lower, chat.conversationId)).toEqual(['four', 'five']);
        expect(textsOf(await channel(), chat.conversationId)).toEqual(['four', 'five']);
        expect(await rowCounts()).toMatchObject({ activities: 2 });
      });

      it('an idle end and maxConversations hold', async () => {
        const limits = { maxConversations: 1, idleMs: 60 * MINUTE };
        const before = await channel(limits);
        const first = await started(before);
        const after = await channel(limits);
        expect(await after.start(ADDRESS)).toMatchObject({ ok: false, status: 503 });
        clock.advance(60 * MINUTE);
        const second = await after.start(ADDRESS);
        expect(second).toMatchObject({ ok: true, endedIdle: [first.conversationId] });
        const again = await channel(limits);
        expect(again.has(first.conversationId)).toBe(false);
        expect(again.size).toBe(1);
      });
    });

    describe("an earlier release's webchat.db", () => {
      /** The fixture copied to where that release kept it, beside the SQLite file. */
      function oldFile(): string {
        const path = join(dir, 'webchat.db');
        copyFileSync(OLD_FILE, path);
        return path;
      }

      it('is imported once: its live chats go on with their transcript, tokens and seqs; the file is renamed', async () => {
        const path = oldFile();
        expect(await importWebchatFile(await database(), path)).toEqual({
          conversations: 2,
          activities: 2,
          tokens: 3,
        });
        expect(existsSync(path)).toBe(false);
        expect(existsSync(`${path}.imported`)).toBe(true);
        expect(await importWebchatFile(await database(), path)).toBeUndefined();

        clock.advance(61 * MINUTE);
        const line = await channel({ maxTokensPerConversation: 2 });
        const { conversationId, userId } = OLD_CHAT;
        expect(line.has(OLD_IDLE)).toBe(false);
        expect(line.size).toBe(1);
        expect(line.activitiesSince(conversationId, 0)).toEqual({
          activities: [
            expect.objectContaining({ id: `${conversationId}|0000001`, text: 'Where is my parcel?' }),
            expect.objectContaining({ id: `${conversationId}|0000002`, text: 'Queued' }),
          ],
          watermark: '2',
        });
        expect(await line.authorize(conversationId, OLD_CHAT.token)).toEqual({
          ok: true,
          conversationId,
          userId,
        });
        expect((await line.authorize(conversationId, OLD_CHAT.refreshed)).ok).toBe(true);
        // The tokens kept their issue order: a third drops the first.
        await line.issueToken(conversationId);
        expect(await line.authorize(conversationId, OLD_CHAT.token)).toMatchObject({
          reason: 'unknown token',
        });
        expect((await line.authorize(conversationId, OLD_CHAT.refreshed)).ok).toBe(true);
        expect(
          await line.addBotActivity(conversationId, { text: 'Queued', channelData: { relaydeskId: 'r-1' } }),
        ).toBe(`${conversationId}|0000002`);
        expect((await line.addCustomerMessage({ conversationId, userId }, 'Hello?', undefined)).id).toBe(
          `${conversationId}|0000003`,
        );
      });

      if (backend === 'SQLite') {
        it('is imported when the SQLite desk opens its archive, and left alone by a desk in memory', async () => {
          const lines: { message: string; fields: LogFields }[] = [];
          const logger = recordingLogger(lines);
          const path = oldFile();
          const sqlitePath = join(dir, 'relaydesk.db');
          await openWebchatArchive(await database(), { store: 'memory', sqlitePath }, logger);
          expect(existsSync(path)).toBe(true);

          await openWebchatArchive(await database(), { store: 'sqlite', sqlitePath }, logger);
          expect(existsSync(path)).toBe(false);
          expect(lines).toEqual([
            {
              message: 'web chat file imported into the database',
              fields: { path, conversations: 2, activities: 2, tokens: 3 },
            },
          ]);
          expect(await rowCounts()).toEqual({ conversations: 2, activities: 2, tokens: 3 });
        });

        it('that cannot be read is left in place, said so, and the desk starts without it', async () => {
          const lines: { message: string; fields: LogFields }[] = [];
          const path = join(dir, 'webchat.db');
          writeFileSync(path, 'not a database');
          const sqlitePath = join(dir, 'relaydesk.db');
          const archive = await openWebchatArchive(
            await database(),
            { store: 'sqlite', sqlitePath },
            recordingLogger(lines),
          );
          expect(lines.map(({ message, fields }) => [message, fields['path']])).toEqual([
            ['web chat file not imported; its chats are not restored', path],
          ]);
          expect(lines[0]?.fields['reason']).toEqual(expect.any(String));
          expect(existsSync(path)).toBe(true);
          const line = await LocalDirectLine.open({ clock }, archive);
          expect((await line.start(ADDRESS)).ok).toBe(true);
        });
      }
    });
  },
);
