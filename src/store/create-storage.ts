import type { Storage } from 'botbuilder';
import { sql } from 'kysely';
import { silentLogger, type Logger } from '../app/ports';
import { DocumentStorage } from './sql/document-storage';
import { migrateToLatest } from './sql/migrate';
import { openDatabase, type DatabaseTarget, type SqlDatabase } from './sql/open-database';

export const storeKinds = ['sqlite', 'postgres', 'memory'] as const;

export type StoreKind = (typeof storeKinds)[number];

/** What opening the store needs; the validated Config has these very fields. */
export interface StoreSettings {
  readonly store: StoreKind;
  /** The SQLite file, used when store is 'sqlite'. */
  readonly sqlitePath: string;
  /** The PostgreSQL URL, required when store is 'postgres'. */
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
}

export interface StoreHandle {
  /** The one database of the desk, for the repositories on its tables. */
  readonly database: SqlDatabase;
  /** The documents not on tables of their own, behind botbuilder's Storage interface. */
  readonly storage: Storage;
  /**
   * Connects and brings the schema to the latest migration; resolves with the migrations it ran (none when it was
   * there already), rejects with why the database cannot be used. Call it before the first read or write.
   */
  ready(): Promise<readonly string[]>;
  /** Closes the database (the SQLite file, or the PostgreSQL pool); safe to call twice. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Told which migrations ran, and about PostgreSQL connections that fail while idle. */
  readonly logger?: Logger;
}

let memoryImage: Promise<Buffer> | undefined;

/**
 * The database every in-memory store starts as a copy of: an empty one migrated to the latest schema, once per
 * process. Tests and the bench open hundreds of desks: migrating each took about 100 ms, a copy well under one.
 */
export function migratedMemoryImage(): Promise<Buffer> {
  memoryImage ??= (async () => {
    const scratch = openDatabase({ kind: 'sqlite', path: ':memory:', busyTimeoutMs: 0 });
    try {
      await migrateToLatest(scratch);
      return scratch.snapshot!();
    } finally {
      await scratch.close();
    }
  })().catch((error: unknown) => {
    // The next store tries again.
    memoryImage = undefined;
    throw error;
  });
  return memoryImage;
}

/** Where the configured store lives; memory is SQLite in memory, so every kind runs the same SQL. */
export function databaseTarget(settings: StoreSettings, logger: Logger = silentLogger): DatabaseTarget {
  switch (settings.store) {
    case 'sqlite':
      return { kind: 'sqlite', path: settings.sqlitePath };
    case 'memory':
      return { kind: 'sqlite', path: ':memory:', startFrom: migratedMemoryImage };
    case 'postgres':
      if (settings.databaseUrl === '') {
        throw new Error('Store kind "postgres" needs DATABASE_URL');
      }
      return {
        kind: 'postgres',
        url: settings.databaseUrl,
        poolSize: settings.databasePoolSize,
        onIdleError: (error) =>
          logger.warn({ reason: error.message }, 'an idle PostgreSQL connection failed; it is replaced'),
      };
    default:
      // Config is validated upstream, but a cast string must still fail loudly.
      throw new Error(`Unknown store kind "${String(settings.store satisfies never)}"`);
  }
}

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof Reflect.get(error, 'message') === 'string'
    ? (Reflect.get(error, 'message') as string)
    : String(error);

/**
 * Why the store could not be opened, in one line: each error's message, then its cause's. Duck-typed, as errors from
 * Node's core can come from another realm (as under jest); a name whose every address refused is an AggregateError
 * without a message, so its errors speak for it.
 */
export function storeFailureReason(error: unknown): string {
  const reasons: string[] = [];
  for (let current: unknown = error, depth = 0; current != null && depth < 5; depth += 1) {
    const inner: unknown = typeof current === 'object' ? Reflect.get(current, 'errors') : undefined;
    const message = messageOf(current);
    if (message !== '') reasons.push(message);
    else if (Array.isArray(inner)) reasons.push(inner.map(messageOf).join('; '));
    current = typeof current === 'object' ? Reflect.get(current, 'cause') : undefined;
  }
  return reasons.join(': ');
}

/** Opens the configured database and the document storage on it; `ready()` connects and migrates. */
export function openStore(settings: StoreSettings, options: OpenStoreOptions = {}): StoreHandle {
  const logger = options.logger ?? silentLogger;
  const database = openDatabase(databaseTarget(settings, logger));
  const storage = new DocumentStorage(database);
  let readying: Promise<readonly string[]> | undefined;
  let closing: Promise<void> | undefined;

  const connectAndMigrate = async (): Promise<readonly string[]> => {
    // A query first, so an unreachable server is reported as such rather than as a failed migration.
    await sql`select 1`.execute(database.db);
    const ran = await migrateToLatest(database);
    if (ran.length > 0) {
      logger.info({ store: settings.store, migrations: ran }, `store migrated: ${ran.join(', ')}`);
    }
    return ran;
  };

  return {
    database,
    storage,
    ready: () => {
      readying ??= connectAndMigrate().catch((error: unknown) => {
        // A later call tries again (the server may be up by then).
        readying = undefined;
        throw error;
      });
      return readying;
    },
    close: () => {
      closing ??= database.close();
      return closing;
    },
  };
}
