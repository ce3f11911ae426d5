import type { DraftChange } from '../agent-api';
import type { KeptDrafts } from './draft-saver';

const KEY = 'relaydesk.unsavedDrafts';
/** Sessions and characters kept at most: a stored value beyond these is not one this page wrote. */
const MAX_SESSIONS = 50;
const MAX_CHARS = 100_000;

/** What is used of the browser's sessionStorage (a map in tests, which run in Node). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_CHARS;

function changeOf(value: unknown): DraftChange | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { reply, caseFields } = value as Record<string, unknown>;
  const fields =
    typeof caseFields === 'object' && caseFields !== null
      ? Object.fromEntries(
          Object.entries(caseFields).filter((entry): entry is [string, string] => isText(entry[1])),
        )
      : undefined;
  const change = { ...(isText(reply) ? { reply } : {}), ...(fields ? { caseFields: fields } : {}) };
  return change.reply !== undefined || change.caseFields !== undefined ? change : undefined;
}

/**
 * Unsaved drafts in the tab's sessionStorage (one browser tab's own, kept across a reload): whatever it holds is
 * checked before use, and a storage that fails (full, unavailable) only means nothing is kept.
 */
export function sessionKeptDrafts(storage: DraftStorage | undefined): KeptDrafts {
  return {
    load() {
      const kept = new Map<string, DraftChange>();
      try {
        const raw = storage?.getItem(KEY);
        const parsed: unknown = raw && raw.length <= MAX_CHARS * 2 ? JSON.parse(raw) : undefined;
        if (typeof parsed !== 'object' || parsed === null) return kept;
        for (const [sessionId, value] of Object.entries(parsed).slice(0, MAX_SESSIONS)) {
          const change = changeOf(value);
          if (change && sessionId.length <= 200) kept.set(sessionId, change);
        }
      } catch {
        // Not JSON: nothing kept.
      }
      return kept;
    },
    store(unsaved) {
      try {
        if (unsaved.size === 0) storage?.removeItem(KEY);
        else storage?.setItem(KEY, JSON.stringify(Object.fromEntries(unsaved)));
      } catch {
        // Full or unavailable: the drafts are still saved to the server as usual.
      }
    },
  };
}
