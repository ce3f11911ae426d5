import { h } from './dom';

/** Export CSV on the Floor: the conversations created from one UTC day to another, both included. */

const DAY_MS = 86_400_000;
/** What the form offers first: the last week, today included. */
const DEFAULT_DAYS = 7;

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export class FloorExport {
  readonly element: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  /** The supervisor chose the days: suggestions leave them alone. */
  private chosen = false;

  constructor(
    private readonly exportCsv: (from: string, to: string) => Promise<void>,
    now: number = Date.now(),
  ) {
    this.from = h('input', { type: 'date', id: 'floor-export-from', required: true });
    this.to = h('input', { type: 'date', id: 'floor-export-to', required: true });
    for (const input of [this.from, this.to]) input.addEventListener('change', () => (this.chosen = true));
    this.button = h('button', { type: 'submit', class: 'button small' }, 'Export CSV');
    this.element = h(
      'form',
      {
        class: 'floor-export',
        'aria-labelledby': 'floor-export-title',
        onsubmit: (event) => this.submit(event),
      },
      h('h3', { id: 'floor-export-title' }, 'Export'),
      h('p', { class: 'hint' }, 'The conversations created on these days (UTC), as a CSV file.'),
      h(
        'div',
        { class: 'floor-filters' },
        field('floor-export-from', 'From', this.from),
        field('floor-export-to', 'To', this.to),
        this.button,
      ),
    );
    this.suggest(now);
  }

  /** The last week up to `now` (the server's time, as the Floor reads it), unless the supervisor chose already. */
  suggest(now: number): void {
    if (this.chosen) return;
    this.from.value = utcDay(now - (DEFAULT_DAYS - 1) * DAY_MS);
    this.to.value = utcDay(now);
  }

  private submit(event: Event): void {
    event.preventDefault();
    if (this.button.disabled) return;
    this.button.disabled = true;
    void this.exportCsv(this.from.value, this.to.value).finally(() => {
      this.button.disabled = false;
    });
  }
}

function field(id: string, label: string, input: HTMLInputElement): HTMLElement {
  return h('div', { class: 'floor-filter' }, h('label', { for: id }, label), input);
}
