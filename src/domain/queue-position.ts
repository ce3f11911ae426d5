/**
 * What a queued customer is told of their place in the queue, and when: on their first sweep in the queue, then
 * whenever their place changes, at most once every POSITION_NOTICE_INTERVAL_MS (Omnichannel's queue position is
 * updated "at intervals"), so a moving queue does not flood their chat.
 */

export const POSITION_NOTICE_INTERVAL_MS = 30_000;

export interface PositionTold {
  readonly position: number;
  readonly at: number;
  /** When they were told their wait is longer than usual (overflow with the `wait` action). */
  readonly longWaitToldAt?: number;
}

/** What the average wait is made of: the last hour's conversations agents took from the queue. */
export const AVERAGE_WAIT_WINDOW_MS = 3_600_000;
/** Omnichannel shows an average wait only once it rests on enough conversations, and only when it is long. */
export const AVERAGE_WAIT_MIN_ANSWERED = 20;
export const AVERAGE_WAIT_SHOWN_OVER_MS = 60_000;

export interface AnsweredWaits {
  /** Conversations agents took from the queue within the window. */
  readonly answered: number;
  /** Their customers' average wait until then (0 with none). */
  readonly averageWaitMs: number;
}

/** "Average wait about 4 minutes.", when it is over a minute and rests on at least 20 conversations; else nothing. */
export function averageWaitWording(waits: AnsweredWaits | undefined): string | undefined {
  if (!waits || waits.answered < AVERAGE_WAIT_MIN_ANSWERED) return undefined;
  if (waits.averageWaitMs <= AVERAGE_WAIT_SHOWN_OVER_MS) return undefined;
  const minutes = Math.max(1, Math.round(waits.averageWaitMs / 60_000));
  return `Average wait about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** The place, and behind anyone but the next the average wait when there is one to tell. */
export function positionWording(position: number, averageWait?: string): string {
  if (position <= 1) return "You're next.";
  const place = `You're number ${position} in the queue.`;
  return averageWait === undefined ? place : `${place} ${averageWait}`;
}

/** True when the customer is to be told `position` now, given what they were last told. */
export function isPositionToTell(
  last: PositionTold | undefined,
  position: number,
  now: number,
  intervalMs: number = POSITION_NOTICE_INTERVAL_MS,
): boolean {
  if (last === undefined) return true;
  return last.position !== position && now - last.at >= intervalMs;
}
