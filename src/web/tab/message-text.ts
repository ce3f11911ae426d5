import { h } from './dom';
import { splitLinks } from './linkify';

/**
 * A message as the tab shows it: its direction taken from its own text (dir="auto", for right-to-left
 * customers), http(s) URLs as links that open apart from the tab, everything else as plain text nodes.
 */
export function messageText(text: string, className: string): HTMLElement {
  return h(
    'span',
    { class: className, dir: 'auto' },
    ...splitLinks(text).map((part) =>
      part.kind === 'text'
        ? part.text
        : h('a', { href: part.href, rel: 'noopener noreferrer', target: '_blank' }, part.text),
    ),
  );
}
