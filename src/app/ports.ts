/** Ports the use cases and rules depend on; the edge supplies real ones, tests supply fakes. */

/** Wall-clock time in epoch milliseconds; tests move a fake one instead of sleeping. */
export interface Clock {
  now(): number;
}

/** Unique ids for new documents (work items, offers). */
export interface IdGenerator {
  next(): string;
}

/** A number in [0, 1); injected so jittered backoff and tie-breaks are reproducible in tests. */
export type Random = () => number;

export type LogFields = Record<string, unknown>;

/** Structured, levelled logging; `child` names a component. Implemented with pino at the edge. */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  child(bindings: LogFields): Logger;
}

/** Scores one customer message in [-1, 1] (negative … positive). */
export interface SentimentScorer {
  score(text: string): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A logger that drops everything, for tests and tools that do not care. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
