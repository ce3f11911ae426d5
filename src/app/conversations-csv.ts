import type { ConversationSummary } from './repositories';
import { closedReasonWords, isoSeconds } from './transcript-export';

/**
 * Conversations as CSV (RFC 4180: comma-separated, CRLF line ends, a field holding a comma, a quote or a line
 * break is quoted and its quotes doubled), one row each. Titles come from customers, so a field a spreadsheet
 * would take for a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe (OWASP's advice on CSV
 * injection).
 */

export const CSV_COLUMNS = [
  'id',
  'channel',
  'title',
  'agents',
  'created',
  'accepted',
  'ended',
  'wait s',
  'handle s',
  'outcome',
  'CSAT',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, with its CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * Accepted: when an agent took it from the queue, as the row keeps it (WorkItem.answered, since 0026; taken from
 * the queue again after a resume, the latest take). For a row written before 0026 it is inferred: the first line an
 * agent wrote is the first answer the customer had; an Active conversation no agent has written in yet went Active
 * at `stateChangedAt` (its accept, or its latest resume). Empty when none of these is known (never taken, or taken
 * before 0026 and ended without a word).
 */
export function acceptedAt(summary: ConversationSummary): number | undefined {
  if (summary.answered !== undefined) return summary.answered.at;
  const firstWritten = summary.writers.reduce<number | undefined>(
    (first, writer) => (first === undefined || writer.firstAt < first ? writer.firstAt : first),
    undefined,
  );
  const wentActive = summary.state === 'active' ? summary.stateChangedAt : undefined;
  if (firstWritten === undefined) return wentActive;
  return wentActive === undefined ? firstWritten : Math.min(firstWritten, wentActive);
}

/**
 * Ended: for a Closed conversation, when it closed (after a wrap-up, when the agent finished it or it timed out,
 * so the wrap-up counts in the handle time as it does in Omnichannel's); for one in Wrap-up, when it was ended.
 * Both are `stateChangedAt`, exact. Empty while it goes on.
 */
export function endedAt(summary: ConversationSummary): number | undefined {
  return summary.state === 'closed' || summary.state === 'wrap-up' ? summary.stateChangedAt : undefined;
}

const seconds = (from: number | undefined, to: number | undefined): string =>
  from === undefined || to === undefined || to < from ? '' : String(Math.round((to - from) / 1000));

const moment = (at: number | undefined): string => (at === undefined ? '' : isoSeconds(at));

/** Wait, in seconds: as kept with the take (from when the customer began waiting), else created to accepted. */
function waitSeconds(summary: ConversationSummary, accepted: number | undefined): string {
  if (summary.answered !== undefined) return String(Math.round(summary.answered.waitedMs / 1000));
  return seconds(summary.createdAt, accepted);
}

/** The columns of CSV_COLUMNS for one conversation; `names` gives each writer's name. */
export function conversationFields(
  summary: ConversationSummary,
  names: ReadonlyMap<string, string>,
): string[] {
  const accepted = acceptedAt(summary);
  const ended = endedAt(summary);
  const outcome =
    summary.outcome ?? (summary.closedReason !== undefined ? closedReasonWords(summary.closedReason) : '');
  return [
    summary.workItemId,
    summary.channelId,
    summary.title,
    summary.writers.map((writer) => names.get(writer.agentId) ?? writer.agentId).join('; '),
    moment(summary.createdAt),
    moment(accepted),
    moment(ended),
    waitSeconds(summary, accepted),
    seconds(accepted, ended),
    outcome,
    // CSAT: the customer's rating (1–5) when they answered the survey; empty when not asked or not answered.
    summary.csat !== undefined ? String(summary.csat) : '',
  ];
}
