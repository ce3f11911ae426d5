import { z } from 'zod';

/** The CSV export's ?from=&to= : UTC days, both included, at most a leap year's worth. */

const DAY_MS = 86_400_000;
export const MAX_EXPORT_DAYS = 366;

const DAY_WORDING = 'must be a day as YYYY-MM-DD';

/** Midnight UTC of a real calendar day (2026-02-30 is none), or undefined. */
function utcMidnight(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const at = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text ? undefined : at;
}

const day = z.string({ error: DAY_WORDING }).refine((text) => utcMidnight(text) !== undefined, {
  error: DAY_WORDING,
});

export const ExportRangeQuery = z
  .strictObject({ from: day, to: day })
  .transform(({ from, to }) => ({
    from,
    to,
    fromMs: utcMidnight(from) ?? 0,
    // The day after `to`: the range is [from, to + 1 day).
    toMs: (utcMidnight(to) ?? 0) + DAY_MS,
  }))
  .refine((range) => range.toMs > range.fromMs, { error: 'must not be before "from"', path: ['to'] })
  .refine((range) => (range.toMs - range.fromMs) / DAY_MS <= MAX_EXPORT_DAYS, {
    error: `is more than ${MAX_EXPORT_DAYS} days after "from" (export a year at most at a time)`,
    path: ['to'],
  });

export type ExportRange = z.output<typeof ExportRangeQuery>;
