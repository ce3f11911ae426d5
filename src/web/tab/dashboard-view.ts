import type { DashboardView, PanelView, WorkItemRow } from '../../app/views';
import { SELECTABLE_PRESENCE, PRESENCE_LABELS, type PresenceStatus } from '../../domain/presence';
import { h } from './dom';
import { WORK_ITEM_STATE_LABELS, channelLabel } from './format';
import { liveTime } from './live-times';

export interface DashboardActions {
  pick(workItemId: string): void;
  /** Shift+select (or the Case button) opens a case session instead, as in Omnichannel. */
  open(workItemId: string, asCase: boolean): void;
  presence(status: PresenceStatus): void;
}

type StreamAction = 'pick' | 'open';

interface Stream {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly WorkItemRow[];
  readonly action: StreamAction;
}

/** Home: the agent dashboard (My, Open, Waiting and Closed work items) and the presence selector. */
export function renderDashboard(
  dashboard: DashboardView,
  panel: PanelView,
  actions: DashboardActions,
  now: number,
): HTMLElement {
  const presenceSelect = h(
    'select',
    {
      id: 'presence',
      class: 'presence-select',
      onchange: (event) => actions.presence((event.target as HTMLSelectElement).value as PresenceStatus),
    },
    ...(SELECTABLE_PRESENCE.includes(panel.presence) ? [] : [panel.presence]).map((status) =>
      h('option', { value: status, disabled: true }, PRESENCE_LABELS[status]),
    ),
    ...SELECTABLE_PRESENCE.map((status) => h('option', { value: status }, PRESENCE_LABELS[status])),
  );
  presenceSelect.value = panel.presence;

  const stream = (id: string, title: string, rows: readonly WorkItemRow[], action: StreamAction) =>
    streamSection({ id, title, rows, action }, actions, now);

  return h(
    'section',
    { class: 'home', 'aria-labelledby': 'home-title' },
    h(
      'header',
      { class: 'view-header' },
      h('h2', { id: 'home-title' }, 'Agent dashboard'),
      h('div', { class: 'presence-field' }, h('label', { for: 'presence' }, 'Presence'), presenceSelect),
    ),
    h(
      'div',
      { class: 'streams' },
      stream('my', 'My work items', dashboard.myItems, 'open'),
      stream('open', 'Open work items', dashboard.openItems, 'pick'),
      stream('waiting', 'Waiting work items', dashboard.waitingItems, 'open'),
      stream('closed', 'Closed work items', dashboard.closedItems, 'open'),
    ),
    h(
      'p',
      { class: 'hint' },
      'Tip: hold Shift while selecting Open to open the work item as a case session.',
    ),
  );
}

function streamSection(stream: Stream, actions: DashboardActions, now: number): HTMLElement {
  const { id, title, rows, action } = stream;
  // The customer's first words, where the server sent them (Open work items): what the item is about.
  const withPreview = rows.some((row) => row.preview);
  const column = (label: string | HTMLElement) => h('th', { scope: 'col' }, label);
  return h(
    'section',
    { class: 'stream', 'aria-labelledby': `stream-${id}`, 'data-stream': id },
    h('h3', { id: `stream-${id}` }, title, ' ', h('span', { class: 'count' }, `(${rows.length})`)),
    rows.length === 0
      ? h('p', { class: 'empty' }, 'No work items.')
      : h(
          'table',
          { class: 'work-items' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              column('Title'),
              withPreview ? column('Message') : null,
              column('Channel'),
              // Every queued item is Open: the column would only take the preview's room.
              action === 'pick' ? null : column('State'),
              column(action === 'pick' ? 'Waiting' : 'Since'),
              column(h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h('tbody', {}, ...rows.map((row) => workItemRow(id, row, action, actions, now, withPreview))),
        ),
  );
}

function workItemRow(
  stream: string,
  row: WorkItemRow,
  action: StreamAction,
  actions: DashboardActions,
  now: number,
  withPreview: boolean,
): HTMLElement {
  const label = action === 'pick' ? 'Pick' : 'Open';
  return h(
    'tr',
    { 'data-work-item-id': row.workItemId },
    h('th', { scope: 'row', class: 'work-item-title' }, row.title),
    withPreview
      ? h('td', {}, h('div', { class: 'work-item-preview', dir: 'auto' }, row.preview ?? ''))
      : null,
    h('td', {}, channelLabel(row.channel)),
    action === 'pick'
      ? null
      : h('td', {}, WORK_ITEM_STATE_LABELS[row.state], row.customerLeft ? ' · customer left' : ''),
    // An Open item is someone waiting for an agent: how long they have waited, ticking.
    h('td', {}, liveTime(row.since, action === 'pick' ? 'waited' : 'since', now)),
    h(
      'td',
      { class: 'row-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          'data-focus-key': `${stream}:${action}:${row.workItemId}`,
          'aria-label': `${label} ${row.title}`,
          onclick: (event) => {
            if (action === 'pick') actions.pick(row.workItemId);
            else actions.open(row.workItemId, (event as MouseEvent).shiftKey);
          },
        },
        label,
      ),
      // A queued item is nobody's yet: a case is opened on conversations the agent has (the server says so too).
      action === 'pick'
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'button small subtle',
              'data-focus-key': `${stream}:case:${row.workItemId}`,
              'aria-label': `Open a case session for ${row.title}`,
              title: 'Open a case session (Shift+Open)',
              onclick: () => actions.open(row.workItemId, true),
            },
            'Case',
          ),
    ),
  );
}
