/** Writing people's words into a plain-text file (a transcript), on the server and in the chat page alike. */

/** Control characters but tab and line feed (C0, DEL, C1): nothing a reader of a text file should meet. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Line ends made LF, control characters (but tab and LF) left out. */
export function plainText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/**
 * A message as one entry of a transcript: its first line after `head`, every further line indented, so a message
 * of several lines can never pass for a line of its own (another time, another sender).
 */
export function transcriptEntry(head: string, text: string, indent = '    '): string {
  const [first = '', ...rest] = plainText(text).split('\n');
  return [`${head}${first}`, ...rest.map((line) => `${indent}${line}`)].join('\n');
}
