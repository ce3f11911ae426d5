/**
 * Teams' rate limits as a budget: at most `limit` calls in any window of `windowMs`. The outbox asks, before each
 * call, when the next one may go, so a 429 is never needed to learn the limit.
 */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** Per bot and conversation (thread), from Microsoft's "Optimize your bot with rate limiting in Teams". */
export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/** Per app and tenant, all conversations together. */
export const TEAMS_TENANT_WINDOWS: readonly RateWindow[] = [{ limit: 50, windowMs: 1_000 }];

/**
 * The calls made to one conversation, compactly: the exact times of the latest RECENT_CALLS_KEPT (enough for every
 * window whose limit is no larger), and counts per minute for the longer ones (the hour). A call is recorded at
 * the time its answer came back, so the next call, started a window later, reaches Teams a window later too.
 */
export interface CallLog {
  /** Ascending. */
  readonly recent: readonly number[];
  /** [minute start, calls in that minute], ascending. */
  readonly minutes: readonly (readonly [number, number])[];
  /**
   * Per long window (keyed by windowKey), when its smoothing bucket is next empty again: the "theoretical arrival
   * time" of the generic cell rate algorithm. Absent: the bucket is full.
   */
  readonly smooth?: Readonly<Record<string, number>>;
}

export const RECENT_CALLS_KEPT = 60;
const MINUTE_MS = 60_000;

export const EMPTY_CALL_LOG: CallLog = { recent: [], minutes: [] };

/**
 * A long window (the hour) is not only counted but spread: its calls pass a bucket of SMOOTH_BURST calls that
 * refills at (limit − 2 × SMOOTH_BURST) per window (see bucketOf). Counting alone would let a busy chat spend the hour's 1,800 calls
 * in its first quarter and then wait 45 minutes; spread, it waits about two seconds between calls and its
 * messages are grouped meanwhile. The bucket alone keeps the window within its limit; the count is a second check.
 */
export const SMOOTH_BURST = RECENT_CALLS_KEPT;

/** The windows counted per minute (their limit is more than the exact times kept) are the smoothed ones. */
function isLong(window: RateWindow): boolean {
  return window.limit > RECENT_CALLS_KEPT;
}

export function windowKey(window: RateWindow): string {
  return `${window.limit}/${window.windowMs}`;
}

/**
 * The smoothing bucket of a long window: one call per `intervalMs`, up to `toleranceMs` ahead of the clock. It
 * refills at (limit − 2 × burst) per window: one burst is what it may spend at once, the other leaves room for the
 * per-minute count, which counts a minute's calls as made at its end and would otherwise stop a busy chat for a
 * minute near the end of each hour.
 */
function bucketOf(window: RateWindow): { intervalMs: number; toleranceMs: number } {
  const intervalMs = window.windowMs / Math.max(1, window.limit - 2 * SMOOTH_BURST);
  return { intervalMs, toleranceMs: (SMOOTH_BURST - 1) * intervalMs };
}

function smoothedAfterCall(log: CallLog, at: number, windows: readonly RateWindow[]): Record<string, number> {
  const smooth: Record<string, number> = {};
  for (const window of windows.filter(isLong)) {
    const { intervalMs } = bucketOf(window);
    const key = windowKey(window);
    smooth[key] = Math.max(log.smooth?.[key] ?? at, at) + intervalMs;
  }
  return smooth;
}

function longestWindow(windows: readonly RateWindow[]): number {
  return windows.reduce((longest, window) => Math.max(longest, window.windowMs), 0);
}

/** The log with one more call at `at`, forgetting what no window can see any more. */
export function recordCall(log: CallLog, at: number, windows: readonly RateWindow[]): CallLog {
  const recent = [...log.recent, at].sort((a, b) => a - b).slice(-RECENT_CALLS_KEPT);
  const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const horizon = at - longestWindow(windows) - MINUTE_MS;
  const minutes = log.minutes
    .filter(([start]) => start >= horizon)
    .map(([start, count]) => [start, count] as const);
  const index = minutes.findIndex(([start]) => start === minute);
  if (index >= 0) minutes[index] = [minute, minutes[index]![1] + 1];
  else minutes.push([minute, 1]);
  minutes.sort((a, b) => a[0] - b[0]);
  const smooth = smoothedAfterCall(log, at, windows);
  return Object.keys(smooth).length > 0 ? { recent, minutes, smooth } : { recent, minutes };
}

/** When one window lets one more call go, counting the exact times it holds. */
function exactlyAllowedAt(recent: readonly number[], window: RateWindow): number {
  if (recent.length < window.limit) return -Infinity;
  return recent[recent.length - window.limit]! + window.windowMs;
}

/**
 * When one window lets one more call go, counting per minute: a minute's calls are taken to be at its end, so the
 * answer is never early.
 */
function minutesAllowedAt(minutes: CallLog['minutes'], window: RateWindow): number {
  let inWindow = minutes.reduce((sum, [, count]) => sum + count, 0);
  for (const [start, count] of minutes) {
    if (inWindow < window.limit) break;
    inWindow -= count;
    if (inWindow < window.limit) return start + MINUTE_MS + window.windowMs;
  }
  return -Infinity;
}

/** The earliest time, not before `now`, at which one more call keeps every window within its limit. */
export function nextCallAt(log: CallLog, windows: readonly RateWindow[], now: number): number {
  let at = now;
  for (const window of windows) {
    const allowed = isLong(window)
      ? Math.max(minutesAllowedAt(log.minutes, window), smoothAllowedAt(log, window))
      : exactlyAllowedAt(log.recent, window);
    at = Math.max(at, allowed);
  }
  return at;
}

function smoothAllowedAt(log: CallLog, window: RateWindow): number {
  const emptyAt = log.smooth?.[windowKey(window)];
  return emptyAt === undefined ? -Infinity : emptyAt - bucketOf(window).toleranceMs;
}

/**
 * Whether the budget is short at `now`: a short window is one call from full, or a long window's bucket is less
 * than half full. Then waiting messages are grouped (fewer, fuller cards) and the agent is told.
 */
export function isBudgetShort(log: CallLog, windows: readonly RateWindow[], now: number): boolean {
  return windows.some((window) => {
    if (!isLong(window)) {
      const inWindow = log.recent.filter((at) => at > now - window.windowMs).length;
      return inWindow >= window.limit - 1;
    }
    const emptyAt = log.smooth?.[windowKey(window)];
    if (emptyAt === undefined) return false;
    const { intervalMs } = bucketOf(window);
    const used = Math.max(0, emptyAt - now) / intervalMs;
    return used > SMOOTH_BURST / 2;
  });
}
