/**
 * Customer text shown on an agent's card must render as the characters the customer typed and nothing
 * more: no markdown links or emphasis, no `<at>` mentions, no HTML, no Adaptive Card date functions.
 * Size is capped by the app before a view is built; this module only makes the text inert.
 */

/** Control characters (C0 except tab and newline, DEL, C1) and the bidi embeddings / overrides / isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Markdown punctuation that can act anywhere in a line (emphasis, code, links, tables, braces of `{{DATE()}}`). */
const INLINE_SIGNIFICANT = /[\\`*_{}[\]~|]/g;

/** Block markers that act only at the start of a line: headings, list bullets, setext underlines. */
const LINE_START_MARKER = /^( *)([#+=-])/gm;

/** An ordered-list marker at the start of a line: `1.` or `1)`. */
const ORDERED_LIST_MARKER = /^( *\d{1,9})([.)])/gm;

/** `&` that would start an HTML entity such as `&lt;` or `&#60;`. */
const ENTITY_START = /&(?=#?[A-Za-z0-9]+;)/g;

/**
 * Plain text for places that are not markdown (tooltips, input values): only the control characters go.
 * CR LF and CR become LF, tabs and Unicode line / paragraph separators become a space or a newline.
 */
export function stripControlCharacters(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL_CHARACTERS, '');
}

/**
 * Text for plain-text attributes such as tooltips: control characters stripped and `<` `>` made full-width,
 * so not even a host that scans attributes for `<at>` finds a tag. Markdown is not interpreted there.
 */
export function plainCardText(text: string): string {
  return stripControlCharacters(text).replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E');
}

/**
 * Makes customer text inert in an Adaptive Card TextBlock or FactSet:
 * - control characters are stripped (newlines kept, tabs become spaces);
 * - `<` and `>` become their full-width forms ＜ ＞, so no HTML tag, autolink, block quote or `<at>` mention
 *   can form (the result never contains a literal `<`);
 * - markdown punctuation that is significant anywhere (`\ ` * _ { } [ ] ~ |`) is backslash-escaped, so are
 *   line-start block markers (`# + - =`, `1.` / `1)`) and an `&` that would begin an entity.
 * Other punctuation (`( ) . ! -` inside a line) cannot start markup once those are escaped and is left as is,
 * which keeps ordinary sentences readable.
 */
export function escapeCardText(text: string): string {
  return stripControlCharacters(text)
    .replace(INLINE_SIGNIFICANT, (character) => `\\${character}`)
    .replace(/</g, '\uFF1C')
    .replace(/>/g, '\uFF1E')
    .replace(ENTITY_START, '\\&')
    .replace(LINE_START_MARKER, '$1\\$2')
    .replace(ORDERED_LIST_MARKER, '$1\\$2');
}
