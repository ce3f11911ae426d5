import {
  closedWording,
  isOpenAt,
  localMoment,
  nextOpening,
  parseOperatingHours,
  type OperatingHours,
} from '../../src/domain/operating-hours';

function hours(text: string): OperatingHours {
  const parsed = parseOperatingHours(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const BERLIN = hours('Mon-Fri 09:00-17:00, Sat 10:00-14:00 @ Europe/Berlin');

describe('operating hours', () => {
  it('reads day ranges, single days and a time zone; UTC when none is named', () => {
    expect(BERLIN.timeZone).toBe('Europe/Berlin');
    expect(BERLIN.ranges).toHaveLength(6);
    expect(hours('Sun 00:00-24:00')).toEqual({ timeZone: 'UTC', ranges: [{ day: 6, from: 0, to: 1440 }] });
    expect(hours('Fri-Mon 20:00-23:00').ranges.map((range) => range.day)).toEqual([4, 5, 6, 0]);
  });

  it.each([
    ['Mon-Fri 9-17', /is not "Day\[-Day\] HH:MM-HH:MM"/],
    ['Moo 09:00-17:00', /names a day/],
    ['Mon 17:00-09:00', /not a range of times/],
    ['Mon 09:00-24:30', /not a range of times/],
    ['Mon 09:00-17:00 @ Mars/Olympus', /not a time zone/],
    ['Mon 09:00-17:00 @ UTC @ UTC', /more than one/],
  ])('refuses %s', (text, reason) => {
    expect(parseOperatingHours(text)).toMatch(reason);
  });

  it('reads the wall clock in the zone, summer time included', () => {
    // 2026-07-06 is a Monday; 07:30 UTC is 09:30 in Berlin (UTC+2 in summer).
    expect(localMoment(Date.UTC(2026, 6, 6, 7, 30), 'Europe/Berlin')).toEqual({ day: 0, minutes: 570 });
    // 2026-12-07 is a Monday; 07:30 UTC is 08:30 in Berlin (UTC+1 in winter).
    expect(localMoment(Date.UTC(2026, 11, 7, 7, 30), 'Europe/Berlin')).toEqual({ day: 0, minutes: 510 });
  });

  it('is open inside a range and closed at its end', () => {
    expect(isOpenAt(BERLIN, { day: 0, minutes: 9 * 60 })).toBe(true);
    expect(isOpenAt(BERLIN, { day: 0, minutes: 17 * 60 })).toBe(false);
    expect(isOpenAt(BERLIN, { day: 6, minutes: 12 * 60 })).toBe(false);
  });

  it('says when it opens: later today, another day, or next week', () => {
    expect(closedWording(BERLIN, { day: 0, minutes: 8 * 60 })).toBe(
      "We're closed now; we open at 09:00 (Europe/Berlin). Leave your message and we'll answer then.",
    );
    expect(closedWording(BERLIN, { day: 5, minutes: 15 * 60 })).toBe(
      "We're closed now; we open Monday at 09:00 (Europe/Berlin). Leave your message and we'll answer then.",
    );
    const mondays = hours('Mon 09:00-10:00');
    expect(nextOpening(mondays, { day: 0, minutes: 11 * 60 })).toEqual({
      day: 0,
      minutes: 540,
      daysAhead: 7,
    });
    expect(closedWording(mondays, { day: 0, minutes: 11 * 60 })).toContain(
      'we open next Monday at 09:00 (UTC)',
    );
  });
});
