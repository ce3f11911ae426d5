import { transcriptEntry } from '../../shared/plain-text';
import { senderOf, type Entry } from './transcript';

/**
 * "Download transcript": the conversation as the page shows it, as a text file the customer keeps. Only the current
 * conversation: the greyed lines of one the customer left are another conversation (another id, ended), and a file
 * headed with one conversation must not hold two. Places in the queue are left out too (a passing status, most of
 * them replaced already), as are the page's own notes ("This chat has ended…"): what is kept is what was said.
 */

/** The browser's clock as the customer reads it: local time, with its offset from UTC named once in the header. */
export interface LocalTime {
  /** 2026-12-06 14:05:09 */
  stamp(date: Date): string;
  /** UTC+01:00 */
  zone(date: Date): string;
}

const pad2 = (value: number) => String(value).padStart(2, '0');

const localDay = (date: Date) => `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;

export const BROWSER_TIME: LocalTime = {
  stamp: (date) =>
    `${localDay(date)} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`,
  zone: (date) => {
    const offset = -date.getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    return `UTC${sign}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  },
};

export interface TranscriptFile {
  readonly fileName: string;
  readonly text: string;
}

/** The lines a transcript keeps: what the customer and the desk said in this conversation. */
export function keptEntries(entries: readonly Entry[]): Entry[] {
  return entries.filter(
    (entry) => !entry.archived && entry.author !== 'system' && entry.kind !== 'position' && !entry.superseded,
  );
}

function line(entry: Entry, time: LocalTime): string {
  const at = entry.timestamp !== undefined ? new Date(entry.timestamp) : undefined;
  const when = at && !Number.isNaN(at.getTime()) ? time.stamp(at) : '(time unknown)';
  const unsent = entry.author === 'customer' && entry.state !== 'sent' ? ' [not sent]' : '';
  return transcriptEntry(`[${when}] ${senderOf(entry)}: `, `${entry.text}${unsent}`);
}

/** The file, or undefined while there is nothing to keep. */
export function transcriptFile(
  entries: readonly Entry[],
  context: { readonly conversationId: string | undefined; readonly now: Date; readonly time?: LocalTime },
): TranscriptFile | undefined {
  const kept = keptEntries(entries);
  if (kept.length === 0) return undefined;
  const time = context.time ?? BROWSER_TIME;
  const header = [
    'Chat transcript — Relaydesk',
    ...(context.conversationId !== undefined ? [`Conversation: ${context.conversationId}`] : []),
    `Saved: ${time.stamp(context.now)} (${time.zone(context.now)}; the times below are in this zone)`,
  ];
  const text = `${[...header, '', ...kept.map((entry) => line(entry, time))].join('\n')}\n`;
  return { fileName: `relaydesk-chat-${time.stamp(context.now).slice(0, 10)}.txt`, text };
}
