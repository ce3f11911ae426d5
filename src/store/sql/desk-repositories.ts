import type { MessageLog, QueueRepository, WorkItemRepository } from '../../app/repositories';
import { createMessageLog } from './message-log';
import type { SqlDatabase } from './open-database';
import { createQueueRepository } from './queue-repository';
import { createWorkItemRepository } from './work-item-repository';

/** The repositories the desk's use cases run on, over one database. */
export interface DeskRepositories {
  readonly workItems: WorkItemRepository;
  readonly messages: MessageLog;
  readonly queue: QueueRepository;
}

export function createDeskRepositories(database: SqlDatabase): DeskRepositories {
  return {
    workItems: createWorkItemRepository(database),
    messages: createMessageLog(database),
    queue: createQueueRepository(database),
  };
}
