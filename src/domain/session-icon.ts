const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The first two letters of the title, counted in graphemes so accents, emoji and CJK stay whole.
 * Whitespace is skipped so "A Bc" gives "AB" rather than a letter and a blank.
 */
export function sessionIcon(title: string): string {
  const letters: string[] = [];
  for (const { segment } of graphemes.segment(title)) {
    if (/^\s+$/u.test(segment)) continue;
    letters.push(segment);
    if (letters.length === 2) break;
  }
  return letters.join('');
}
