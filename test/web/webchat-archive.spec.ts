import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  LocalDirectLine,
  type DirectLineLimits,
  type StartedConversation,
} from '../../src/web/webchat/local-directline';
import { WebchatArchive, openWebchatArchive } from '../../src/web/webchat/webchat-archive';
import { FakeClock } from '../support/fake-clock';

/** The local Direct Line channel written through to its SQLite archive, and a new channel on the same file. */

const MINUTE = 60 * 1000;
const ADDRESS = '192.0.2.10';

describe('the local Direct Line channel with a WebchatArchive', () => {
  let dir: string;
  let path: string;
  let clock: FakeClock;
  const open: WebchatArchive[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'webchat-archive-'));
    path = join(dir, 'webchat.db');
    clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  });

  afterEach(() => {
    for (const archive of open.splice(0)) archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A channel on the file, as a new process would make it (the previous one's archive closed first). */
  function channel(limits: Partial<DirectLineLimits> = {}): LocalDirectLine {
    for (const archive of open.splice(0)) archive.close();
    const archive = new WebchatArchive(path);
    open.push(archive);
    return new LocalDirectLine({ clock, limits, archive });
  }

  function started(line: LocalDirectLine): StartedConversation {
    const outcome = line.start(ADDRESS);
    if (!outcome.ok) throw new Error(`start refused: ${outcome.status}`);
    return outcome;
  }

  const textsOf = (line: LocalDirectLine, conversationId: string, watermark = 0) =>
    line.activitiesSince(conversationId, watermark).activities.map((activity) => activity.text);

  it('keeps a conversation, its transcript, watermark and token across a restart; seqs continue, none reused', () => {
    const before = channel();
    const chat = started(before);
    const access = { conversationId: chat.conversationId, userId: chat.userId };
    before.addCustomerMessage(access, 'Where is my parcel?', 'Casey');
    const queued = before.addBotActivity(chat.conversationId, {
      text: 'Queued',
      channelData: { relaydeskId: 'r-1' },
    });
    before.addBotActivity(chat.conversationId, { text: 'Draft' });
    // An edit comes again after the watermark (seq 4), keeping its id.
    const edited = before.updateBotActivity(chat.conversationId, `${chat.conversationId}|0000003`, {
      text: 'Edited',
    });
    const seen = before.activitiesSince(chat.conversationId, 0);
    expect(seen.watermark).toBe('4');

    clock.advance(5 * MINUTE);
    const after = channel();
    expect(after.size).toBe(1);
    expect(after.totalBytes).toBe(before.totalBytes);
    expect(after.activitiesSince(chat.conversationId, 0)).toEqual(seen);
    expect(after.authorize(chat.conversationId, chat.token)).toEqual({ ok: true, ...access });
    // A repeated send of a kept message is still kept once.
    expect(
      after.addBotActivity(chat.conversationId, { text: 'Queued', channelData: { relaydeskId: 'r-1' } }),
    ).toBe(queued);
    expect(edited).toBe(`${chat.conversationId}|0000003`);
    const next = after.addCustomerMessage(access, 'Thanks', undefined);
    expect(next.id).toBe(`${chat.conversationId}|0000005`);
    expect(textsOf(after, chat.conversationId, 4)).toEqual(['Thanks']);
    expect(after.activitiesSince(chat.conversationId, 4).watermark).toBe('5');
  });

  it('keeps a refreshed token, and the per-conversation token bound still drops the oldest after a restart', () => {
    const before = channel({ maxTokensPerConversation: 2 });
    const chat = started(before);
    const refreshed = before.issueToken(chat.conversationId);

    const after = channel({ maxTokensPerConversation: 2 });
    expect(after.authorize(chat.conversationId, chat.token).ok).toBe(true);
    expect(after.authorize(chat.conversationId, refreshed.token).ok).toBe(true);
    const third = after.issueToken(chat.conversationId);
    expect(after.authorize(chat.conversationId, chat.token)).toMatchObject({
      ok: false,
      reason: 'unknown token',
    });

    const again = channel({ maxTokensPerConversation: 2 });
    expect(again.authorize(chat.conversationId, chat.token)).toMatchObject({
      ok: false,
      reason: 'unknown token',
    });
    expect(again.authorize(chat.conversationId, refreshed.token).ok).toBe(true);
    expect(again.authorize(chat.conversationId, third.token).ok).toBe(true);
  });

  it('stores only token digests, never the secrets', () => {
    const chat = started(channel());
    for (const archive of open.splice(0)) archive.close();
    const db = new Database(path, { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM tokens').all());
    const secret = chat.token.split('.')[1] ?? '';
    db.close();
    expect(secret).toHaveLength(43);
    expect(dump).not.toContain(secret);
  });

  it('does not load conversations idle past their end, nor expired tokens', () => {
    const before = channel({ idleMs: 60 * MINUTE, tokenTtlMs: 30 * MINUTE });
    const idle = started(before);
    clock.advance(40 * MINUTE);
    const busy = started(before);
    // The first token of `busy` expires at 70'; a refresh at 45' lasts until 75'.
    clock.advance(5 * MINUTE);
    const refreshed = before.issueToken(busy.conversationId);

    clock.advance(25 * MINUTE); // 70': `idle` was last used 70' ago, `busy` 25' ago.
    const after = channel({ idleMs: 60 * MINUTE, tokenTtlMs: 30 * MINUTE });
    expect(after.size).toBe(1);
    expect(after.has(idle.conversationId)).toBe(false);
    expect(after.authorize(idle.conversationId, idle.token)).toMatchObject({ ok: false, status: 404 });
    expect(after.authorize(busy.conversationId, busy.token)).toMatchObject({
      ok: false,
      reason: 'unknown token',
    });
    expect(after.authorize(busy.conversationId, refreshed.token).ok).toBe(true);

    // What was dropped is gone from the file too.
    for (const archive of open.splice(0)) archive.close();
    const db = new Database(path, { readonly: true });
    const counts = db
      .prepare(
        'SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM tokens) AS tokens',
      )
      .get();
    db.close();
    expect(counts).toEqual({ conversations: 1, tokens: 1 });
  });

  it('writes the last use at most once a minute; a restart finds it at most a minute behind', () => {
    const before = channel({ idleMs: 60 * MINUTE });
    const chat = started(before);
    clock.advance(30 * 1000);
    expect(before.authorize(chat.conversationId, chat.token).ok).toBe(true); // 30 s: not written
    clock.advance(40 * 1000);
    expect(before.authorize(chat.conversationId, chat.token).ok).toBe(true); // 70 s: written
    clock.advance(30 * 1000);
    expect(before.authorize(chat.conversationId, chat.token).ok).toBe(true); // 100 s: not written

    // Alive until 70 s + 60' by the archive (the channel in memory would say 100 s + 60').
    clock.advance(60 * MINUTE - 31 * 1000);
    expect(channel({ idleMs: 60 * MINUTE }).has(chat.conversationId)).toBe(true);
    clock.advance(2 * 1000);
    expect(channel({ idleMs: 60 * MINUTE }).has(chat.conversationId)).toBe(false);
  });

  it('a withdrawn message stays withdrawn, and its seq is not given again', () => {
    const before = channel();
    const chat = started(before);
    const access = { conversationId: chat.conversationId, userId: chat.userId };
    const refused = before.addCustomerMessage(access, 'not taken', undefined);
    before.withdraw(chat.conversationId, refused.id);

    const after = channel();
    expect(textsOf(after, chat.conversationId)).toEqual([]);
    expect(after.totalBytes).toBe(0);
    expect(after.addCustomerMessage(access, 'again', undefined).id).toBe(`${chat.conversationId}|0000002`);
  });

  it('the bounds hold after a restart: trimmed activities stay trimmed, byte totals are rebuilt, lower limits apply', () => {
    const before = channel({ maxActivitiesPerConversation: 3 });
    const chat = started(before);
    for (const text of ['one', 'two', 'three', 'four']) before.addBotActivity(chat.conversationId, { text });
    expect(textsOf(before, chat.conversationId)).toEqual(['two', 'three', 'four']);
    const bytes = before.totalBytes;

    const after = channel({ maxActivitiesPerConversation: 3 });
    expect(textsOf(after, chat.conversationId)).toEqual(['two', 'three', 'four']);
    expect(after.totalBytes).toBe(bytes);
    after.addBotActivity(chat.conversationId, { text: 'five' });
    expect(textsOf(after, chat.conversationId)).toEqual(['three', 'four', 'five']);

    // A run with a lower bound trims what it loads, and the file with it.
    const lower = channel({ maxActivitiesPerConversation: 2 });
    expect(textsOf(lower, chat.conversationId)).toEqual(['four', 'five']);
    expect(textsOf(channel(), chat.conversationId)).toEqual(['four', 'five']);
  });

  it('an idle end and maxConversations hold across a restart', () => {
    const before = channel({ maxConversations: 1, idleMs: 60 * MINUTE });
    const first = started(before);
    const after = channel({ maxConversations: 1, idleMs: 60 * MINUTE });
    expect(after.start(ADDRESS)).toMatchObject({ ok: false, status: 503 });
    clock.advance(60 * MINUTE);
    const second = after.start(ADDRESS);
    expect(second).toMatchObject({ ok: true, endedIdle: [first.conversationId] });
    const again = channel({ maxConversations: 1, idleMs: 60 * MINUTE });
    expect(again.has(first.conversationId)).toBe(false);
    expect(again.size).toBe(1);
  });

  it('is opened beside the SQLite store only', () => {
    expect(openWebchatArchive('memory', join(dir, 'relaydesk.db'))).toBeUndefined();
    expect(openWebchatArchive('sqlite', ':memory:')).toBeUndefined();
    const archive = openWebchatArchive('sqlite', join(dir, 'nested', 'relaydesk.db'));
    expect(archive).toBeInstanceOf(WebchatArchive);
    archive?.close();
    archive?.close();
    const db = new Database(join(dir, 'nested', 'webchat.db'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    db.close();
    expect(tables).toEqual([{ name: 'activities' }, { name: 'conversations' }, { name: 'tokens' }]);
  });
});
