/** Display texts the tab derives from the API's data; pure, so they are tested without a browser. */

// The chat cards' labels, so tab and chat name states and channels alike.
export { WORK_ITEM_STATE_LABELS, channelLabel } from '../../cards/format';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "2 d ago": how long a work item has been in its state. */
export function formatSince(since: number, now: number): string {
  const elapsed = Math.max(0, now - since);
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  return `${Math.floor(elapsed / DAY)} d ago`;
}

/** The time of a message in the agent's own time zone, e.g. "10:02". */
export function formatClock(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(at);
}

/** A day and time in the agent's own time zone, e.g. "Jan 5, 2026, 10:00 AM": when an earlier conversation was. */
export function formatDate(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(at);
}

/** The label of the burger button, which says what pressing it will do. */
export function panelToggleLabel(mode: 'expanded' | 'collapsed'): string {
  return mode === 'expanded' ? 'Collapse session panel' : 'Expand session panel';
}

/** "under 1 min", "4 min", "2 h", "3 d": how long someone has been waiting. */
export function formatDuration(ms: number): string {
  const elapsed = Math.max(0, ms);
  if (elapsed < MINUTE) return 'under 1 min';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h`;
  return `${Math.floor(elapsed / DAY)} d`;
}

/** "1:05": the time left to answer an offer, whole seconds rounded up, never below 0:00. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
