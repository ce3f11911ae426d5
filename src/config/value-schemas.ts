import { z } from 'zod';

/** Schemas of single values (numbers, flags, names, URLs), each read from one environment string. */

export const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Case-insensitive so `STORE=SQLite` or `MicrosoftAppType=singletenant` still work; yields the canonical spelling.
export const oneOf = <T extends string>(values: readonly T[]) =>
  z.string().transform((raw, ctx): T => {
    const match = values.find((value) => value.toLowerCase() === raw.toLowerCase());
    if (match !== undefined) return match;
    ctx.issues.push({ code: 'custom', message: 'not an allowed value', input: raw });
    return z.NEVER;
  });

export const hostName = z.string().regex(/^[A-Za-z0-9._:%-]+$/);

export const flag = z
  .string()
  .regex(/^(true|false)$/i)
  .transform((raw) => raw.toLowerCase() === 'true');

/** Whether HOST keeps the server on this machine: a loopback address or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

// A URL node-postgres reads (its host may also come from `?host=`, a socket folder); anything else is a typo.
export const postgresUrl = z.string().refine((raw) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
});

export const tokenClaim = z.string().regex(/^\S{1,500}$/);

export const httpUrlValue = z.string().refine((raw) => {
  try {
    const url = new URL(raw);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    );
  } catch {
    return false;
  }
});

export const guid = z.string().regex(/^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/);

// An http(s) origin, optionally with a path (a reverse proxy's prefix); no query, fragment or credentials.
export const publicBaseUrl = z.string().transform((raw, ctx): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'not a URL', input: raw });
    return z.NEVER;
  }
  const plain = url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !plain || /[?#]/.test(raw)) {
    ctx.issues.push({ code: 'custom', message: 'not a plain http(s) URL', input: raw });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
});
