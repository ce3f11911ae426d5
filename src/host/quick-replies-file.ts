import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../app/ports';
import { quickReplyFields, quickReplyProblem } from '../app/quick-reply-input';
import { QUICK_REPLY_LIMITS, type QuickReply } from '../domain/quick-replies';

/** A shared quick reply's id: what `/q` cards and the tab send back, so short and plain. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const SharedEntry = z.strictObject(
  {
    id: z
      .string({ error: '"id" must be a string' })
      .regex(ID, '"id" must be 1 to 64 letters, digits, - or _ (starting with a letter or digit)'),
    ...quickReplyFields,
  },
  { error: 'each entry must be an object: { "id", "title", "text", "tags"? }' },
);

/** Where in the file an entry is, as a person finds it: its number, and its id when it has one. */
function entryName(entry: unknown, index: number): string {
  const id =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' && id !== ''
    ? `entry ${index + 1} ("${id.slice(0, 64)}")`
    : `entry ${index + 1}`;
}

/**
 * Reads the team's shared quick replies (QUICK_REPLIES_FILE) once, at start: a JSON array of
 * `{ id, title, text, tags? }`. A missing file is only a warning (a deployment may have none, as for contacts);
 * anything else wrong stops the start with a message naming the file and the entry.
 */
export function loadQuickRepliesFile(path: string, logger: Logger): readonly QuickReply[] {
  if (!path) return [];
  const fail = (problem: string) => new Error(`QUICK_REPLIES_FILE: ${path}: ${problem}`);
  let textOfFile: string;
  try {
    textOfFile = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ path, reason }, 'shared quick replies not readable; agents have only their own');
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(textOfFile.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(raw)) throw fail('must hold a JSON array of quick replies');
  if (raw.length > QUICK_REPLY_LIMITS.shared) {
    throw fail(`holds ${raw.length} quick replies, more than ${QUICK_REPLY_LIMITS.shared}`);
  }
  const seen = new Map<string, number>();
  return raw.map((entry: unknown, index): QuickReply => {
    const parsed = SharedEntry.safeParse(entry);
    if (!parsed.success) {
      throw fail(
        `${entryName(entry, index)}: ${quickReplyProblem(parsed.error, 'id, title, text and tags')}`,
      );
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      throw fail(`${entryName(entry, index)}: the id is taken by entry ${earlier + 1} already`);
    }
    seen.set(parsed.data.id, index);
    return { ...parsed.data, scope: 'shared' };
  });
}
