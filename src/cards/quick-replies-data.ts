import type { QuickRepliesView, QuickReplyHit } from '../app/views';
import { escapeCardText as text, stripControlCharacters } from './escape';

/** One match on the `/q` card. Strings are escaped (a quick reply's words are shown, never read as markdown). */
export interface QuickReplyRowData {
  readonly id: string;
  readonly title: string;
  /** "Yours" or "Team", then the tags: `Team · #billing #refund`. */
  readonly details: string;
  /** The text as it would go, placeholders filled. */
  readonly text: string;
  /** A session to act on, and nothing left unfilled. */
  readonly canSend: boolean;
  readonly canInsert: boolean;
  readonly hasUnfilledNote: boolean;
  readonly unfilledNote: string;
}

export interface QuickRepliesCardData {
  /** The session Send and Insert act on ('' with Home focused, when the card only lists). */
  readonly sessionId: string;
  readonly heading: string;
  readonly showHomeHint: boolean;
  readonly results: readonly QuickReplyRowData[];
  readonly showNoResults: boolean;
  readonly noResults: string;
  readonly showListHint: boolean;
  /** After Insert into reply: a reply box holding the draft. */
  readonly inserted: boolean;
  readonly insertedText: string;
  readonly draft: string;
}

function rowData(hit: QuickReplyHit, sessionId: string | undefined): QuickReplyRowData {
  const scope = hit.scope === 'own' ? 'Yours' : 'Team';
  const tags = hit.tags.map((tag) => `#${tag}`).join(' ');
  const unfilled = hit.unfilled.join(', ');
  return {
    id: hit.id,
    title: text(hit.title),
    details: text(tags ? `${scope} · ${tags}` : scope),
    text: text(hit.text),
    canSend: sessionId !== undefined && hit.unfilled.length === 0,
    canInsert: sessionId !== undefined,
    hasUnfilledNote: sessionId !== undefined && hit.unfilled.length > 0,
    unfilledNote: text(`Has ${unfilled} to fill in: insert it into your reply and complete it there.`),
  };
}

/** The `/q` card: the matches with Send and Insert into reply, or after an Insert, the reply box holding it. */
export function quickRepliesData(view: QuickRepliesView): QuickRepliesCardData {
  const title = view.sessionTitle ?? '';
  const inserted = view.draft !== undefined;
  const searched = view.query !== '';
  return {
    sessionId: view.sessionId ?? '',
    heading: text(title ? `Quick replies for ${title}` : 'Quick replies'),
    showHomeHint: view.sessionId === undefined,
    results: view.results.map((hit) => rowData(hit, view.sessionId)),
    showNoResults: !inserted && view.results.length === 0,
    noResults: text(
      searched
        ? `No quick replies match “${view.query}”. Try other words, or /q alone for the list.`
        : 'There are no quick replies yet. Add your own in the workspace tab.',
    ),
    showListHint: !inserted && !searched && view.results.length > 0,
    inserted,
    insertedText: text(
      `Inserted “${view.inserted ?? ''}” into your reply to ${title}. Edit it here and send.`,
    ),
    draft: stripControlCharacters(view.draft ?? ''),
  };
}
