import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import type { TableName } from '../../src/store/sql/schema';
import { createTestDatabase } from './postgres-server';

/** A migrated database on one backend, for the bot edge's stores (outbox, card slots, references, pre-chat). */
export interface EdgeDatabase {
  /** One more connection to the same database, as another instance of the desk would open. */
  connect(): SqlDatabase;
  /** Empties the edge's tables, so one database serves a whole describe block. */
  reset(): Promise<void>;
  /** Closes the connections made and removes the database. */
  dispose(): Promise<void>;
}

export interface EdgeBackend {
  readonly name: string;
  create(): Promise<EdgeDatabase>;
}

const EDGE_TABLES: readonly TableName[] = [
  'outbox_entries',
  'outbox_slot_versions',
  'outbox_recipients',
  'card_slots',
  'conversation_references',
  'prechat_states',
];

async function edgeDatabase(open: () => SqlDatabase, remove: () => Promise<void>): Promise<EdgeDatabase> {
  const opened: SqlDatabase[] = [];
  const connect = () => {
    const database = open();
    opened.push(database);
    return database;
  };
  const first = connect();
  await migrateToLatest(first);
  return {
    connect,
    reset: () =>
      first.transaction(async (trx) => {
        for (const table of EDGE_TABLES) await trx.deleteFrom(table).execute();
      }),
    dispose: async () => {
      for (const database of opened.splice(0)) await database.close();
      await remove();
    },
  };
}

const sqlite: EdgeBackend = {
  name: 'SQLite',
  create: () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaydesk-edge-'));
    const path = join(dir, 'desk.db');
    // Connections sharing this process must not busy-wait: that would block the thread holding the lock.
    return edgeDatabase(
      () => openDatabase({ kind: 'sqlite', path, busyTimeoutMs: 0 }),
      async () => rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const postgres: EdgeBackend = {
  name: 'PostgreSQL',
  create: async () => {
    const database = await createTestDatabase();
    return edgeDatabase(
      () => openDatabase({ kind: 'postgres', url: database.url, poolSize: 4 }),
      () => database.drop(),
    );
  },
};

/** Both backends the desk runs on: SQLite embedded, PostgreSQL for several instances. */
export const EDGE_BACKENDS: readonly EdgeBackend[] = [sqlite, postgres];
