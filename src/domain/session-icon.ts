const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Icons already worked out, by title: ICU's grapheme segmenting cost about 1 % of a relaying server's CPU. */
const known = new Map<string, string>();
const MAX_KNOWN = 2_000;

/**
 * The first two letters of the title, counted in graphemes so accents, emoji and CJK stay whole.
 * Whitespace is skipped so "A Bc" gives "AB" rather than a letter and a blank.
 */
export function sessionIcon(title: string): string {
  const icon = known.get(title);
  if (icon !== undefined) return icon;
  if (known.size >= MAX_KNOWN) known.clear();
  const made = firstLetters(title);
  known.set(title, made);
  return made;
}

function firstLetters(title: string): string {
  const letters: string[] = [];
  for (const { segment } of graphemes.segment(title)) {
    if (/^\s+$/u.test(segment)) continue;
    letters.push(segment);
    if (letters.length === 2) break;
  }
  return letters.join('');
}
