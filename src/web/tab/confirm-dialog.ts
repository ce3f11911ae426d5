import { h } from './dom';

export interface Confirmation {
  readonly question: string;
  readonly text: string;
  /** The confirming button's label, e.g. "Close" or "End". */
  readonly confirm: string;
  /** The button focused when the dialog opens: Cancel for a step the customer notices and cannot undo. */
  readonly focus: 'confirm' | 'cancel';
}

/** Close: the same words as the chat's close card. */
export function closeConfirmation(title: string): Confirmation {
  return {
    question: `Close ${title}?`,
    text:
      'The conversation moves to Waiting; the customer can come back to it within the waiting period. ' +
      'Use End to finish it.',
    confirm: 'Close',
    focus: 'confirm',
  };
}

/** End finishes the conversation for good and the customer is told, so Cancel is the default. */
export function endConfirmation(title: string): Confirmation {
  return {
    question: `End the conversation with ${title}?`,
    text: 'The customer is told.',
    confirm: 'End',
    focus: 'cancel',
  };
}

/** A supervisor's Force close: whoever has the conversation loses it, and the customer is told; Cancel first. */
export function forceCloseConfirmation(title: string): Confirmation {
  return {
    question: `Force close ${title}?`,
    text:
      'The conversation closes now, whoever has it, and cannot be reopened. ' +
      'The customer is told "This conversation was closed by our team."',
    confirm: 'Force close',
    focus: 'cancel',
  };
}

/**
 * A yes/no question before a step that changes the conversation. A modal <dialog>: focus stays inside,
 * Escape cancels, and focus goes back where it was when it closes.
 */
export class ConfirmDialog {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly text: HTMLElement;
  private readonly confirm: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private answer: ((confirmed: boolean) => void) | undefined;

  constructor() {
    this.heading = h('h2', { id: 'confirm-dialog-title', class: 'dialog-title' });
    this.text = h('p', { id: 'confirm-dialog-text' });
    this.confirm = h('button', { type: 'button', class: 'button danger', onclick: () => this.settle(true) });
    this.cancel = h(
      'button',
      { type: 'button', class: 'button', onclick: () => this.settle(false) },
      'Cancel',
    );
    this.element = h(
      'dialog',
      {
        class: 'dialog',
        role: 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'confirm-dialog-title',
        'aria-describedby': 'confirm-dialog-text',
        oncancel: (event) => {
          event.preventDefault();
          this.settle(false);
        },
      },
      this.heading,
      this.text,
      h('div', { class: 'dialog-actions' }, this.confirm, this.cancel),
    );
  }

  /** Asks, and resolves true when the agent confirms (false for Cancel or Escape). */
  ask(confirmation: Confirmation): Promise<boolean> {
    this.settle(false);
    this.heading.textContent = confirmation.question;
    this.text.textContent = confirmation.text;
    this.confirm.textContent = confirmation.confirm;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.showModal();
    (confirmation.focus === 'cancel' ? this.cancel : this.confirm).focus();
    return new Promise<boolean>((resolve) => {
      this.answer = (confirmed) => {
        this.element.close();
        if (returnFocus?.isConnected) returnFocus.focus();
        resolve(confirmed);
      };
    });
  }

  get open(): boolean {
    return this.element.open;
  }

  private settle(confirmed: boolean): void {
    const pending = this.answer;
    this.answer = undefined;
    pending?.(confirmed);
  }
}
