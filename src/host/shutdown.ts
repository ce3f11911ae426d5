import type { Logger } from '../app/ports';
import { settledWithin } from '../teams/within';

/** What a running desk closes, in this order. */
export interface ShutdownParts {
  readonly sweeper: { stop(): Promise<void> };
  /** The agent API's event streams: they end first, or the server would wait for them. */
  readonly agentApi: { close(): Promise<void> | void };
  /** Stops accepting, waits for the requests in flight up to the grace, then cuts them. */
  readonly http: { close(): Promise<void> };
  readonly outbox: { drain(): Promise<void>; pending(): Promise<number>; stop(): Promise<void> };
  /** The rest (tab presence, live events, the web chat channel, the store last), each run whatever the others did. */
  readonly afterwards: readonly (() => Promise<unknown> | undefined)[];
}

/**
 * A graceful stop: no new requests; the requests in flight (the turns) finish; the outbox sends what is due,
 * within what is left of `graceMs`; then everything closes, the store last. Sends still pending stay in the
 * store and go out after the next start. Logged at the start and the end, with what was left.
 */
export async function shutDown(parts: ShutdownParts, graceMs: number, logger: Logger): Promise<void> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  logger.info(
    { graceSeconds: graceMs / 1000 },
    'draining: no new requests; requests in flight and due sends get the grace period to finish',
  );
  try {
    await parts.sweeper.stop();
    await parts.agentApi.close();
    await parts.http.close();
    const requestsMs = elapsed();
    const drained =
      graceMs - requestsMs > 0 && (await settledWithin(parts.outbox.drain(), graceMs - requestsMs));
    const pending = await parts.outbox.pending().catch(() => undefined);
    const fields = { requestsMs, elapsedMs: elapsed(), outboxPending: pending };
    if (drained || pending === 0) logger.info(fields, 'drained');
    else logger.warn(fields, 'grace period over: the sends left are sent after the next start');
  } finally {
    await closeInTurn([() => parts.outbox.stop(), ...parts.afterwards]);
  }
}

/** Runs every step whatever the others did; rejects with the first failure once all have run. */
async function closeInTurn(steps: readonly (() => Promise<unknown> | undefined)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    await Promise.resolve(step()).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}
