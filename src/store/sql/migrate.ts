import { Migrator, type Kysely, type Migration } from 'kysely';
import { initial } from './migrations/0001-initial';
import { documents } from './migrations/0002-documents';
import { queueOrder } from './migrations/0003-queue-order';
import { documentsToRows } from './migrations/0004-documents-to-rows';
import { agentsCustomers } from './migrations/0005-agents-customers';
import { agentCustomerDocuments } from './migrations/0006-agent-customer-documents';
import { edgeRows } from './migrations/0007-edge-rows';
import { agentTabs } from './migrations/0009-agent-tabs';
import { contactsAndCounter } from './migrations/0010-contacts-counter';
import { webchatArchive } from './migrations/0011-webchat-archive';
import { teamsBudget } from './migrations/0012-teams-budget';
import { outboxPriority } from './migrations/0013-outbox-priority';
import { outboxBatches } from './migrations/0014-outbox-batches';
import { quickReplies } from './migrations/0015-quick-replies';
import { teamwork } from './migrations/0016-teamwork';
import { wrapUp } from './migrations/0017-wrap-up';
import { consult } from './migrations/0018-consult';
import { inboundActivities } from './migrations/0019-inbound-activities';
import { positionNotices } from './migrations/0020-position-notices';
import { agentAway } from './migrations/0021-agent-away';
import { longWait } from './migrations/0022-long-wait';
import { createdIndex } from './migrations/0023-created-index';
import { answeredWaits } from './migrations/0026-answered-waits';
import { supervisorActions } from './migrations/0027-supervisor-actions';
import { csatSurveys } from './migrations/0028-csat-surveys';
import { returnedFromAway } from './migrations/0029-returned-from-away';
import { outboxBatchIndex } from './migrations/0030-outbox-batch-index';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';

/** Every migration, in order; names sort in that order. Written in code, so a build carries them. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-documents': documents,
  '0003-queue-order': queueOrder,
  '0004-documents-to-rows': documentsToRows,
  '0005-agents-customers': agentsCustomers,
  '0006-agent-customer-documents': agentCustomerDocuments,
  '0007-edge-rows': edgeRows,
  '0009-agent-tabs': agentTabs,
  '0010-contacts-counter': contactsAndCounter,
  '0011-webchat-archive': webchatArchive,
  '0012-teams-budget': teamsBudget,
  '0013-outbox-priority': outboxPriority,
  '0014-outbox-batches': outboxBatches,
  '0015-quick-replies': quickReplies,
  '0016-teamwork': teamwork,
  '0017-wrap-up': wrapUp,
  '0018-consult': consult,
  '0019-inbound-activities': inboundActivities,
  '0020-position-notices': positionNotices,
  '0021-agent-away': agentAway,
  '0022-long-wait': longWait,
  '0023-created-index': createdIndex,
  '0026-answered-waits': answeredWaits,
  '0027-supervisor-actions': supervisorActions,
  '0028-csat-surveys': csatSurveys,
  '0029-returned-from-away': returnedFromAway,
  '0030-outbox-batch-index': outboxBatchIndex,
};

/** Raised when a migration fails; every migration of that run is rolled back with it. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

async function runToLatest(
  db: Kysely<Database>,
  migrations: Readonly<Record<string, Migration>>,
  inTransactionAlready: boolean,
): Promise<readonly string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    disableTransactions: inTransactionAlready,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'the migrator';
    throw new MigrationError(`Migrating the database failed at ${failed}.`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/**
 * Brings the schema to the latest migration and returns the names of those it ran (none when it was already
 * there). All of it is one transaction, and instances starting together run each migration once: PostgreSQL's
 * migrator holds an advisory lock; on SQLite, whose migrator takes no lock, it runs inside a transaction begun
 * IMMEDIATE, so a second connection waits and then finds nothing left to do.
 */
export function migrateToLatest(
  database: SqlDatabase,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<readonly string[]> {
  return database.kind === 'sqlite'
    ? database.transaction((trx) => runToLatest(trx, migrations, true))
    : runToLatest(database.db, migrations, false);
}
