import { ratingText, type CsatAnswer } from '../domain/csat';
import type { ClosedReason, WorkItemState } from '../domain/work-item';
import { transcriptEntry } from '../shared/plain-text';

/** A conversation's transcript as a plain-text file, for an agent or a supervisor to keep: pure formatting. */

/** The most lines one export carries: the latest ones, the file saying what it leaves out. */
export const EXPORT_MAX_LINES = 10_000;

/** The longest message one line carries; the desk never takes more (MAX_TEXT_CHARS), older rows aside. */
export const EXPORT_MAX_MESSAGE_CHARS = 100_000;

export interface TranscriptExportLine {
  readonly at: number;
  /** The customer's title or the agent's name. */
  readonly sender: string;
  readonly text: string;
  /** An agent's line that never reached the customer. */
  readonly notDelivered?: boolean;
}

export interface TranscriptExport {
  readonly workItemId: string;
  readonly title: string;
  readonly channelId: string;
  readonly createdAt: number;
  readonly state: WorkItemState;
  readonly outcome?: string;
  readonly closedReason?: ClosedReason;
  /** Who worked on it: the agents who wrote in it, and the one who has it (or had it last). */
  readonly agents: readonly string[];
  /** Oldest first: the whole transcript, or its latest lines when it has more than an export carries. */
  readonly lines: readonly TranscriptExportLine[];
  /** How many lines the conversation has in all. */
  readonly total: number;
  readonly exportedAt: number;
  /** The survey asked at its End (absent when none was): its answer, once given. */
  readonly csat?: { readonly answer?: CsatAnswer };
}

const STATE_WORDS: Readonly<Record<WorkItemState, string>> = {
  open: 'Open (in the queue)',
  active: 'Active',
  waiting: 'Waiting',
  'wrap-up': 'Wrap-up',
  closed: 'Closed',
};

/** Keyed by string: a reason added later reads as its id until it has words here. */
const CLOSED_REASON_WORDS: Readonly<Record<string, string>> = {
  ended: 'Ended',
  expired: 'Expired while waiting',
  // Only a queued conversation closes so: its customer's chat ended before an agent answered (abandonWorkItem).
  'customer-left': 'Abandoned',
  'closed-by-team': 'Closed by a supervisor',
  'ended-by-customer': 'Ended by the customer',
  overflow: 'Closed unanswered (queue overflow)',
};

/** Why a conversation closed, in words, for when no outcome was picked (only a wrap-up picks one). */
export function closedReasonWords(reason: ClosedReason): string {
  return CLOSED_REASON_WORDS[reason] ?? reason;
}

/** 2026-12-06T10:00:05Z: ISO 8601 in UTC, to the second. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stateLine(t: TranscriptExport): string {
  const why = t.outcome ?? (t.closedReason !== undefined ? closedReasonWords(t.closedReason) : undefined);
  return `${STATE_WORDS[t.state]}${why !== undefined ? ` — ${why}` : ''}`;
}

function cut(text: string): string {
  if (text.length <= EXPORT_MAX_MESSAGE_CHARS) return text;
  const left = text.length - EXPORT_MAX_MESSAGE_CHARS;
  return `${text.slice(0, EXPORT_MAX_MESSAGE_CHARS)} [cut: ${left} more characters]`;
}

function entry(line: TranscriptExportLine): string {
  const text = line.text.trim() === '' ? '(empty message)' : cut(line.text);
  const marked = line.notDelivered ? `${text} [not delivered]` : text;
  return transcriptEntry(`${isoSeconds(line.at)}  ${oneLine(line.sender)}: `, marked);
}

/** A name or title on one header line: line breaks become spaces. */
function oneLine(text: string): string {
  return transcriptEntry('', text).replace(/\n\s*/g, ' ');
}

/** CSAT: the rating and when, and the comment on a line of its own (no line at all when nobody was asked). */
function csatLines(csat: TranscriptExport['csat']): string[] {
  if (!csat) return [];
  const { answer } = csat;
  if (!answer) return ['CSAT: asked, not answered'];
  return [
    `CSAT: ${ratingText(answer.rating)} (answered ${isoSeconds(answer.answeredAt)})`,
    ...(answer.comment !== undefined ? [`CSAT comment: ${oneLine(answer.comment)}`] : []),
  ];
}

export function transcriptText(t: TranscriptExport): string {
  const left = t.total - t.lines.length;
  const header = [
    'Relaydesk transcript',
    `Conversation: ${oneLine(t.title)}`,
    `Id: ${oneLine(t.workItemId)}`,
    `Channel: ${oneLine(t.channelId)}`,
    `Created: ${isoSeconds(t.createdAt)}`,
    `State: ${oneLine(stateLine(t))}`,
    `Agents: ${t.agents.length > 0 ? t.agents.map(oneLine).join(', ') : 'none'}`,
    ...csatLines(t.csat),
    `Exported: ${isoSeconds(t.exportedAt)}`,
    `Lines: ${t.total}`,
    ...(left > 0
      ? [`Cut: this file holds the latest ${t.lines.length} lines; the first ${left} are not in it.`]
      : []),
  ];
  const body = t.lines.length > 0 ? t.lines.map(entry) : ['(No messages.)'];
  return `${[...header, '', ...body].join('\n')}\n`;
}

/** relaydesk-transcript-visitor-1-2026-12-06.txt: the title as ASCII words, the day it was created (UTC). */
export function transcriptFileName(title: string, createdAt: number): string {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60)
    .replace(/-+$/, '');
  return `relaydesk-transcript-${words || 'conversation'}-${isoSeconds(createdAt).slice(0, 10)}.txt`;
}
