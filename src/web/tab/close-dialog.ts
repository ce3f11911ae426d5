import { h } from './dom';

export type CloseAnswer = 'close' | 'cancel';

/**
 * The confirmation before a session closes (the same words as the chat's close card). A modal <dialog>: focus
 * stays inside, Escape cancels, and focus goes back where it was when it closes.
 */
export class CloseDialog {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly confirm: HTMLButtonElement;
  private answer: ((answer: CloseAnswer) => void) | undefined;

  constructor() {
    this.heading = h('h2', { id: 'close-dialog-title', class: 'dialog-title' });
    this.confirm = h(
      'button',
      { type: 'button', class: 'button danger', onclick: () => this.settle('close') },
      'Close',
    );
    this.element = h(
      'dialog',
      {
        class: 'dialog',
        role: 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'close-dialog-title',
        'aria-describedby': 'close-dialog-text',
        oncancel: (event) => {
          event.preventDefault();
          this.settle('cancel');
        },
      },
      this.heading,
      h(
        'p',
        { id: 'close-dialog-text' },
        'The conversation moves to Waiting; the customer can come back to it within the waiting period. ' +
          'Use End to finish it.',
      ),
      h(
        'div',
        { class: 'dialog-actions' },
        this.confirm,
        h('button', { type: 'button', class: 'button', onclick: () => this.settle('cancel') }, 'Cancel'),
      ),
    );
  }

  /** Shows the question for one session and resolves with the agent's answer. */
  ask(title: string): Promise<CloseAnswer> {
    this.settle('cancel');
    this.heading.textContent = `Close ${title}?`;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.showModal();
    this.confirm.focus();
    return new Promise<CloseAnswer>((resolve) => {
      this.answer = (answer) => {
        this.element.close();
        if (returnFocus?.isConnected) returnFocus.focus();
        resolve(answer);
      };
    });
  }

  get open(): boolean {
    return this.element.open;
  }

  private settle(answer: CloseAnswer): void {
    const pending = this.answer;
    this.answer = undefined;
    pending?.(answer);
  }
}
