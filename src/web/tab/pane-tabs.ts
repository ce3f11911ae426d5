import { h } from './dom';

export interface Pane {
  readonly id: string;
  readonly label: string;
}

/**
 * Tabs that choose which side pane shows below the conversation in a narrow window (styles.css hides the
 * tabs, and shows every pane, when there is room). The choice is `host`'s data-pane attribute.
 */
export function paneTabs(host: HTMLElement, panes: readonly Pane[]): HTMLElement {
  const tabs = panes.map((pane) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `pane-tab-${pane.id}`,
        'aria-controls': pane.id,
        'data-pane': pane.id,
        onclick: () => {
          select(pane.id);
          document.getElementById(pane.id)?.scrollIntoView({ block: 'nearest' });
        },
      },
      pane.label,
    ),
  );
  const select = (id: string, focus = false) => {
    host.dataset['pane'] = id;
    for (const tab of tabs) {
      const selected = tab.dataset['pane'] === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    }
  };
  const first = panes[0];
  if (first) select(first.id);
  return h(
    'div',
    {
      class: 'pane-tabs',
      role: 'tablist',
      'aria-label': 'Side panes',
      onkeydown: (event) => {
        const key = (event as KeyboardEvent).key;
        if (key !== 'ArrowRight' && key !== 'ArrowLeft') return;
        const index = panes.findIndex((pane) => pane.id === host.dataset['pane']);
        const next = panes[(index + (key === 'ArrowRight' ? 1 : -1) + panes.length) % panes.length];
        if (next) select(next.id, true);
        event.preventDefault();
      },
    },
    ...tabs,
  );
}
