/** How often the page asks for new activities while all is well. */
export const POLL_INTERVAL_MS = 1000;
const MAX_BACKOFF_MS = 15_000;

/**
 * The wait before the next poll: every second while polls succeed; after `failures` failed ones in a row 2 s,
 * 4 s, 8 s … at most 15 s, with ±20 % jitter so many pages do not come back at once.
 */
export function nextPollDelayMs(failures: number, random: () => number = Math.random): number {
  if (failures <= 0) return POLL_INTERVAL_MS;
  const base = Math.min(MAX_BACKOFF_MS, POLL_INTERVAL_MS * 2 ** failures);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface CounterState {
  /** Shown once the text is close to the limit (80 %), and always when over it. */
  readonly visible: boolean;
  readonly over: boolean;
  readonly text: string;
}

/** The character counter under the message box, counting as the desk does (UTF-16 units). */
export function counterState(length: number, max: number): CounterState {
  const over = length > max;
  const format = (n: number) => n.toLocaleString('en-US');
  return {
    visible: over || length >= Math.floor(max * 0.8),
    over,
    text: over
      ? `${format(length)} / ${format(max)} characters: ${format(length - max)} too many`
      : `${format(length)} / ${format(max)} characters`,
  };
}
