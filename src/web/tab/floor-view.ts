import { LIVE_STATES, filterFloor, type Floor, type FloorFilter, type LiveState } from '../../domain/floor';
import { h } from './dom';
import { FloorExport } from './floor-export';
import { agentsTable, conversationsTable, type FloorRowActions } from './floor-tables';
import { focusIsLost, restorableFocus } from './focus';
import { WORK_ITEM_STATE_LABELS } from './format';

export const FLOOR_VIEW_ID = 'floor-view';

export interface FloorActions extends FloorRowActions {
  /** Saves the conversations created from one UTC day to another (YYYY-MM-DD, both included) as CSV. */
  exportCsv(from: string, to: string): Promise<void>;
}

/**
 * The supervisor's Floor: counts by state, the ongoing conversations (filtered by state and agent) and the agents.
 * The filters are drawn once, so what the supervisor chose (and an open select) survives each new read; the tables
 * are drawn again only when what they show changed, and a focused button keeps its focus.
 */
export class FloorView {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly stateFilter: HTMLSelectElement;
  private readonly agentFilter: HTMLSelectElement;
  private readonly problemLine: HTMLElement;
  private readonly conversations: HTMLElement;
  private readonly agents: HTMLElement;
  private readonly export: FloorExport;
  private floor: Floor | undefined;
  private now = 0;
  private drawn = '';

  constructor(private readonly actions: FloorActions) {
    this.heading = h('h2', { id: 'floor-title', tabindex: -1 }, 'Floor');
    this.counts = h('ul', { class: 'floor-counts', 'aria-label': 'Conversations by state' });
    this.stateFilter = h(
      'select',
      { id: 'floor-state', onchange: () => this.draw() },
      h('option', { value: '' }, 'All states'),
      ...LIVE_STATES.map((state) => h('option', { value: state }, WORK_ITEM_STATE_LABELS[state])),
    );
    this.agentFilter = h(
      'select',
      { id: 'floor-agent', onchange: () => this.draw() },
      h('option', { value: '' }, 'All agents'),
    );
    this.problemLine = h('p', { class: 'floor-problem', role: 'alert', hidden: true });
    this.conversations = h(
      'div',
      { class: 'floor-slot' },
      h('p', { class: 'loading' }, 'Reading the floor…'),
    );
    this.agents = h('div', { class: 'floor-slot' });
    this.export = new FloorExport((from, to) => this.actions.exportCsv(from, to));
    this.element = h(
      'section',
      { id: FLOOR_VIEW_ID, class: 'floor-view', 'aria-labelledby': 'floor-title', hidden: true },
      h('header', { class: 'view-header' }, this.heading, this.counts),
      this.problemLine,
      h(
        'section',
        { class: 'stream floor-section', 'aria-labelledby': 'floor-conversations-title' },
        h(
          'div',
          { class: 'floor-section-head' },
          h('h3', { id: 'floor-conversations-title' }, 'Ongoing conversations'),
          h(
            'div',
            { class: 'floor-filters' },
            filterField('floor-state', 'State', this.stateFilter),
            filterField('floor-agent', 'Agent', this.agentFilter),
          ),
        ),
        this.conversations,
      ),
      h(
        'section',
        { class: 'stream floor-section', 'aria-labelledby': 'floor-agents-title' },
        h('h3', { id: 'floor-agents-title' }, 'Agents'),
        this.agents,
      ),
      h('section', { class: 'stream floor-section' }, this.export.element),
    );
  }

  /** Keyboard focus to the Floor's heading, as it opens. */
  focus(): void {
    this.heading.focus();
  }

  /** After a row left (Force close): focus goes back to the heading rather than nowhere. */
  focusIfLost(): void {
    if (focusIsLost()) this.heading.focus();
  }

  /** A new read; `now` on the server's clock, as the floor's `at`. */
  show(floor: Floor, now: number): void {
    this.floor = floor;
    this.now = now;
    this.export.suggest(now);
    this.problemLine.hidden = true;
    this.draw();
  }

  /** The floor could not be read: said above what was last read (or in place of it, before the first read). */
  problem(text: string): void {
    this.problemLine.textContent = text;
    this.problemLine.hidden = false;
    if (!this.floor) this.conversations.replaceChildren();
  }

  private filter(): FloorFilter {
    const state = this.stateFilter.value as LiveState | '';
    const agentId = this.agentFilter.value;
    return { ...(state ? { state } : {}), ...(agentId ? { agentId } : {}) };
  }

  private draw(): void {
    const floor = this.floor;
    if (!floor) return;
    this.drawAgentChoices(floor);
    const filter = this.filter();
    const shown = filterFloor(floor, filter);
    // The wait of an Open one is the same moment read after read (`at` − `waitMs`): only changes redraw.
    const rows = shown.conversations.map((row) => ({ ...row, waitMs: floor.at - (row.waitMs ?? 0) }));
    const key = JSON.stringify([floor.counts, floor.csatToday, rows, floor.agents, filter]);
    if (key === this.drawn) return;
    this.drawn = key;
    const keep = restorableFocus(this.element);
    this.counts.replaceChildren(
      ...LIVE_STATES.map((state) =>
        h(
          'li',
          { class: 'floor-count', 'data-state': state },
          h('span', { class: 'floor-count-value' }, floor.counts[state]),
          h('span', { class: 'floor-count-label' }, WORK_ITEM_STATE_LABELS[state]),
        ),
      ),
      csatCount(floor),
    );
    const times = { at: floor.at, now: this.now };
    this.conversations.replaceChildren(
      shown.conversations.length > 0
        ? conversationsTable(shown.conversations, times, this.actions, 'floor-conversations-title')
        : h(
            'p',
            { class: 'empty' },
            floor.conversations.length > 0
              ? 'No conversations match these filters.'
              : 'No ongoing conversations.',
          ),
    );
    this.agents.replaceChildren(agentsTable(floor.agents, this.now, 'floor-agents-title'));
    keep();
  }

  /** The agent filter lists those who take work; the choice stays as the list is drawn again. */
  private drawAgentChoices(floor: Floor): void {
    const agents = floor.agents.filter((agent) => agent.takesWork);
    const key = JSON.stringify(agents.map((agent) => [agent.agentId, agent.name]));
    if (this.agentFilter.dataset['agents'] === key) return;
    const chosen = this.agentFilter.value;
    this.agentFilter.replaceChildren(
      h('option', { value: '' }, 'All agents'),
      ...agents.map((agent) => h('option', { value: agent.agentId }, agent.name)),
    );
    this.agentFilter.value = chosen;
    this.agentFilter.dataset['agents'] = key;
  }
}

/** The team's CSAT today: the average rating of the survey answers given today, and how many there were. */
function csatCount(floor: Floor): HTMLElement {
  const { answers, average } = floor.csatToday;
  const label = answers === 1 ? 'CSAT today, 1 answer' : `CSAT today, ${answers} answers`;
  return h(
    'li',
    {
      class: 'floor-count floor-csat',
      title: 'Average customer rating (1–5) of the survey answers given today',
    },
    h('span', { class: 'floor-count-value' }, average !== undefined ? average.toFixed(1) : '—'),
    h('span', { class: 'floor-count-label' }, label),
  );
}

function filterField(id: string, label: string, select: HTMLSelectElement): HTMLElement {
  return h('div', { class: 'floor-filter' }, h('label', { for: id }, label), select);
}
