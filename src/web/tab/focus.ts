/** Remembers which control had focus (by data-focus-key, else id) so a redrawn container can give it back. */
export function restorableFocus(container: HTMLElement): () => void {
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && container.contains(active);
  const key = inside ? active.dataset['focusKey'] : undefined;
  const id = inside ? active.id : '';
  return () => {
    if (key) container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
    else if (id) document.getElementById(id)?.focus();
  };
}

/** Focus went nowhere: the element that had it was removed, or nothing had it. */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}
