import type {
  AgentRepository,
  ContactDirectory,
  CustomerRepository,
  MessageLog,
  NoteLog,
  ConsultRepository,
  QueueRepository,
  QuickReplyRepository,
  UnitOfWork,
  VisitorNumbers,
  PositionNotices,
  AwayMarks,
  CsatSurveys,
  WorkItemRepository,
} from '../../app/repositories';
import { createAgentRepository } from './agent-repository';
import { createContactDirectory } from './contact-directory';
import { createCustomerRepository } from './customer-repository';
import { createMessageLog } from './message-log';
import { createNoteLog } from './notes';
import { createConsultRepository } from './consults';
import type { SqlDatabase } from './open-database';
import { createQueueRepository } from './queue-repository';
import { createQuickReplyRepository } from './quick-replies';
import { createVisitorNumbers } from './visitor-numbers';
import { createPositionNotices } from './position-notices';
import { createAwayMarks } from './away-marks';
import { createCsatSurveys } from './csat-surveys';
import { createWorkItemRepository } from './work-item-repository';

/** The repositories the desk's use cases run on, over one database. */
export interface DeskRepositories {
  readonly workItems: WorkItemRepository;
  readonly messages: MessageLog;
  readonly queue: QueueRepository;
  readonly agentRecords: AgentRepository;
  readonly customers: CustomerRepository;
  readonly contacts: ContactDirectory;
  readonly visitorNumbers: VisitorNumbers;
  readonly positionNotices: PositionNotices;
  readonly awayMarks: AwayMarks;
  readonly surveys: CsatSurveys;
  readonly quickReplies: QuickReplyRepository;
  readonly notes: NoteLog;
  readonly consults: ConsultRepository;
  readonly unitOfWork: UnitOfWork;
}

export function createDeskRepositories(database: SqlDatabase): DeskRepositories {
  return {
    workItems: createWorkItemRepository(database),
    messages: createMessageLog(database),
    queue: createQueueRepository(database),
    agentRecords: createAgentRepository(database),
    customers: createCustomerRepository(database),
    contacts: createContactDirectory(database),
    visitorNumbers: createVisitorNumbers(database),
    positionNotices: createPositionNotices(database),
    awayMarks: createAwayMarks(database),
    surveys: createCsatSurveys(database),
    quickReplies: createQuickReplyRepository(database),
    notes: createNoteLog(database),
    consults: createConsultRepository(database),
    unitOfWork: { run: (work) => database.transaction(() => work()) },
  };
}
