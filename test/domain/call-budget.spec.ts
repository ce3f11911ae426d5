import fc from 'fast-check';
import {
  EMPTY_CALL_LOG,
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
    // The 1,801st call waits for the hour, counted per minute (never early).
    expect(calls[1_800]).toBeGreaterThanOrEqual(3_600_000);
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
