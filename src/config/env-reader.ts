import type { z } from 'zod';

type Values = Readonly<Record<string, string | undefined>>;

// Their values must never reach a terminal or a log, even when they are wrong.
const SECRET_KEYS: ReadonlySet<string> = new Set(['CLIENT_SECRET', 'MicrosoftAppPassword', 'DATABASE_URL']);

export const wholeBetween = (min: number, max: number): string => `a whole number between ${min} and ${max}`;
export const listOf = (values: readonly string[]): string => `one of ${values.join(', ')}`;

/**
 * Reads keys of one environment and collects the problems, one line each naming the key. A bad value is
 * recorded and replaced by the fallback; checks that combine keys skip those found invalid (isValid).
 */
export class EnvReader {
  readonly errors: string[] = [];
  private readonly invalid = new Set<string>();

  constructor(private readonly env: Values) {}

  /** The trimmed value, or undefined when the key is unset or blank. */
  raw(key: string): string | undefined {
    const value = this.env[key]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  read<T>(key: string, schema: z.ZodType<T>, fallback: T, expected: string): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const shown = SECRET_KEYS.has(key) ? '(hidden value)' : JSON.stringify(value);
    this.errors.push(`${key}: ${shown} is not ${expected}`);
    this.invalid.add(key);
    return fallback;
  }

  isValid(...keys: readonly string[]): boolean {
    return keys.every((key) => !this.invalid.has(key));
  }

  error(line: string): void {
    this.errors.push(line);
  }

  /** Records a problem with a key's value found beyond its own schema; checks on that key then skip it. */
  reject(key: string, line: string): void {
    this.errors.push(line);
    this.invalid.add(key);
  }
}
