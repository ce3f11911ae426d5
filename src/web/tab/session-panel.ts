import type { PanelView } from '../../app/views';
import type { PanelRow } from '../../domain/agent-sessions';
import { h, setAttr, svg } from './dom';
import { panelToggleLabel } from './format';

export interface SessionPanelActions {
  /** The agent chose a session (click, Enter or Space). */
  select(sessionId: string): void;
  /** The X (or Delete on a closable session): ask before closing. */
  requestClose(sessionId: string, title: string): void;
  toggle(): void;
}

interface RowElements {
  readonly row: HTMLElement;
  readonly tab: HTMLElement;
  readonly icon: HTMLElement;
  readonly iconText: HTMLElement;
  readonly title: HTMLElement;
  /** A word on the row's state beside the title ("Closed"), so a history view is not taken for a live one. */
  readonly status: HTMLElement;
  readonly close: HTMLElement;
  data: PanelRow;
}

/**
 * The vertical session panel: a burger, then Home (anchored, never closable) and the sessions as a vertical
 * tablist. Rows are kept by session id across updates, so keyboard focus and hover survive a refresh.
 * Keys: Up/Down (and Home/End) move between sessions, Enter or Space opens one, Delete asks to close it.
 */
export class SessionPanel {
  readonly element: HTMLElement;
  private readonly burger: HTMLButtonElement;
  private readonly list: HTMLElement;
  private readonly presence: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly rows = new Map<string, RowElements>();
  private tooltipFor: string | undefined;

  constructor(
    private readonly actions: SessionPanelActions,
    private readonly panelId: string,
  ) {
    this.burger = h(
      'button',
      {
        type: 'button',
        class: 'burger',
        'aria-controls': 'session-list',
        onclick: () => this.actions.toggle(),
      },
      svg(
        'svg',
        { viewBox: '0 0 20 20', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
        svg('path', { d: 'M3 5h14M3 10h14M3 15h14', stroke: 'currentColor', 'stroke-width': 2 }),
      ),
    );
    this.list = h('div', {
      id: 'session-list',
      class: 'session-list',
      role: 'tablist',
      'aria-orientation': 'vertical',
      'aria-label': 'Sessions',
      onkeydown: (event) => this.onKeyDown(event as KeyboardEvent),
    });
    this.presence = h('div', { class: 'panel-presence', 'aria-live': 'polite' });
    this.tooltip = h('div', {
      id: 'session-tooltip',
      class: 'session-tooltip',
      role: 'tooltip',
      hidden: true,
    });
    this.element = h(
      'nav',
      { class: 'session-panel', 'aria-label': 'Session panel' },
      this.burger,
      this.list,
      this.presence,
      this.tooltip,
    );
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hideTooltip();
    });
  }

  render(panel: PanelView, focusedId: string): void {
    this.element.dataset['mode'] = panel.mode;
    const expanded = panel.mode === 'expanded';
    setAttr(this.burger, 'aria-expanded', String(expanded));
    const label = panelToggleLabel(panel.mode);
    setAttr(this.burger, 'aria-label', label);
    setAttr(this.burger, 'title', label);

    const seen = new Set<string>();
    panel.rows.forEach((data, index) => {
      seen.add(data.id);
      const elements = this.rows.get(data.id) ?? this.createRow(data);
      this.rows.set(data.id, elements);
      this.updateRow(elements, data, data.id === focusedId);
      if (this.list.children[index] !== elements.row)
        this.list.insertBefore(elements.row, this.list.children[index] ?? null);
    });
    for (const [id, elements] of this.rows) {
      if (seen.has(id)) continue;
      const hadFocus = elements.row.contains(document.activeElement);
      elements.row.remove();
      this.rows.delete(id);
      if (this.tooltipFor === id) this.hideTooltip();
      if (hadFocus) this.rowFor(focusedId)?.tab.focus();
    }
    this.updateRovingTabIndex(focusedId);

    // A live region: redrawn only when the presence changes, so a refresh is not announced again.
    if (this.presence.dataset['presence'] !== panel.presence) {
      this.presence.dataset['presence'] = panel.presence;
      this.presence.replaceChildren(
        h('span', { class: `presence-dot presence-${panel.presence}`, 'aria-hidden': 'true' }),
        h('span', { class: 'presence-label' }, panel.presenceLabel),
      );
    }
    setAttr(this.presence, 'title', `${panel.agentName} · ${panel.presenceLabel}`);
    if (this.tooltipFor) {
      const shown = this.rows.get(this.tooltipFor);
      if (shown) this.tooltip.textContent = shown.data.tooltip;
    }
  }

  /** Puts keyboard focus on a session's tab (after the close dialog, for one). */
  focusTab(sessionId: string): void {
    this.rowFor(sessionId)?.tab.focus();
  }

  private rowFor(sessionId: string): RowElements | undefined {
    return this.rows.get(sessionId);
  }

  private createRow(data: PanelRow): RowElements {
    const iconText = h('span', { class: 'session-icon-text' });
    const icon = h('span', { class: 'session-icon', 'aria-hidden': 'true' }, iconText);
    const title = h('span', { class: 'session-title' });
    const status = h('span', { class: 'session-status', hidden: true });
    const tab = h(
      'div',
      {
        role: 'tab',
        id: sessionTabId(data.id),
        class: 'session-tab',
        'aria-controls': this.panelId,
        tabindex: -1,
        onclick: () => {
          // A click means the agent has chosen: the tooltip would only cover the session opening beside it.
          this.hideTooltip();
          this.actions.select(data.id);
        },
        // Keyboard focus shows the tooltip; the focus a click gives does not (it is not :focus-visible).
        onfocus: () => {
          if (tab.matches(':focus-visible')) this.showTooltip(data.id);
        },
        onblur: () => this.hideTooltip(),
      },
      icon,
      title,
      status,
    );
    // Mouse only, like a browser tab's X: keyboard users press Delete on the tab (aria-keyshortcuts says so).
    const close = h(
      'span',
      {
        class: 'session-close',
        'aria-hidden': 'true',
        onclick: (event) => {
          event.stopPropagation();
          const current = this.rows.get(data.id)?.data;
          if (current?.closable) this.actions.requestClose(current.id, current.title);
        },
      },
      '×',
    );
    const row = h(
      'div',
      {
        class: 'session-row',
        role: 'none',
        'data-session-id': data.id,
        'data-kind': data.kind,
        onmouseenter: () => this.showTooltip(data.id),
        onmouseleave: () => this.hideTooltip(),
      },
      tab,
      close,
    );
    return { row, tab, icon, iconText, title, status, close, data };
  }

  private updateRow(elements: RowElements, data: PanelRow, focused: boolean): void {
    elements.data = data;
    const { row, tab, icon, iconText, title, status, close } = elements;
    row.dataset['kind'] = data.kind;
    row.classList.toggle('focused', focused);
    row.classList.toggle('read-only', data.readOnly === true);
    row.classList.toggle('closable', data.closable);
    setAttr(tab, 'aria-selected', String(focused));
    // The custom tooltip says it; a `title` would add the browser's own tooltip on top of it.
    setAttr(tab, 'aria-label', data.tooltip);
    setAttr(tab, 'aria-keyshortcuts', data.closable ? 'Delete' : undefined);
    iconText.textContent = data.icon;
    title.textContent = data.title;
    status.textContent = data.statusText ?? '';
    status.hidden = !data.statusText;
    // The row carries a badge only where unread counts apply (a consult's or a supervisor's, not a history
    // view's); a read-only session never alerts.
    setBadge(icon, 'session-badge', data.badge);
    setBadge(icon, 'session-alert', data.alert && !data.readOnly ? '!' : undefined);
    if (data.closable) {
      if (!close.isConnected) row.append(close);
    } else {
      close.remove();
    }
  }

  /** One tab in the tab order: the one with keyboard focus, else the focused session's. */
  private updateRovingTabIndex(focusedId: string): void {
    const active = [...this.rows.values()].find((elements) => elements.tab === document.activeElement);
    const current = active?.data.id ?? focusedId;
    for (const [id, elements] of this.rows) elements.tab.tabIndex = id === current ? 0 : -1;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const tabs = [...this.rows.values()].sort(
      (a, b) => [...this.list.children].indexOf(a.row) - [...this.list.children].indexOf(b.row),
    );
    const index = tabs.findIndex((elements) => elements.tab === document.activeElement);
    if (index === -1) return;
    const current = tabs[index];
    if (!current) return;
    const move = (to: number) => {
      const target = tabs[(to + tabs.length) % tabs.length];
      if (!target) return;
      for (const elements of tabs) elements.tab.tabIndex = elements === target ? 0 : -1;
      target.tab.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(tabs.length - 1);
        break;
      case 'Enter':
      case ' ':
        this.actions.select(current.data.id);
        break;
      case 'Delete':
        if (!current.data.closable) return;
        this.actions.requestClose(current.data.id, current.data.title);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private showTooltip(sessionId: string): void {
    const elements = this.rows.get(sessionId);
    if (!elements) return;
    this.tooltipFor = sessionId;
    this.tooltip.textContent = elements.data.tooltip;
    this.tooltip.hidden = false;
    const box = elements.row.getBoundingClientRect();
    const panel = this.element.getBoundingClientRect();
    this.tooltip.style.top = `${Math.round(box.top - panel.top + box.height / 2)}px`;
  }

  // The tab's accessible name (aria-label) already is the tooltip's text, so it is not also its description.
  private hideTooltip(): void {
    this.tooltipFor = undefined;
    this.tooltip.hidden = true;
  }
}

function setBadge(icon: HTMLElement, className: string, text: string | undefined): void {
  let badge = icon.querySelector<HTMLElement>(`.${className}`);
  if (text === undefined) {
    badge?.remove();
    return;
  }
  badge ??= icon.appendChild(h('span', { class: className }));
  badge.textContent = text;
}

/** The element id of a session's tab (session ids may hold characters an id selector would need escaped). */
export function sessionTabId(sessionId: string): string {
  return `session-tab-${sessionId.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.charCodeAt(0).toString(16)}`)}`;
}
