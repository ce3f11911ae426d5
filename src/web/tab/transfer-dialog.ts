import type { AgentView, TransferPickerView, TransferTarget } from '../../app/views';
import { VERBS } from '../../cards/verbs';
import { h } from './dom';

/** Where the agent sends the conversation: a colleague (with an optional note for them), or the queue. */
export type TransferChoice =
  { readonly toAgentId: string; readonly note?: string } | { readonly toQueue: true };

export interface TransferDialogActions {
  /** Who can take the conversation now (the server's picker), or undefined when it could not be read. */
  targets(sessionId: string): Promise<TransferPickerView | undefined>;
  transfer(sessionId: string, choice: TransferChoice): Promise<void>;
}

/** The longest handover note the server keeps (TRANSFER_NOTE_MAX_CHARS). */
const NOTE_MAX_CHARS = 1000;

/**
 * Transfer: a modal listing the colleagues who are Available or Busy with room for one more (as the server
 * reads them when it opens), a note for them, and the queue. Keyboard first: the first colleague's button has
 * the focus, Tab moves through the list to the note and the queue, Escape cancels.
 */
export class TransferDialog {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly list: HTMLElement;
  private readonly note: HTMLTextAreaElement;
  private readonly toQueue: HTMLButtonElement;
  private sessionId = '';
  private returnFocus: HTMLElement | undefined;

  /** The dialog over the agent API's actions (`transfer`), `done` run after a transfer was asked for. */
  static over(
    act: (verb: string, data: Record<string, unknown>) => Promise<AgentView | undefined>,
    done: () => Promise<void>,
  ): TransferDialog {
    return new TransferDialog({
      targets: async (sessionId) => {
        const view = await act(VERBS.transfer, { sessionId });
        return view?.kind === 'transfer-picker' ? view : undefined;
      },
      transfer: async (sessionId, choice) => {
        await act(VERBS.transfer, { sessionId, ...choice });
        await done();
      },
    });
  }

  constructor(private readonly actions: TransferDialogActions) {
    this.heading = h('h2', { id: 'transfer-dialog-title', class: 'dialog-title' });
    this.list = h('ul', { class: 'transfer-targets', 'aria-label': 'Colleagues who can take it' });
    this.note = h('textarea', {
      id: 'transfer-note',
      class: 'transfer-note',
      rows: 3,
      maxlength: NOTE_MAX_CHARS,
      placeholder: 'What they should know (optional)',
    });
    this.toQueue = h(
      'button',
      { type: 'button', class: 'button', onclick: () => void this.choose({ toQueue: true }) },
      'Back to the queue',
    );
    this.element = h(
      'dialog',
      {
        class: 'dialog transfer-dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'transfer-dialog-title',
        oncancel: (event) => {
          event.preventDefault();
          this.close();
        },
      },
      this.heading,
      h(
        'p',
        { class: 'dialog-text' },
        'The conversation stays yours until your colleague accepts. The customer is told they are being connected.',
      ),
      this.list,
      h('label', { for: 'transfer-note', class: 'field-label' }, 'Note for your colleague'),
      this.note,
      h(
        'div',
        { class: 'dialog-actions' },
        this.toQueue,
        h('button', { type: 'button', class: 'button', onclick: () => this.close() }, 'Cancel'),
      ),
    );
  }

  get open(): boolean {
    return this.element.open;
  }

  /** Reads who can take it, then shows the dialog; nothing opens when the server refused (its notice says why). */
  async show(sessionId: string, title: string): Promise<void> {
    if (this.open) return;
    const picker = await this.actions.targets(sessionId);
    if (!picker) return;
    this.sessionId = sessionId;
    this.heading.textContent = `Transfer ${picker.title || title}`;
    this.note.value = '';
    this.list.replaceChildren(...this.rows(picker.targets));
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.showModal();
    (this.list.querySelector<HTMLButtonElement>('button') ?? this.toQueue).focus();
  }

  private rows(targets: readonly TransferTarget[]): HTMLElement[] {
    if (targets.length === 0) {
      return [
        h(
          'li',
          { class: 'transfer-empty' },
          'Nobody else can take it now: no colleague is Available or Busy with room for one more.',
        ),
      ];
    }
    return targets.map((target) =>
      h(
        'li',
        { class: 'transfer-target', 'data-agent-id': target.agentId },
        h(
          'span',
          { class: 'transfer-who' },
          h('strong', {}, target.name),
          h(
            'span',
            { class: 'transfer-load', 'data-presence': target.presence },
            `${target.presenceLabel} · ${target.conversations} of ${target.capacity} conversations`,
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button primary',
            'aria-label': `Transfer to ${target.name}`,
            onclick: () => void this.choose({ toAgentId: target.agentId }),
          },
          'Transfer',
        ),
      ),
    );
  }

  private async choose(choice: TransferChoice): Promise<void> {
    const note = this.note.value.trim();
    const sessionId = this.sessionId;
    this.close();
    await this.actions.transfer(
      sessionId,
      'toAgentId' in choice && note !== '' ? { ...choice, note } : choice,
    );
  }

  private close(): void {
    if (this.element.open) this.element.close();
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = undefined;
  }
}
