import { z } from 'zod';
import type { RateWindow } from '../domain/call-budget';

/** Teams' published limits, as TEAMS_CONVERSATION_LIMITS and TEAMS_TENANT_LIMIT spell them. */
export const TEAMS_CONVERSATION_LIMITS_DEFAULT = '7/1s,8/2s,60/30s,1800/1h';
export const TEAMS_TENANT_LIMIT_DEFAULT = '50/1s';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const WINDOW = /^(\d{1,6})\/(\d{1,6})(ms|s|m|h)$/;

/** "7/1s": at most 7 calls in any second. */
export const rateWindow = z.string().transform((raw, ctx): RateWindow => {
  const match = WINDOW.exec(raw.trim());
  const limit = Number(match?.[1]);
  const windowMs = Number(match?.[2]) * (UNIT_MS[match?.[3] ?? ''] ?? Number.NaN);
  if (!match || limit < 1 || !(windowMs >= 100) || windowMs > 86_400_000) {
    ctx.issues.push({ code: 'custom', message: 'not a rate window', input: raw });
    return z.NEVER;
  }
  return { limit, windowMs };
});

export const rateWindows = z
  .string()
  .transform((raw) => raw.split(','))
  .pipe(z.array(rateWindow).min(1).max(8));

export const RATE_WINDOW_EXPECTED =
  'calls per window, as "7/1s" (units ms, s, m, h; a window of 100 ms to 24 h)';

export function parseDefault<T>(schema: z.ZodType<T>, raw: string): T {
  return schema.parse(raw);
}
