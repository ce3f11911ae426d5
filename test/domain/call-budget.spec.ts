import fc from 'fast-check';
import {
  EMPTY_CALL_LOG,
  isBudgetShort,
  nextCallAt,
  recordCall,
  TEAMS_CONVERSATION_WINDOWS,
  TEAMS_TENANT_WINDOWS,
  type CallLog,
  type RateWindow,
} from '../../src/domain/call-budget';

/** The most calls any window of `window.windowMs` holds, checked call by call over the whole list. */
function busiestWindow(calls: readonly number[], window: RateWindow): number {
  let most = 0;
  for (let end = 0; end < calls.length; end += 1) {
    let count = 0;
    for (let i = end; i >= 0 && calls[i]! > calls[end]! - window.windowMs; i -= 1) count += 1;
    most = Math.max(most, count);
  }
  return most;
}

function callAsSoonAsAllowed(count: number, windows: readonly RateWindow[], gaps: readonly number[] = []) {
  let log: CallLog = EMPTY_CALL_LOG;
  let now = 0;
  const calls: number[] = [];
  for (let i = 0; i < count; i += 1) {
    now = nextCallAt(log, windows, now + (gaps[i % Math.max(gaps.length, 1)] ?? 0));
    calls.push(now);
    log = recordCall(log, now, windows);
  }
  return calls;
}

describe('the Teams call budget', () => {
  it('lets the first seven calls to a conversation go at once and holds the eighth for a second', () => {
    const calls = callAsSoonAsAllowed(9, TEAMS_CONVERSATION_WINDOWS);
    expect(calls.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(calls[7]).toBe(1_000);
    // 8 per 2 s: the ninth waits for the first to leave the two-second window.
    expect(calls[8]).toBe(2_000);
  });

  it('keeps a conversation at 60 calls per 30 s and 1,800 per hour when calls are wanted without pause', () => {
    const calls = callAsSoonAsAllowed(2_000, TEAMS_CONVERSATION_WINDOWS);
    for (const window of TEAMS_CONVERSATION_WINDOWS) {
      expect(busiestWindow(calls, window)).toBeLessThanOrEqual(window.limit);
    }
  });

  it('spreads the hour instead of spending it early: after a burst, one call about every 2 s, never a long stop', () => {
    const calls = callAsSoonAsAllowed(2_000, TEAMS_CONVERSATION_WINDOWS);
    const gaps = calls.slice(61).map((at, i) => at - calls[60 + i]!);
    // 3,600 s / (1,800 − 2 × 60) = 2.14 s between calls once the burst is spent.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_143);
    expect(calls[1_000]! - calls[500]!).toBeCloseTo(500 * (3_600_000 / 1_680), -2);
    // Counting alone would have sent 1,800 in the first quarter hour and then stopped for 45 minutes.
    expect(calls[1_739]).toBeGreaterThan(3_500_000);
  });

  it('calls the budget short when a short window is one call from full or the hour’s bucket is past half', () => {
    let log: CallLog = EMPTY_CALL_LOG;
    for (let i = 0; i < 5; i += 1) log = recordCall(log, 0, TEAMS_CONVERSATION_WINDOWS);
    expect(isBudgetShort(log, TEAMS_CONVERSATION_WINDOWS, 0)).toBe(false);
    log = recordCall(log, 0, TEAMS_CONVERSATION_WINDOWS);
    expect(isBudgetShort(log, TEAMS_CONVERSATION_WINDOWS, 0)).toBe(true);
    // A second later the short windows are clear, and 6 calls are far from half the hour's burst.
    expect(isBudgetShort(log, TEAMS_CONVERSATION_WINDOWS, 2_000)).toBe(false);

    // One call every 1.5 s (faster than the hour's 2.07 s) fills the bucket past half within a couple of minutes.
    let at = 10_000;
    let shortFrom: number | undefined;
    for (let i = 0; i < 200 && shortFrom === undefined; i += 1) {
      at = Math.max(at + 1_500, nextCallAt(log, TEAMS_CONVERSATION_WINDOWS, at));
      log = recordCall(log, at, TEAMS_CONVERSATION_WINDOWS);
      if (isBudgetShort(log, TEAMS_CONVERSATION_WINDOWS, at)) shortFrom = at;
    }
    expect(shortFrom).toBeDefined();
    expect(shortFrom!).toBeGreaterThan(70_000);
    expect(shortFrom!).toBeLessThan(190_000);
  });

  it('never answers a time before now', () => {
    expect(nextCallAt(EMPTY_CALL_LOG, TEAMS_TENANT_WINDOWS, 12_345)).toBe(12_345);
  });

  it('holds every window for any pattern of wanted calls', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 20 }), (gaps) => {
        const calls = callAsSoonAsAllowed(400, TEAMS_CONVERSATION_WINDOWS, gaps);
        return TEAMS_CONVERSATION_WINDOWS.every((window) => busiestWindow(calls, window) <= window.limit);
      }),
      { numRuns: 40, seed: 1312 },
    );
  });

  it('forgets minutes no window can see, so a log stays small over a long day', () => {
    const calls = callAsSoonAsAllowed(5_000, TEAMS_CONVERSATION_WINDOWS, [20_000]);
    let log: CallLog = EMPTY_CALL_LOG;
    for (const at of calls) log = recordCall(log, at, TEAMS_CONVERSATION_WINDOWS);
    expect(log.recent).toHaveLength(60);
    expect(log.minutes.length).toBeLessThanOrEqual(62);
  });
});
