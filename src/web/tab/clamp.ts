import { h } from './dom';

/**
 * Long messages show their first lines only (styles.css clamps .clamp-text to 8) with a Show more / Show less
 * toggle. Whether a text is cut is known only once it is laid out, so a ResizeObserver shows the toggle then
 * (and again when a narrower window cuts a text that fitted). Disconnect it with the view it served.
 */
export class Clamps {
  private readonly observer = new ResizeObserver((entries) => {
    for (const entry of entries) showToggleIfCut(entry.target);
  });

  /** The content, clamped, followed by its (hidden until needed) toggle. */
  wrap(content: HTMLElement): HTMLElement {
    content.classList.add('clamp-text');
    const toggle = h(
      'button',
      { type: 'button', class: 'clamp-toggle', hidden: true, 'aria-expanded': 'false' },
      'Show more',
    );
    const box = h('div', { class: 'clamp' }, content, toggle);
    toggle.addEventListener('click', () => {
      const expanded = box.classList.toggle('expanded');
      toggle.textContent = expanded ? 'Show less' : 'Show more';
      toggle.setAttribute('aria-expanded', String(expanded));
    });
    this.observer.observe(content);
    return box;
  }

  /** Stops watching the clamped texts under `root`, which is about to be replaced. */
  release(root: ParentNode): void {
    for (const content of root.querySelectorAll('.clamp-text')) this.observer.unobserve(content);
  }

  disconnect(): void {
    this.observer.disconnect();
  }
}

function showToggleIfCut(content: Element): void {
  const box = content.parentElement;
  const toggle = box?.querySelector<HTMLButtonElement>(':scope > .clamp-toggle');
  if (!box || !toggle || box.classList.contains('expanded')) return;
  toggle.hidden = content.scrollHeight <= content.clientHeight + 1;
}
