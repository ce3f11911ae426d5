import type { WorkItemDocument } from '../../src/app/documents';
import type { StoredMessage } from '../../src/app/repositories';
import { migratedMemoryImage } from '../../src/store/create-storage';
import { createDeskRepositories, type DeskRepositories } from '../../src/store/sql/desk-repositories';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { fromEdgeRows } from './edge-rows';

/** The repositories a desk runs on. */
export type DeskTables = DeskRepositories;

/** Every line of a transcript: tests check whole histories, the desk itself only ever reads pages. */
const WHOLE_HISTORY = 1_000_000;

/** Wraps every method so it first waits for `ready` (the migrations), which lets a synchronous factory use it. */
function afterReady<T extends object>(ready: Promise<unknown>, target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            await ready;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          }
        : value;
  }
  return wrapped as T;
}

/**
 * The desk's tables in a SQLite database in memory, migrated before the first use: for use-case tests, which
 * build their desk synchronously. Each call is a database of its own.
 */
export function inMemoryDeskTables(): DeskTables & { readonly database: SqlDatabase } {
  const database = openDatabase({
    kind: 'sqlite',
    path: ':memory:',
    busyTimeoutMs: 0,
    startFrom: migratedMemoryImage,
  });
  const ready = migrateToLatest(database);
  const tables = createDeskRepositories(database);
  return {
    database,
    workItems: afterReady(ready, tables.workItems),
    messages: afterReady(ready, tables.messages),
    queue: afterReady(ready, tables.queue),
    agentRecords: afterReady(ready, tables.agentRecords),
    customers: afterReady(ready, tables.customers),
    contacts: afterReady(ready, tables.contacts),
    visitorNumbers: afterReady(ready, tables.visitorNumbers),
    quickReplies: afterReady(ready, tables.quickReplies),
    notes: afterReady(ready, tables.notes),
    consults: afterReady(ready, tables.consults),
    positionNotices: afterReady(ready, tables.positionNotices),
    awayMarks: afterReady(ready, tables.awayMarks),
    surveys: afterReady(ready, tables.surveys),
    unitOfWork: afterReady(ready, tables.unitOfWork),
  };
}

/** A work item with its whole transcript, as a test checks it. */
export type WorkItemWithTranscript = WorkItemDocument & { readonly transcript: readonly StoredMessage[] };

export async function workItemWithTranscript(
  tables: Pick<DeskTables, 'workItems' | 'messages'>,
  workItemId: string,
): Promise<WorkItemWithTranscript | undefined> {
  const doc = await tables.workItems.get(workItemId);
  if (!doc) return undefined;
  return { ...doc, transcript: await tables.messages.latest(workItemId, WHOLE_HISTORY) };
}

/** A queue with entries, or undefined: an empty queue is nothing stored. */
async function nonEmptyQueue(tables: DeskTables, workstream: string) {
  const queue = await tables.queue.get(workstream);
  return queue.entries.length > 0 ? queue : undefined;
}

/** A running desk's database. */
export interface StoredDesk {
  readonly database: SqlDatabase;
}

/** Which repository serves a key tests name things by, or undefined for a key kept at the edge. */
function fromTables(tables: DeskTables, key: string): (() => Promise<unknown>) | undefined {
  const [kind, ...rest] = key.split('/');
  const id = rest.join('/');
  if (kind === 'workitem') return () => workItemWithTranscript(tables, id);
  if (kind === 'queue') return () => nonEmptyQueue(tables, id);
  if (kind === 'agent') return () => tables.agentRecords.get(id);
  // `customer/prechat:<id>` is the pre-chat survey's state, not a customer.
  if (kind === 'customer' && !id.startsWith('prechat:')) return () => tables.customers.get(id);
  return undefined;
}

/**
 * What a desk holds under the keys tests name things by: `workitem/<id>` is the work item with its whole
 * transcript, `queue/<workstream>` the queue, `agent/<id>` an agent with their panel, `customer/<id>` a customer,
 * and the edge's rows (test/support/edge-rows.ts). Missing ones are left out; a key nothing stores throws.
 */
export async function readStored(
  desk: StoredDesk,
  keys: readonly string[],
): Promise<Record<string, unknown>> {
  const tables = createDeskRepositories(desk.database);
  const found: Record<string, unknown> = {};
  for (const key of keys) {
    const read = fromTables(tables, key) ?? fromEdgeRows(desk.database, key);
    if (!read) throw new Error(`Nothing in the desk's tables is named "${key}".`);
    const value = await read();
    if (value !== undefined) found[key] = value;
  }
  return found;
}
