import type { Storage, StoreItem } from 'botbuilder';
import {
  silentLogger,
  type DocumentStore,
  type Logger,
  type Random,
  type StoredDocument,
} from '../app/ports';

/** A document as read, with the eTag it was read at. */
export type Stored<T> = StoredDocument<T>;

/**
 * Decides a document's next value from its current one (undefined when missing).
 * Return a new object to write it; return `current` itself, or undefined, to leave the document as it is.
 * `current` is deep-frozen: mutating it in place would otherwise look like "no change" and be lost.
 */
export type Change<T> = (current: Readonly<T> | undefined) => T | undefined;

/** The eTag a create is written with; no backend ever issues it, so it only matches a missing document. */
export const ABSENT_ETAG = 'relaydesk:absent';

export interface StateStoreOptions {
  storage: Storage;
  logger?: Logger;
  /** Conflicts retried before giving up; the first attempt is not counted. */
  maxRetries?: number;
  random?: Random;
  delay?: (ms: number) => Promise<void>;
}

/** An update that kept losing the compare-and-swap race, maxRetries times in a row. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';

  constructor(
    readonly key: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`Gave up updating "${key}" after ${attempts} attempts: it kept changing underneath`, { cause });
  }
}

/** The backend failed a read or a write (disk full, file read-only or corrupt, service down): nothing was stored. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(
    readonly operation: 'read' | 'write' | 'delete',
    readonly key: string,
    cause: unknown,
  ) {
    super(
      `The store could not ${operation} "${key}": ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/**
 * SQLite's result codes, and PostgreSQL's SQLSTATE classes that mean the database could not do it now: connection
 * (08), transaction rollback (40), insufficient resources (53), operator intervention (57), system (58), internal (XX).
 */
const DATABASE_FAILURE = /^(SQLITE_|08|40|53|57|58|XX)/;

/** Names of the repositories' own "kept losing to other writers" errors. */
const CONTENDED = new Set(['VersionConflictError', 'QueueConflictError']);

function isDatabaseFailure(error: Error): boolean {
  const code: unknown = Reflect.get(error, 'code');
  return (typeof code === 'string' && DATABASE_FAILURE.test(code)) || CONTENDED.has(error.name);
}

/** Whether an error, or one it was caused by, says the store could not take a change (failing, or contended). */
export function isStoreFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth += 1) {
    if (current instanceof StoreUnavailableError || current instanceof ConflictError) return true;
    if (isDatabaseFailure(current)) return true;
    current = current.cause;
  }
  return false;
}

const DEFAULT_MAX_RETRIES = 20;
const BASE_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Backends word conflicts differently (MemoryStorage: "eTag conflict", blobs: 412), so match them all. */
export function isConflictError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { message, statusCode, code } = error as { message?: unknown; statusCode?: unknown; code?: unknown };
  if (
    [statusCode, code].some(
      (status) => status === 412 || status === 409 || status === '412' || status === '409',
    )
  ) {
    return true;
  }
  return typeof message === 'string' && /etag|precondition|conflict/i.test(message);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

function assertDocument(key: string, value: unknown): asserts value is object {
  const prototype: unknown =
    typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  // Only plain objects survive the JSON round trip every backend makes unchanged.
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`The document for "${key}" must be a plain object`);
  }
}

function toStored<T extends object>(key: string, item: StoreItem | undefined): Stored<T> | undefined {
  if (item === undefined || item === null) {
    return undefined;
  }
  const { eTag, ...value } = item;
  if (typeof eTag !== 'string' || eTag === '') {
    // Without an eTag there is no compare-and-swap, and silently writing last-wins would lose updates.
    throw new Error(
      `Storage returned "${key}" without an eTag; StateStore needs a backend that enforces eTags`,
    );
  }
  return { value: value as T, eTag };
}

/**
 * Typed documents on a botbuilder Storage. Every update is read → change → write with the read eTag,
 * retried on conflict; updates to one key are also queued in-process so they do not fight each other.
 */
export class StateStore implements DocumentStore {
  private readonly storage: Storage;
  private readonly logger: Logger;
  private readonly maxRetries: number;
  private readonly random: Random;
  private readonly delay: (ms: number) => Promise<void>;
  /** The tail of each key's queue; an entry lives only while work for that key is pending. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(options: StateStoreOptions) {
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError(`maxRetries must be a non-negative integer, got ${maxRetries}`);
    }
    this.storage = options.storage;
    this.logger = (options.logger ?? silentLogger).child({ component: 'state-store' });
    this.maxRetries = maxRetries;
    this.random = options.random ?? Math.random;
    this.delay = options.delay ?? sleep;
  }

  async get<T extends object>(key: string): Promise<Stored<T> | undefined> {
    const items = await this.read([key]);
    return toStored<T>(key, items[key] as StoreItem | undefined);
  }

  /** The documents that exist, in the order asked for. */
  async getMany<T extends object>(keys: readonly string[]): Promise<Map<string, Stored<T>>> {
    const found = new Map<string, Stored<T>>();
    if (keys.length === 0) {
      return found;
    }
    const items = await this.read(keys);
    for (const key of keys) {
      const stored = toStored<T>(key, items[key] as StoreItem | undefined);
      if (stored) {
        found.set(key, stored);
      }
    }
    return found;
  }

  /**
   * Applies `change` with compare-and-swap, re-reading and re-running it on every conflict.
   * Resolves to the document as this update left it (undefined if it is still missing).
   * A throwing `change` aborts the update with nothing written.
   */
  update<T extends object>(key: string, change: Change<T>): Promise<T | undefined> {
    return this.serialise(key, () => this.compareAndSwap(key, change));
  }

  /** Not compare-and-swap (Storage.delete takes no eTag): meant for documents nobody updates any more. */
  delete(key: string): Promise<void> {
    return this.serialise(key, async () => {
      try {
        await this.storage.delete([key]);
      } catch (error) {
        throw new StoreUnavailableError('delete', key, error);
      }
    });
  }

  private async read(keys: readonly string[]): Promise<Record<string, unknown>> {
    try {
      return await this.storage.read([...keys]);
    } catch (error) {
      throw new StoreUnavailableError('read', keys.join(', ').slice(0, 200), error);
    }
  }

  /** Keys with queued or running work; zero when idle. */
  pendingKeyCount(): number {
    return this.tails.size;
  }

  private async compareAndSwap<T extends object>(key: string, change: Change<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.get<T>(key);
      const currentValue = current === undefined ? undefined : deepFreeze(current.value);
      const next = change(currentValue);
      if (next === undefined || next === currentValue) {
        return currentValue;
      }
      assertDocument(key, next);
      // A create carries ABSENT_ETAG, so if another process created the document meanwhile it conflicts.
      const eTag = current?.eTag ?? ABSENT_ETAG;
      try {
        await this.storage.write({ [key]: { ...next, eTag } });
        return next;
      } catch (error) {
        if (!isConflictError(error)) {
          throw new StoreUnavailableError('write', key, error);
        }
        if (attempt > this.maxRetries) {
          this.logger.warn({ key, attempts: attempt }, 'update gave up after repeated eTag conflicts');
          throw new ConflictError(key, attempt, error);
        }
        this.logger.debug({ key, attempt }, 'eTag conflict, retrying update');
        await this.delay(this.backoffMs(attempt));
      }
    }
  }

  /** Full jitter over an exponential ceiling: 2, 4, 8 … ms, capped at 50 ms. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
    return Math.round(this.random() * ceiling);
  }

  private async serialise<R>(key: string, work: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(work);
    // The tail never rejects, so one failed update does not poison the key's queue.
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }
}
