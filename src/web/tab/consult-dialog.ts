import type { AgentView, ConsultPickerView } from '../../app/views';
import { VERBS } from '../../cards/verbs';
import { h } from './dom';

type Act = (verb: string, data: Record<string, unknown>) => Promise<AgentView | undefined>;

/**
 * Consult: a modal listing the colleagues who can be asked (Available or Busy; a consult takes no capacity) as
 * the server reads them when it opens. The first one's button has the focus; Escape cancels.
 */
export class ConsultDialog {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly text: HTMLElement;
  private readonly list: HTMLElement;
  private returnFocus: HTMLElement | undefined;

  constructor(
    private readonly act: Act,
    private readonly done: () => Promise<void>,
  ) {
    this.heading = h('h2', { id: 'consult-dialog-title', class: 'dialog-title' });
    this.text = h('p', { class: 'dialog-text' });
    this.list = h('ul', { class: 'transfer-targets', 'aria-label': 'Colleagues who can be asked' });
    const cancel = h('button', { type: 'button', class: 'button', onclick: () => this.close() }, 'Cancel');
    this.element = h(
      'dialog',
      {
        class: 'dialog transfer-dialog consult-dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'consult-dialog-title',
        oncancel: (event) => {
          event.preventDefault();
          this.close();
        },
      },
      this.heading,
      this.text,
      this.list,
      h('div', { class: 'dialog-actions' }, cancel),
    );
  }

  get open(): boolean {
    return this.element.open;
  }

  async show(sessionId: string, title: string): Promise<void> {
    if (this.open) return;
    const view = await this.act(VERBS.consult, { sessionId });
    if (view?.kind !== 'consult-picker') return;
    this.heading.textContent = `Consult on ${view.title || title}`;
    this.text.textContent =
      view.room > 0
        ? 'Your colleague reads the conversation and writes to you in a private thread; the customer is not told. You can add them to the conversation later.'
        : 'This conversation already has the most consultants it can have.';
    this.list.replaceChildren(...this.rows(view, sessionId));
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.showModal();
    this.list.querySelector<HTMLButtonElement>('button')?.focus();
  }

  private rows(view: ConsultPickerView, sessionId: string): HTMLElement[] {
    if (view.room > 0 && view.targets.length === 0) {
      return [h('li', { class: 'transfer-empty' }, 'Nobody else is Available or Busy now.')];
    }
    if (view.room <= 0) return [];
    return view.targets.map((target) =>
      h(
        'li',
        { class: 'transfer-target', 'data-agent-id': target.agentId },
        h(
          'span',
          { class: 'transfer-who' },
          h('strong', {}, target.name),
          h('span', { class: 'transfer-load', 'data-presence': target.presence }, target.presenceLabel),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button primary',
            'aria-label': `Ask ${target.name}`,
            onclick: () => void this.ask(sessionId, target.agentId),
          },
          'Ask',
        ),
      ),
    );
  }

  private async ask(sessionId: string, agentId: string): Promise<void> {
    this.close();
    await this.act(VERBS.consult, { sessionId, agentId });
    await this.done();
  }

  private close(): void {
    if (this.element.open) this.element.close();
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = undefined;
  }
}
