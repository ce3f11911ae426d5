import { silentLogger } from '../../src/app/ports';
import { Delivery, classifySendError, parseRetryAfter } from '../../src/teams/delivery';

function httpError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP ${status}`), {
    statusCode: status,
    response: { status, headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

describe('Retry-After', () => {
  const now = Date.UTC(2026, 0, 5, 10, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter(new Date(now + 4000).toUTCString(), now)).toBe(4000);
    expect(parseRetryAfter(new Date(now - 4000).toUTCString(), now)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('which send failures are retried', () => {
  it('retries throttling and server errors, with the Retry-After they carry', () => {
    expect(classifySendError(httpError(429, { 'retry-after': '2' }))).toEqual({
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
    expect(classifySendError(httpError(500))).toEqual({ retryable: true, status: 500 });
    expect(classifySendError(httpError(503))).toEqual({ retryable: true, status: 503 });
  });

  it('does not retry client errors', () => {
    for (const status of [400, 401, 403, 404, 412]) {
      expect(classifySendError(httpError(status))).toEqual({ retryable: false, status });
    }
  });

  it('retries network failures, also when wrapped, and nothing else', () => {
    expect(classifySendError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).retryable).toBe(
      true,
    );
    const wrapped = new Error('send failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(classifySendError(wrapped).retryable).toBe(true);
    expect(classifySendError(new TypeError('a bug')).retryable).toBe(false);
    expect(classifySendError('a string').retryable).toBe(false);
  });
});

describe('Delivery', () => {
  function delivery(options: { maxAttempts?: number; maxDelayMs?: number } = {}) {
    const delays: number[] = [];
    const sender = new Delivery({
      logger: silentLogger,
      delay: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
      baseDelayMs: 100,
      ...options,
    });
    return { sender, delays };
  }

  it('returns the first success without waiting', async () => {
    const { sender, delays } = delivery();
    await expect(sender.send({}, async () => 'sent')).resolves.toBe('sent');
    expect(delays).toEqual([]);
  });

  it('backs off exponentially between attempts and stops at the bound, rethrowing the last error', async () => {
    const { sender, delays } = delivery({ maxAttempts: 4 });
    let attempts = 0;
    await expect(
      sender.send({}, async () => {
        attempts += 1;
        throw httpError(502);
      }),
    ).rejects.toThrow('HTTP 502');
    expect(attempts).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('never waits longer than maxDelayMs, even when Retry-After asks for it', async () => {
    const { sender, delays } = delivery({ maxDelayMs: 5000 });
    let attempts = 0;
    await sender.send({}, async () => {
      attempts += 1;
      if (attempts === 1) throw httpError(429, { 'retry-after': '3600' });
      return 'ok';
    });
    expect(delays).toEqual([5000]);
  });
});
