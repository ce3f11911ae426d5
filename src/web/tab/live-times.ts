import { h, type Props } from './dom';
import { formatCountdown, formatDuration, formatSince } from './format';

/** How a live time reads: "5 min ago", "5 min" (waiting), or "1:05" (left to answer). */
export type LiveTimeStyle = 'since' | 'waited' | 'countdown';

const FORMATS: Readonly<Record<LiveTimeStyle, (at: number, now: number) => string>> = {
  since: (at, now) => formatSince(at, now),
  waited: (at, now) => formatDuration(now - at),
  countdown: (at, now) => formatCountdown(at - now),
};

/** A <time> relative to `at`; refreshLiveTimes() keeps its words current as the clock moves. */
export function liveTime(at: number, style: LiveTimeStyle, now: number, props: Props = {}): HTMLTimeElement {
  return h(
    'time',
    { ...props, datetime: new Date(at).toISOString(), 'data-live-at': at, 'data-live-style': style },
    FORMATS[style](at, now),
  );
}

/** Brings every live time under `root` to `now`; a text is only written when its words change. */
export function refreshLiveTimes(root: ParentNode, now: number): void {
  for (const element of root.querySelectorAll<HTMLElement>('time[data-live-at]')) {
    const format = FORMATS[element.dataset['liveStyle'] as LiveTimeStyle];
    if (!format) continue;
    const text = format(Number(element.dataset['liveAt']), now);
    if (element.textContent !== text) element.textContent = text;
  }
}
