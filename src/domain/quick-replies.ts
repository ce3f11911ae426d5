import MiniSearch from 'minisearch';
import { DomainError } from './errors';

/**
 * Quick replies: canned answers an agent sends or inserts into a reply, from the team's shared set
 * (QUICK_REPLIES_FILE) or their own. Pure rules: placeholders, tags and search.
 */

/** The team's set (read from a file) or one agent's own (kept in the store). */
export type QuickReplyScope = 'shared' | 'own';

/** What an agent writes: the words, and the tags (without `#`) it is found by. */
export interface QuickReplyFields {
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

export interface QuickReply extends QuickReplyFields {
  readonly id: string;
  readonly scope: QuickReplyScope;
}

export const QUICK_REPLY_LIMITS = {
  titleChars: 80,
  textChars: 2000,
  tags: 8,
  tagChars: 32,
  /** Own quick replies per agent. */
  perAgent: 100,
  /** Entries of the shared file. */
  shared: 500,
} as const;

/** The placeholders filled at send, each written `{name}`. */
export const PLACEHOLDER_NAMES = ['customerName', 'agentName', 'caseTitle'] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];

/** What fills the placeholders of one session; an absent or blank value leaves its placeholder unfilled. */
export type PlaceholderValues = Readonly<Partial<Record<PlaceholderName, string>>>;

/** `{name}` where name is a word: `{ }`, `{order number}` or `{{` are plain text, never placeholders. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]{0,63})\}/g;

/** A tag: letters, digits, `-` and `_`. */
const TAG = /^[\p{L}\p{N}_-]+$/u;

export class QuickReplyNotFoundError extends DomainError {
  readonly code = 'quick-reply-not-found';

  constructor(readonly quickReplyId: string) {
    super('There is no such quick reply: it may have been deleted. Search again with /q.');
  }
}

/** The placeholder a name stands for, matched without regard to case ({CustomerName} is {customerName}). */
export function placeholderNamed(name: string): PlaceholderName | undefined {
  const lower = name.toLowerCase();
  return PLACEHOLDER_NAMES.find((known) => known.toLowerCase() === lower);
}

/** A quick reply's text for one session: the placeholders that could be filled are, the others stay as written. */
export interface FilledText {
  readonly text: string;
  /** The placeholders left as written (`{orderNumber}`, `{caseTitle}` with no case), first seen first, once each. */
  readonly unfilled: readonly string[];
}

export function fillPlaceholders(text: string, values: PlaceholderValues): FilledText {
  const unfilled: string[] = [];
  // One pass with a callback: a value that itself holds `{…}` is never read as a placeholder.
  const filled = text.replace(PLACEHOLDER, (written, name: string) => {
    const known = placeholderNamed(name);
    const value = known ? values[known]?.trim() : undefined;
    if (value) return value;
    if (!unfilled.includes(written)) unfilled.push(written);
    return written;
  });
  return { text: filled, unfilled };
}

/** The placeholders of a text that the desk does not know at all (`{orderNumber}`), once each. */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [written, name = ''] = match;
    if (!placeholderNamed(name) && !unknown.includes(written)) unknown.push(written);
  }
  return unknown;
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** Why a quick reply cannot be sent as it is, in a sentence or two an agent can act on. */
export function unfilledReason(unfilled: readonly string[]): string {
  const caseTitle = unfilled.filter((written) => placeholderNamed(written.slice(1, -1)) === 'caseTitle');
  const unknown = unfilled.filter((written) => !placeholderNamed(written.slice(1, -1)));
  const other = unfilled.filter((written) => !caseTitle.includes(written) && !unknown.includes(written));
  const known = listed(PLACEHOLDER_NAMES.map((name) => `{${name}}`));
  const reasons = [
    unknown.length > 0
      ? `${listed(unknown)} ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'} the desk fills (it fills ${known}).`
      : '',
    caseTitle.length > 0
      ? `${listed(caseTitle)} has nothing to fill it: no case is saved on this conversation.`
      : '',
    other.length > 0 ? `${listed(other)} has nothing to fill it in this conversation.` : '',
  ];
  return `${reasons.filter(Boolean).join(' ')} Use Insert into reply and fill it in yourself.`;
}

/** A tag as kept: without `#`, lower case, trimmed. */
export function normalizeTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').toLowerCase();
}

/** Why a tag is refused, or undefined for a good one (normalised first). */
export function tagProblem(tag: string): string | undefined {
  const normal = normalizeTag(tag);
  if (normal === '') return 'a tag cannot be empty';
  if (normal.length > QUICK_REPLY_LIMITS.tagChars) {
    return `the tag "${normal.slice(0, 40)}" is longer than ${QUICK_REPLY_LIMITS.tagChars} characters`;
  }
  if (!TAG.test(normal)) return `the tag "${normal.slice(0, 40)}" may hold only letters, digits, - and _`;
  return undefined;
}

/** Tags normalised, each once, in the order given. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag))];
}

/** A search as typed: `#tag` words narrow to the replies carrying those tags, the other words are searched. */
export interface QuickReplyQuery {
  readonly words: string;
  readonly tags: readonly string[];
}

export const MAX_QUERY_CHARS = 200;

export function parseQuickReplyQuery(query: string): QuickReplyQuery {
  const tokens = query.slice(0, MAX_QUERY_CHARS).trim().split(/\s+/).filter(Boolean);
  const tags = tokens.filter((token) => /^#+[^#]/.test(token)).map(normalizeTag);
  const words = tokens.filter((token) => !/^#/.test(token)).join(' ');
  return { words, tags: [...new Set(tags)] };
}

/** A reply carries a tag the query names: the same, or one that starts with it (`#bill` finds `billing`). */
function carriesTags(reply: QuickReply, tags: readonly string[]): boolean {
  return tags.every((wanted) => reply.tags.some((tag) => tag.startsWith(wanted)));
}

/** The agent's own before the team's, each kept in the order given (own A to Z, the team's as their file lists them). */
function ownFirst(a: QuickReply, b: QuickReply): number {
  return a.scope === b.scope ? 0 : a.scope === 'own' ? -1 : 1;
}

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower === '' ? null : lower;
}

/**
 * The best matches first, at most `limit`. Words are looked for in the title, the tags and the text (prefixes
 * and small typos count), all of them first and any of them when none has all; with no words, every reply
 * carrying the tags is listed, the agent's own first, then the team's in their file's order (its author put the
 * common ones first). Equal scores keep that order too.
 */
export function searchQuickReplies(
  replies: readonly QuickReply[],
  query: string,
  limit: number,
): QuickReply[] {
  const max = Math.max(0, Math.floor(limit));
  const { words, tags } = parseQuickReplyQuery(query);
  const candidates = replies.filter((reply) => carriesTags(reply, tags)).sort(ownFirst);
  if (words === '' || max === 0) return candidates.slice(0, max);
  const order = new Map(candidates.map((reply, index) => [index, reply]));
  const index = new MiniSearch<{ id: number; title: string; tags: string; text: string }>({
    fields: ['title', 'tags', 'text'],
    processTerm,
    searchOptions: {
      boost: { title: 3, tags: 2 },
      prefix: true,
      fuzzy: (term) => (term.length >= 4 ? 0.2 : 0),
      processTerm,
    },
  });
  index.addAll(
    candidates.map((reply, at) => ({
      id: at,
      title: reply.title,
      tags: reply.tags.join(' '),
      text: reply.text,
    })),
  );
  let found = index.search(words, { combineWith: 'AND' });
  if (found.length === 0) found = index.search(words, { combineWith: 'OR' });
  return found
    .sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id))
    .slice(0, max)
    .flatMap((result) => order.get(Number(result.id)) ?? []);
}
