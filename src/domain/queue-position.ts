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

export function positionWording(position: number): string {
  return position <= 1 ? "You're next." : `You're number ${position} in the queue.`;
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
