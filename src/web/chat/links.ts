/** A run of message text; with `href`, an http(s) address to show as a link to it. */
export interface TextPart {
  readonly text: string;
  readonly href?: string;
}

/** Something that starts like a web address; what it really is, is decided by `linkOf`. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
/** Punctuation that ends a sentence rather than an address ("see https://example.com."). */
const TRAILING = /[.,;:!?'*_~]$/u;
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * Splits message text into plain runs and http(s) links. Only absolute http and https addresses become links
 * (no other scheme, no bare `www.`, none with a user name or password in them); the text is kept as written.
 */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const address = trimmed(match[0]);
    const href = linkOf(address);
    if (href === undefined) continue;
    if (start > plainFrom) parts.push({ text: text.slice(plainFrom, start) });
    parts.push({ text: address, href });
    plainFrom = start + address.length;
  }
  if (plainFrom < text.length) parts.push({ text: text.slice(plainFrom) });
  return parts;
}

/** The address without what follows it in the sentence: a final full stop, or a bracket it did not open. */
function trimmed(candidate: string): string {
  let address = candidate;
  for (;;) {
    const last = address.slice(-1);
    const opener = CLOSERS[last];
    const unopened = opener !== undefined && count(address, last) > count(address, opener);
    if (!TRAILING.test(address) && !unopened) return address;
    address = address.slice(0, -1);
  }
}

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}

/** The address to link to, normalised, when it is a plain http(s) one; else undefined. */
function linkOf(address: string): string | undefined {
  try {
    const url = new URL(address);
    const web = url.protocol === 'http:' || url.protocol === 'https:';
    return web && url.hostname !== '' && url.username === '' && url.password === '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
