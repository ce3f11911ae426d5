/**
 * When the desk is open (OPERATING_HOURS): ranges of local times on days of the week, in one IANA time zone, e.g.
 * `Mon-Fri 09:00-17:00, Sat 10:00-14:00 @ Europe/Berlin`. Outside them a customer is told when it opens, and their
 * conversation waits in the queue. Pure: the local time is read with Intl from the instant and the zone.
 */

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  Mon: 'Monday',
  Tue: 'Tuesday',
  Wed: 'Wednesday',
  Thu: 'Thursday',
  Fri: 'Friday',
  Sat: 'Saturday',
  Sun: 'Sunday',
};

export interface OpenRange {
  /** Days of the week, 0 = Monday. */
  readonly day: number;
  /** Minutes after local midnight: from inclusive, to exclusive (1440 for midnight at the end of the day). */
  readonly from: number;
  readonly to: number;
}

export interface OperatingHours {
  readonly timeZone: string;
  readonly ranges: readonly OpenRange[];
}

/** A moment as the desk's clock on the wall shows it: day of the week (0 = Monday) and minutes after midnight. */
export interface LocalMoment {
  readonly day: number;
  readonly minutes: number;
}

const ENTRY = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

function dayIndex(name: string): number {
  return WEEKDAYS.findIndex((day) => day.toLowerCase() === name.toLowerCase());
}

function minutesOf(hours: string, minutes: string): number {
  return Number(hours) * 60 + Number(minutes);
}

/** Whether Intl knows the zone (Node's full ICU knows every IANA zone). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The hours the text describes, or why it does not read as hours. */
export function parseOperatingHours(text: string): OperatingHours | string {
  const [spec = '', zone = 'UTC', ...extra] = text.split('@').map((part) => part.trim());
  if (extra.length > 0) return 'more than one "@ time zone"';
  if (!isTimeZone(zone)) return `"${zone}" is not a time zone (an IANA name such as Europe/Berlin)`;
  const ranges: OpenRange[] = [];
  for (const entry of spec.split(',').map((part) => part.trim())) {
    const match = ENTRY.exec(entry);
    if (!match) return `"${entry}" is not "Day[-Day] HH:MM-HH:MM"`;
    const [, first = '', last, fromH = '', fromM = '', toH = '', toM = ''] = match;
    const start = dayIndex(first);
    const end = last === undefined ? start : dayIndex(last);
    if (start < 0 || end < 0) return `"${entry}" names a day that is not one of ${WEEKDAYS.join(', ')}`;
    const from = minutesOf(fromH, fromM);
    const to = minutesOf(toH, toM);
    if (Number(fromM) > 59 || Number(toM) > 59 || from >= to || to > 24 * 60) {
      return `"${entry}" is not a range of times within one day`;
    }
    for (let day = start; ; day = (day + 1) % 7) {
      ranges.push({ day, from, to });
      if (day === end) break;
    }
  }
  return { timeZone: zone, ranges };
}

/** The instant as the desk's wall clock shows it in the zone. */
export function localMoment(instant: number, timeZone: string): LocalMoment {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: dayIndex(part('weekday')), minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

export function isOpenAt(hours: OperatingHours, moment: LocalMoment): boolean {
  return hours.ranges.some(
    (range) => range.day === moment.day && moment.minutes >= range.from && moment.minutes < range.to,
  );
}

/** The next opening after `moment` (a week ahead at most): its day, time and days ahead; undefined with no ranges. */
export function nextOpening(
  hours: OperatingHours,
  moment: LocalMoment,
): (LocalMoment & { readonly daysAhead: number }) | undefined {
  for (let ahead = 0; ahead <= 7; ahead += 1) {
    const day = (moment.day + ahead) % 7;
    const starts = hours.ranges
      .filter((range) => range.day === day && (ahead > 0 || range.from > moment.minutes))
      .map((range) => range.from)
      .sort((a, b) => a - b);
    const first = starts[0];
    if (first !== undefined) return { day, minutes: first, daysAhead: ahead };
  }
  return undefined;
}

function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "We're closed now; we open at 09:00 (Europe/Berlin). …", naming the day when it is not today. */
export function closedWording(hours: OperatingHours, now: LocalMoment): string {
  const next = nextOpening(hours, now);
  const leave = "Leave your message and we'll answer then.";
  if (!next) return `We're closed now. ${leave}`;
  const name = DAY_NAMES[WEEKDAYS[next.day] ?? 'Mon'];
  const day = next.daysAhead === 0 ? '' : next.daysAhead === 7 ? `next ${name} ` : `${name} `;
  return `We're closed now; we open ${day}at ${clockText(next.minutes)} (${hours.timeZone}). ${leave}`;
}
