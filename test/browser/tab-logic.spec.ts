import type { OfferView } from '../../src/app/views';
import type { PanelRow } from '../../src/domain/agent-sessions';
import type { DraftChange } from '../../src/web/agent-api';
import { AgentApiError } from '../../src/web/tab/api-error';
import { reconnectDelayMs } from '../../src/web/tab/backoff';
import { DraftSaver, type DraftStatus, type KeptDrafts } from '../../src/web/tab/draft-saver';
import { sessionKeptDrafts } from '../../src/web/tab/kept-drafts';
import { formatCountdown, formatDuration, formatSince, panelToggleLabel } from '../../src/web/tab/format';
import { splitLinks } from '../../src/web/tab/linkify';
import { OfferWatch } from '../../src/web/tab/offer-watch';
import { ServerClock, type TabClock } from '../../src/web/tab/clock';
import { DevSignInTokens, type SignInStorage } from '../../src/web/tab/dev-sign-in-tokens';
import { CANNOT_REACH, NOT_ANSWERING, describeProblem } from '../../src/web/tab/problem-words';
import { describeTrend, sentimentRank, sentimentSparkline } from '../../src/web/tab/sparkline';
import { titleWithUnread, totalUnread, unreadCount } from '../../src/web/tab/unread-count';
import { memoryStorage } from '../support/memory-storage';

/** The tab's logic that needs no DOM, run in Node; the browser journeys cover the rest. */

interface SaveCall {
  readonly sessionId: string;
  readonly change: DraftChange;
  readonly keepalive: boolean;
  finish(error?: Error): void;
}

/** A DraftSaver whose saves wait until the test finishes them, on a hand-driven timer list. */
function drafts(options: { retryable?: (error: unknown) => boolean; kept?: KeptDrafts } = {}) {
  const saves: SaveCall[] = [];
  const statuses: DraftStatus[] = [];
  const timers = new Map<number, { run: () => void; at: number }>();
  let now = 0;
  let nextTimer = 1;
  const saver = new DraftSaver({
    delayMs: 400,
    retryDelayMs: 2000,
    save: (sessionId, change, { keepalive }) =>
      new Promise<void>((resolve, reject) => {
        saves.push({
          sessionId,
          change,
          keepalive,
          finish: (error) => (error === undefined ? resolve() : reject(error)),
        });
      }),
    onStatus: (_sessionId, status) => statuses.push(status),
    ...(options.retryable ? { retryable: options.retryable } : {}),
    ...(options.kept ? { kept: options.kept } : {}),
    timers: {
      setTimeout: (run, ms) => {
        const id = nextTimer++;
        timers.set(id, { run, at: now + ms });
        return id;
      },
      clearTimeout: (id) => void timers.delete(id as number),
    },
  });
  /** Moves the clock, running the timers that come due. */
  const advance = async (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > now) continue;
      timers.delete(id);
      timer.run();
    }
    await settle();
  };
  return { saver, saves, statuses, advance, pendingTimers: () => timers.size };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DraftSaver: unsaved drafts kept across a reload', () => {
  it('shows and saves on the next page what was typed before a reload whose save had not landed', async () => {
    const storage = memoryStorage();
    const before = drafts({ kept: sessionKeptDrafts(storage) });
    before.saver.schedule('s1', { reply: 'Let me check' });
    before.saver.schedule('s2', { caseFields: { title: 'Router' } });
    // The page unloads: the saves go out with keepalive, and their answers never reach this page.
    before.saver.sendAllNow({ keepalive: true });
    expect(before.saves).toHaveLength(2);

    const after = drafts({ kept: sessionKeptDrafts(storage) });
    expect(after.saver.pendingChange('s1')).toEqual({ reply: 'Let me check' });
    expect(after.saver.pendingChange('s2')).toEqual({ caseFields: { title: 'Router' } });
    await after.advance(400);
    expect(after.saves.map((save) => [save.sessionId, save.change])).toEqual([
      ['s1', { reply: 'Let me check' }],
      ['s2', { caseFields: { title: 'Router' } }],
    ]);
    for (const save of after.saves) save.finish();
    await settle();
    // Saved, nothing typed since: nothing is kept, and a third page has nothing to restore.
    expect(storage.items.size).toBe(0);
    expect(drafts({ kept: sessionKeptDrafts(storage) }).saver.pendingChange('s1')).toBeUndefined();
  });

  it('keeps what was typed after a save started, and forgets a reply once it is sent', async () => {
    const storage = memoryStorage();
    const { saver, saves, advance } = drafts({ kept: sessionKeptDrafts(storage) });
    saver.schedule('s1', { reply: 'Hi' });
    await advance(400);
    saver.schedule('s1', { reply: 'Hi there' });
    saves[0]!.finish();
    await settle();
    expect(JSON.parse(storage.items.get('relaydesk.unsavedDrafts')!)).toEqual({ s1: { reply: 'Hi there' } });
    saver.discardReply('s1');
    expect(storage.items.size).toBe(0);
  });

  it('ignores kept content it did not write: not JSON, wrong shapes, oversized text', () => {
    const storage = memoryStorage();
    const kept = sessionKeptDrafts(storage);
    storage.setItem('relaydesk.unsavedDrafts', '{not json');
    expect(kept.load().size).toBe(0);
    storage.setItem(
      'relaydesk.unsavedDrafts',
      JSON.stringify({
        good: { reply: 'ok', caseFields: { title: 'T', bad: 7 } },
        number: 5,
        empty: {},
        huge: { reply: 'x'.repeat(100_001) },
      }),
    );
    expect([...kept.load()]).toEqual([['good', { reply: 'ok', caseFields: { title: 'T' } }]]);
    const failing = sessionKeptDrafts({
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    });
    expect(failing.load().size).toBe(0);
    expect(() => failing.store(new Map([['s1', { reply: 'x' }]]))).not.toThrow();
  });
});

describe('DraftSaver: drafts saved as the agent types', () => {
  it('sends one merged change 400 ms after the last keystroke', async () => {
    const { saver, saves, advance } = drafts();
    saver.schedule('s1', { reply: 'H' });
    await advance(300);
    saver.schedule('s1', { reply: 'Hi' });
    await advance(399);
    expect(saves).toHaveLength(0);
    await advance(1);
    expect(saves.map((save) => save.change)).toEqual([{ reply: 'Hi' }]);
  });

  it('merges case fields field by field, and a reply with them', async () => {
    const { saver, saves, advance } = drafts();
    saver.schedule('case:1', { caseFields: { title: 'Refund' } });
    saver.schedule('case:1', { caseFields: { priority: 'high' } });
    saver.schedule('case:1', { caseFields: { title: 'Refund twice' } });
    await advance(400);
    expect(saves[0]?.change).toEqual({ caseFields: { title: 'Refund twice', priority: 'high' } });
  });

  it('keeps sessions apart', async () => {
    const { saver, saves, advance } = drafts();
    saver.schedule('a', { reply: 'for A' });
    saver.schedule('b', { reply: 'for B' });
    await advance(400);
    expect(saves.map((save) => [save.sessionId, save.change.reply])).toEqual([
      ['a', 'for A'],
      ['b', 'for B'],
    ]);
  });

  it('flush sends at once, and resolves only when the save is done', async () => {
    const { saver, saves, pendingTimers } = drafts();
    saver.schedule('s1', { reply: 'switching away' });
    let flushed = false;
    const flushing = saver.flush('s1').then(() => (flushed = true));
    await settle();
    expect(saves).toHaveLength(1);
    expect(pendingTimers()).toBe(0);
    expect(flushed).toBe(false);
    saves[0]!.finish();
    await flushing;
    expect(flushed).toBe(true);
  });

  it('never has two saves of one session in flight: a newer change waits for the older save', async () => {
    const { saver, saves, advance } = drafts();
    saver.schedule('s1', { reply: 'one' });
    await advance(400);
    saver.schedule('s1', { reply: 'one two' });
    await advance(400);
    expect(saves).toHaveLength(1);
    saves[0]!.finish();
    await settle();
    await settle();
    expect(saves.map((save) => save.change.reply)).toEqual(['one', 'one two']);
  });

  it('keeps a failed change and retries it, with anything typed since winning the merge', async () => {
    const { saver, saves, statuses, advance } = drafts();
    saver.schedule('s1', { reply: 'first', caseFields: { title: 'T' } });
    await advance(400);
    saves[0]!.finish(new Error('offline'));
    await settle();
    expect(statuses.at(-1)).toBe('failed');
    saver.schedule('s1', { reply: 'first and more' });
    await advance(400);
    expect(saves[1]?.change).toEqual({ reply: 'first and more', caseFields: { title: 'T' } });
    saves[1]!.finish();
    await settle();
    expect(statuses.at(-1)).toBe('saved');
  });

  it('drops a change the server refuses for good (the session is gone)', async () => {
    const { saver, saves, advance, pendingTimers } = drafts({ retryable: () => false });
    saver.schedule('gone', { reply: 'x' });
    await advance(400);
    saves[0]!.finish(new Error('404'));
    await settle();
    expect(pendingTimers()).toBe(0);
    expect(saver.pendingChange('gone')).toBeUndefined();
  });

  it('a reply sent within 400 ms of the last key ends the status in a true state, not "Saving draft…"', async () => {
    const { saver, saves, statuses, advance, pendingTimers } = drafts();
    saver.schedule('s1', { reply: 'Sent at once' });
    expect(statuses.at(-1)).toBe('pending');
    saver.discardReply('s1');
    expect(statuses.at(-1)).toBe('idle');
    await advance(400);
    expect(saves).toHaveLength(0);
    expect(pendingTimers()).toBe(0);
  });

  it('a reply sent while an older save is in flight ends in "saved" once that save lands', async () => {
    const { saver, saves, statuses, advance } = drafts();
    saver.schedule('s1', { reply: 'Sent' });
    await advance(400);
    saver.schedule('s1', { reply: 'Sent at once' });
    saver.discardReply('s1');
    expect(statuses.at(-1)).toBe('pending');
    saves[0]!.finish();
    await settle();
    expect(statuses.at(-1)).toBe('saved');
  });

  it('discardReply forgets an unsent reply (it was just sent) but keeps case fields', () => {
    const { saver } = drafts();
    saver.schedule('s1', { reply: 'sent now', caseFields: { title: 'T' } });
    saver.discardReply('s1');
    expect(saver.pendingChange('s1')).toEqual({ caseFields: { title: 'T' } });
  });

  it('sendAllNow starts every pending save at once, with keepalive, for a page being left', () => {
    const { saver, saves, pendingTimers } = drafts();
    saver.schedule('a', { reply: 'A' });
    saver.schedule('b', { reply: 'B' });
    saver.sendAllNow({ keepalive: true });
    expect(saves.map((save) => [save.sessionId, save.keepalive])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(pendingTimers()).toBe(0);
  });
});

describe('the sentiment sparkline', () => {
  it('puts Very negative at the bottom and Very positive at the top, Neutral in the middle', () => {
    const line = sentimentSparkline([
      { level: 'Very positive' },
      { level: 'Neutral' },
      { level: 'Very negative' },
    ]);
    const [top, middle, bottom] = line.points;
    expect(top?.y).toBeLessThan(middle!.y);
    expect(middle?.y).toBeLessThan(bottom!.y);
    expect(middle?.y).toBe(line.neutralY);
    expect(line.points.map((point) => point.x)).toEqual([4, 80, 156]);
    expect(line.polyline).toBe(line.points.map((point) => `${point.x},${point.y}`).join(' '));
  });

  it('centres a single point, and draws nothing without messages', () => {
    expect(sentimentSparkline([{ level: 'Negative' }]).points[0]?.x).toBe(80);
    expect(sentimentSparkline([]).polyline).toBe('');
  });

  it('reads an unknown level as Neutral', () => {
    expect(sentimentRank('Furious')).toBe(sentimentRank('Neutral'));
  });

  it('tells the trend in words, each run of one level once', () => {
    expect(
      describeTrend([
        { level: 'Neutral' },
        { level: 'Neutral' },
        { level: 'Negative' },
        { level: 'Neutral' },
      ]),
    ).toBe('Neutral → Negative → Neutral');
    expect(describeTrend([])).toBe('No customer messages yet');
  });
});

describe('display texts', () => {
  const minute = 60_000;
  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [5 * minute, '5 min ago'],
    [3 * 60 * minute, '3 h ago'],
    [49 * 60 * minute, '2 d ago'],
    [-5 * minute, 'just now'],
  ])('%d ms in a state reads "%s"', (elapsed, text) => {
    expect(formatSince(1_000_000_000, 1_000_000_000 + elapsed)).toBe(text);
  });

  it('the burger says what it will do', () => {
    expect(panelToggleLabel('expanded')).toBe('Collapse session panel');
    expect(panelToggleLabel('collapsed')).toBe('Expand session panel');
  });

  it('reconnects after 0.5 s, doubling up to 15 s, with jitter', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelayMs(attempt, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
    expect(reconnectDelayMs(0, () => 0)).toBe(400);
    expect(reconnectDelayMs(0, () => 1)).toBe(600);
  });
});

describe('display texts for waiting and offers', () => {
  const second = 1000;
  it.each([
    [0, 'under 1 min'],
    [59 * second, 'under 1 min'],
    [2 * 60 * second, '2 min'],
    [3 * 3600 * second, '3 h'],
    [50 * 3600 * second, '2 d'],
  ])('waiting %d ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('counts an offer down in minutes and seconds, rounding up, never below 0:00', () => {
    expect(formatCountdown(120_000)).toBe('2:00');
    expect(formatCountdown(89_001)).toBe('1:30');
    expect(formatCountdown(5_000)).toBe('0:05');
    expect(formatCountdown(-3_000)).toBe('0:00');
  });
});

describe('links in message text', () => {
  it('makes http(s) URLs links and leaves a sentence’s punctuation outside them', () => {
    expect(splitLinks('See https://example.com/a?b=1. Thanks')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. Thanks' },
    ]);
    expect(splitLinks('(http://example.com/x)').map((part) => part.text)).toEqual([
      '(',
      'http://example.com/x',
      ')',
    ]);
    expect(splitLinks('https://en.wikipedia.org/wiki/Foo_(bar)')[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    );
  });

  it('links nothing else: other schemes, markup and bare words stay text', () => {
    for (const text of ['javascript:alert(1)', 'ftp://files.test', 'www.x.test', 'xhttps://x.test']) {
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
    expect(splitLinks('<a href="https://x.test">x</a>').filter((part) => part.kind === 'link')).toEqual([
      { kind: 'link', text: 'https://x.test', href: 'https://x.test/' },
    ]);
    expect(splitLinks('no links here')).toEqual([{ kind: 'text', text: 'no links here' }]);
  });
});

describe('the unread total in the page title', () => {
  const row = (extra: Partial<PanelRow>): PanelRow => ({
    id: 's',
    title: 'Visitor 1',
    icon: 'Vi',
    kind: 'conversation',
    focused: false,
    closable: true,
    alert: false,
    tooltip: 'Visitor 1',
    ...extra,
  });

  it('counts the exact number each row carries, past the badge’s "9+"', () => {
    expect(unreadCount(row({ badge: '9+', unread: 12 }))).toBe(12);
    expect(unreadCount(row({ badge: '3', unread: 3 }))).toBe(3);
    expect(unreadCount(row({}))).toBe(0);
    expect(totalUnread([row({ badge: '2', unread: 2 }), row({ badge: '1', unread: 1 })])).toBe(3);
  });

  it('puts the total first, "(3) Relaydesk", and nothing when all is read', () => {
    expect(titleWithUnread(3)).toBe('(3) Relaydesk');
    expect(titleWithUnread(0)).toBe('Relaydesk');
  });
});

describe('what the agent reads when a request fails', () => {
  it('a network failure is "Can’t reach Relaydesk — retrying", never the browser’s words', () => {
    const problem = describeProblem(new TypeError('Failed to fetch'), 'refresh');
    expect(problem).toEqual({
      connection: true,
      notice: expect.objectContaining({ title: CANNOT_REACH, text: '' }),
    });
    expect(JSON.stringify(describeProblem(new TypeError('Failed to fetch'), 'action'))).not.toContain(
      'fetch',
    );
  });

  it('a server that cannot answer is retried; a refusal says the server’s own words', () => {
    expect(
      describeProblem(new AgentApiError(503, 'StoreUnavailable', 'Service Unavailable'), 'refresh'),
    ).toEqual({
      connection: true,
      notice: expect.objectContaining({ title: NOT_ANSWERING }),
    });
    const refused = describeProblem(
      new AgentApiError(404, 'NotFound', 'That session is not yours.'),
      'action',
    );
    expect(refused.connection).toBe(false);
    expect(refused.notice.text).toBe('That session is not yours.');
  });
});

describe('OfferWatch: which offers are new, which ran out', () => {
  const T = 1_767_607_200_000;
  const offer = (offerId: string, offeredAt = T, timeoutSeconds = 120): OfferView => ({
    kind: 'offer',
    workItemId: `w-${offerId}`,
    offerId,
    title: `Visitor ${offerId}`,
    icon: 'Vi',
    channel: 'emulator',
    firstMessage: 'Hello',
    waitingSince: offeredAt,
    offeredAt,
    expiresAt: offeredAt + timeoutSeconds * 1000,
    timeoutSeconds,
    prechat: [],
    status: 'pending',
  });

  it('announces an offer once, however often the workspace is read', () => {
    const watch = new OfferWatch();
    expect(watch.update([offer('1')], T).arrived.map((o) => o.offerId)).toEqual(['1']);
    expect(watch.update([offer('1')], T + 1000).arrived).toEqual([]);
    expect(watch.update([offer('1'), offer('2')], T + 2000).arrived.map((o) => o.offerId)).toEqual(['2']);
  });

  it('expires an offer on its countdown, once, and stops showing it', () => {
    const watch = new OfferWatch();
    watch.update([offer('1')], T);
    expect(watch.tick(T + 119_999)).toEqual([]);
    expect(watch.tick(T + 120_000).map((o) => o.offerId)).toEqual(['1']);
    expect(watch.tick(T + 121_000)).toEqual([]);
    expect(watch.current()).toEqual([]);
    expect(watch.update([offer('1')], T + 121_000)).toEqual({ arrived: [], expired: [] });
  });

  it('an offer that vanishes at about its expiry expired; one taken back early, or answered, did not', () => {
    const watch = new OfferWatch();
    watch.update([offer('1'), offer('2', T, 600), offer('3')], T);
    watch.answered('3');
    const { expired } = watch.update([], T + 118_500);
    expect(expired.map((o) => o.offerId)).toEqual(['1']);
  });

  it('counts down to the offer’s expiresAt on the server’s clock', () => {
    const watch = new OfferWatch();
    watch.update([offer('1', T - 30_000)], T);
    expect(watch.current().map((shown) => shown.deadline)).toEqual([T + 90_000]);
  });
});

describe('ServerClock: the server’s time, read off the browser’s clock', () => {
  const browser = (at: { now: number }): TabClock => ({
    now: () => at.now,
    every: () => () => undefined,
    after: () => () => undefined,
  });

  it('corrects the browser’s clock by the skew seen when the last state arrived', () => {
    const at = { now: 1_000_000 };
    const clock = new ServerClock(browser(at));
    expect(clock.now()).toBe(1_000_000);
    clock.observe(400_000);
    expect(clock.now()).toBe(400_000);
    at.now += 5_000;
    expect(clock.now()).toBe(405_000);
    clock.observe(500_000);
    expect(clock.now()).toBe(500_000);
  });

  it('keeps the skew it knows when a slow answer fits it, so a state read before a jump does not set it back', () => {
    const at = { now: 1_000_000 };
    const clock = new ServerClock(browser(at));
    clock.observe(400_000, 1_000_000);
    // Asked for at 1,010,000, read by the server at 410,000, arriving a minute later.
    at.now = 1_070_000;
    clock.observe(410_000, 1_010_000);
    expect(clock.now()).toBe(470_000);
  });

  it('moves to the nearest possible skew when an answer rules the old one out (the browser clock was changed)', () => {
    const at = { now: 1_000_000 };
    const clock = new ServerClock(browser(at));
    clock.observe(400_000, 1_000_000);
    at.now = 2_000_000;
    clock.observe(405_000, 1_999_900);
    expect(clock.now()).toBe(2_000_000 + (405_000 - 1_999_900));
  });
});

describe('DevSignInTokens: renewing an expired dev sign-in', () => {
  const memoryStorage = (): SignInStorage => {
    const items = new Map<string, string>();
    return {
      getItem: (key) => items.get(key) ?? null,
      removeItem: (key) => void items.delete(key),
      setItem: (key, value) => void items.set(key, value),
    };
  };

  it('signs in once when the event stream and an action both ask for a fresh token at the same time', async () => {
    let signIns = 0;
    const requestSignIn = async (agentId: string) => {
      signIns += 1;
      const token = `token-${signIns}`;
      await new Promise((resolve) => setImmediate(resolve));
      return { token, agentId, expiresAt: 1 };
    };
    const tokens = new DevSignInTokens(requestSignIn, memoryStorage());
    await tokens.signIn('alex');
    const [first, second] = await Promise.all([tokens.refresh(), tokens.refresh()]);
    expect(signIns).toBe(2);
    expect([first, second]).toEqual(['token-2', 'token-2']);
    expect(await tokens.token()).toBe('token-2');
  });
});
