import { findSession } from '../domain/agent-sessions';
import { displayName } from '../domain/agent-directory';
import { workItemIdOfSession } from './case-sessions';
import { conversationFields, csvRecord, CSV_COLUMNS } from './conversations-csv';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import type { CreatedCursor, StoredMessage } from './repositories';
import { requireSupervisor } from './supervision';
import {
  EXPORT_MAX_LINES,
  transcriptFileName,
  transcriptText,
  type TranscriptExportLine,
} from './transcript-export';

/** What exporting reads: the panel (whose session it is), the work items, their transcripts and the staff's names. */
export type ExportPorts = Pick<
  DeskPorts,
  'agentRecords' | 'workItems' | 'messages' | 'settings' | 'clock' | 'logger' | 'surveys'
>;

export interface ExportFile {
  readonly fileName: string;
  readonly text: string;
}

/** Lines read per query: a page, never the whole history at once. */
const LINES_PER_PAGE = 500;
/** Conversations read per query for the CSV. */
export const CONVERSATIONS_PER_PAGE = 500;

/** The latest `maxLines` lines of a transcript, oldest first, read back a page at a time; `total` counts them all. */
export async function readTranscriptLines(
  deps: Pick<DeskPorts, 'messages'>,
  workItemId: string,
  maxLines = EXPORT_MAX_LINES,
): Promise<{ readonly lines: StoredMessage[]; readonly total: number }> {
  const pages: StoredMessage[][] = [];
  let count = 0;
  let page = await deps.messages.latest(workItemId, Math.min(LINES_PER_PAGE, maxLines));
  // Lines are numbered 1, 2, 3 … in each conversation: the latest one's number is how many it has.
  const total = page.at(-1)?.seq ?? 0;
  while (page.length > 0) {
    pages.unshift(page);
    count += page.length;
    const first = page[0]?.seq ?? 1;
    if (first <= 1 || count >= maxLines) break;
    page = await deps.messages.before(workItemId, first, Math.min(LINES_PER_PAGE, maxLines - count));
  }
  return { lines: pages.flat(), total };
}

/** Members of staff's names as colleagues read them: given by them or Teams, else AGENT_NAMES, never an id. */
async function staffNames(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  agentIds: Iterable<string>,
): Promise<Map<string, string>> {
  const ids = [...new Set(agentIds)];
  const records = await deps.agentRecords.getMany(ids);
  return new Map(
    ids.map((id) => {
      const configured = deps.settings.agentNames?.get(id);
      return [id, displayName(records.get(id)?.name, { id, ...(configured ? { name: configured } : {}) })];
    }),
  );
}

/** The transcript of a conversation as a text file. */
async function transcriptFile(
  deps: ExportPorts,
  doc: WorkItemDocument,
  maxLines: number,
): Promise<ExportFile> {
  const { item } = doc;
  const [{ lines, total }, survey] = await Promise.all([
    readTranscriptLines(deps, item.id, maxLines),
    deps.surveys.get(item.id),
  ]);
  const holder = item.assignedAgentId ?? item.lastAgentId;
  const writers = lines.flatMap((line) => (line.from === 'agent' && line.agentId ? [line.agentId] : []));
  const names = await staffNames(deps, [...writers, ...(holder !== undefined ? [holder] : [])]);
  const exported: TranscriptExportLine[] = lines.map((line) => ({
    at: line.at,
    sender: line.from === 'agent' && line.agentId ? (names.get(line.agentId) ?? line.agentId) : item.title,
    text: line.text,
    ...(line.delivery === 'not-delivered' ? { notDelivered: true } : {}),
  }));
  const text = transcriptText({
    workItemId: item.id,
    title: item.title,
    channelId: item.channelId,
    createdAt: item.createdAt,
    state: item.state,
    ...(item.outcome !== undefined ? { outcome: item.outcome } : {}),
    ...(item.closedReason !== undefined ? { closedReason: item.closedReason } : {}),
    agents: [...names.values()],
    lines: exported,
    total,
    exportedAt: deps.clock.now(),
    ...(survey ? { csat: survey.answer ? { answer: survey.answer } : {} } : {}),
  });
  return { fileName: transcriptFileName(item.title, item.createdAt), text };
}

/**
 * An agent's export of one of their sessions' transcripts, read as GET …/sessions/:sessionId reads the session:
 * undefined for a session not on their panel, or a conversation another agent holds now (a consultant's aside).
 */
export async function agentTranscript(
  deps: ExportPorts,
  agentId: string,
  sessionId: string,
  maxLines = EXPORT_MAX_LINES,
): Promise<ExportFile | undefined> {
  const agent = await deps.agentRecords.get(agentId);
  const session = agent ? findSession(agent.panel, sessionId) : undefined;
  const workItemId = session ? workItemIdOfSession(session) : undefined;
  const doc = workItemId ? await deps.workItems.get(workItemId) : undefined;
  if (!session || !doc) return undefined;
  const { item } = doc;
  if (item.state === 'active' && item.assignedAgentId !== agentId && session.consult === undefined) {
    return undefined;
  }
  return transcriptFile(deps, doc, maxLines);
}

/** A supervisor's export of any conversation's transcript; undefined when there is none with that id. */
export async function supervisorTranscript(
  deps: ExportPorts,
  supervisorId: string,
  workItemId: string,
  maxLines = EXPORT_MAX_LINES,
): Promise<ExportFile | undefined> {
  requireSupervisor(deps, supervisorId);
  const doc = await deps.workItems.get(workItemId);
  return doc ? transcriptFile(deps, doc, maxLines) : undefined;
}

/**
 * The workstream's conversations created in [from, to) as CSV, a chunk per page read: the header and the first
 * page first (so a store that fails says so before anything is sent), then a page at a time.
 */
export async function* conversationsCsv(
  deps: ExportPorts,
  supervisorId: string,
  range: { readonly from: number; readonly to: number },
  pageSize = CONVERSATIONS_PER_PAGE,
): AsyncGenerator<string, void, undefined> {
  requireSupervisor(deps, supervisorId);
  const workstream = deps.settings.workstream.name;
  let chunk = csvRecord(CSV_COLUMNS);
  let after: CreatedCursor | undefined;
  for (;;) {
    const page = await deps.workItems.createdBetween(workstream, range, after, pageSize);
    const names = await staffNames(
      deps,
      page.flatMap((summary) => summary.writers.map((writer) => writer.agentId)),
    );
    chunk += page.map((summary) => csvRecord(conversationFields(summary, names))).join('');
    yield chunk;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = { createdAt: last.createdAt, workItemId: last.workItemId };
    chunk = '';
  }
}
