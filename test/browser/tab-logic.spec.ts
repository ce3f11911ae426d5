import type { DraftChange } from '../../src/web/agent-api';
import { reconnectDelayMs } from '../../src/web/tab/backoff';
import { DraftSaver, type DraftStatus } from '../../src/web/tab/draft-saver';
import { formatSince, panelToggleLabel } from '../../src/web/tab/format';
import { describeTrend, sentimentRank, sentimentSparkline } from '../../src/web/tab/sparkline';

/** The tab's logic that needs no DOM, run in Node; the browser journeys cover the rest. */

interface SaveCall {
  readonly sessionId: string;
  readonly change: DraftChange;
  readonly keepalive: boolean;
  finish(error?: unknown): void;
}

/** A DraftSaver whose saves wait until the test finishes them, on a hand-driven timer list. */
function drafts(options: { retryable?: (error: unknown) => boolean } = {}) {
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

  it('discardReply forgets an unsent reply (it was just sent) but keeps case fields', () => {
    const { saver } = drafts();
    saver.schedule('s1', { reply: 'sent now', caseFields: { title: 'T' } });
    saver.discardReply('s1');
    expect(saver.pendingChange('s1')).toEqual({ caseFields: { title: 'T' } });
  });

  it('sendAllNow starts every pending save at once, with keepalive, for a page being left', async () => {
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
