import type { LogFields, Logger, Random } from '../app/ports';

/** How outbound sends are retried. */
export interface RetryOptions {
  /** Attempts in all, the first one included. */
  readonly maxAttempts?: number;
  /** The first backoff; each later one doubles, with jitter. */
  readonly baseDelayMs?: number;
  /** No wait is longer, not even one a Retry-After header asks for. */
  readonly maxDelayMs?: number;
  /** Injected so tests do not sleep; a delay may end early when the signal aborts (abort is also honoured without it). */
  readonly delay?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: Random;
  /** Wall-clock time, to read a Retry-After given as an HTTP date. */
  readonly now?: () => number;
}

export interface SendFailure {
  readonly retryable: boolean;
  readonly status?: number;
  /** From a Retry-After header, when the answer carried one. */
  readonly retryAfterMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;

/** Transport failures worth another try: the request may never have reached the connector. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A timer that an abort clears, so a stopped sender leaves no timer behind. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The HTTP status a Bot Connector call failed with, as the connector client reports it. */
export function statusOfSendError(error: unknown): number | undefined {
  const err = record(error);
  const candidates = [err?.['statusCode'], err?.['status'], record(err?.['response'])?.['status']];
  return candidates.find((value): value is number => typeof value === 'number');
}

function headerOf(error: unknown, name: string): string | undefined {
  const headers = record(record(error)?.['response'])?.['headers'];
  if (headers === undefined || headers === null) return undefined;
  const getter = record(headers)?.['get'];
  const value: unknown =
    typeof getter === 'function'
      ? (getter as (key: string) => unknown).call(headers, name)
      : record(headers)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 3; depth += 1) {
    const code = record(current)?.['code'];
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    current = record(current)?.['cause'];
  }
  return false;
}

/** Only throttling (429), server errors (5xx) and network failures are retried; a 4xx will not get better. */
export function classifySendError(error: unknown, now: number = Date.now()): SendFailure {
  const status = statusOfSendError(error);
  if (status === 429 || (status !== undefined && status >= 500)) {
    const retryAfterMs = parseRetryAfter(headerOf(error, 'retry-after'), now);
    return { retryable: true, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status !== undefined) return { retryable: false, status };
  return { retryable: isNetworkError(error) };
}

/**
 * Runs one logical send, retrying it with exponential backoff (full jitter over the upper half) and honouring
 * Retry-After. The caller keeps the payload, with its stable relaydeskId, the same on every attempt.
 */
export class Delivery {
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly delay: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: Random;
  private readonly now: () => number;

  constructor(options: RetryOptions & { logger: Logger }) {
    this.logger = options.logger;
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
    this.baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.delay = options.delay ?? sleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** The attempts one send gets before send() gives up and rethrows. */
  get attempts(): number {
    return this.maxAttempts;
  }

  /**
   * With a `signal`, an abort ends the send between attempts (also during a wait) by throwing the signal's
   * reason; an attempt already under way is not interrupted.
   */
  async send<T>(
    fields: LogFields,
    attempt: () => Promise<T>,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const { signal } = options;
    for (let number = 1; ; number += 1) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (error) {
        const failure = classifySendError(error, this.now());
        if (!failure.retryable || number >= this.maxAttempts) throw error;
        const waitMs = Math.min(this.maxDelayMs, failure.retryAfterMs ?? this.backoffMs(number));
        this.logger.warn(
          { ...fields, attempt: number, status: failure.status, waitMs, reason: messageOf(error) },
          'send failed, retrying',
        );
        await abortable(this.delay(waitMs, signal), signal);
      }
    }
  }

  private backoffMs(attempt: number): number {
    const ceiling = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

/** `wait`, cut short by the signal: it then rejects with the signal's reason. */
function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    // Settles as `wait` does (unless aborted first); the listener goes either way.
    void wait.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
