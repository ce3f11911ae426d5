import type { WrapUpView } from '../../app/views';
import { h } from './dom';
import { formatClock } from './format';

/** The longest wrap-up note the server keeps (it becomes one of the conversation's notes). */
const NOTE_MAX_CHARS = 1900;

export interface WrapUpFormActions {
  /** Finish with the outcome (and note); resolves true once the conversation closed. */
  finish(outcome: string, note: string): Promise<boolean>;
}

/**
 * Where the reply box was, once the conversation has ended: the outcome to choose (a radio group, keyboard first),
 * an optional note for whoever reads the conversation later, and Finish. Says how long the conversation still
 * counts against the agent's capacity and when it closes by itself.
 */
export function wrapUpForm(view: WrapUpView, actions: WrapUpFormActions): HTMLElement {
  const error = h('p', { class: 'wrap-up-error', role: 'alert', hidden: true });
  const choices = view.outcomes.map((outcome, index) =>
    h(
      'label',
      { class: 'wrap-up-choice' },
      h('input', { type: 'radio', name: 'wrap-up-outcome', value: outcome, id: `wrap-up-outcome-${index}` }),
      ` ${outcome}`,
    ),
  );
  const note = h('textarea', {
    id: 'wrap-up-note',
    class: 'note-box',
    rows: 2,
    maxlength: NOTE_MAX_CHARS,
    placeholder: 'What happened, for whoever reads this conversation later (optional)',
  });
  const finish = h('button', { type: 'submit', class: 'button primary' }, 'Finish');
  const form = h(
    'form',
    {
      class: 'wrap-up-form',
      'aria-labelledby': 'wrap-up-title',
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = form.querySelector<HTMLInputElement>('input[name="wrap-up-outcome"]:checked');
        if (!chosen) {
          error.textContent = 'Choose an outcome first.';
          error.hidden = false;
          form.querySelector<HTMLInputElement>('input[name="wrap-up-outcome"]')?.focus();
          return;
        }
        error.hidden = true;
        finish.disabled = true;
        void actions.finish(chosen.value, note.value).finally(() => (finish.disabled = false));
      },
    },
    h('h3', { id: 'wrap-up-title' }, 'Wrap-up'),
    h('p', { class: 'wrap-up-timing' }, timing(view)),
    h('fieldset', { class: 'wrap-up-outcomes' }, h('legend', {}, 'Outcome'), ...choices),
    h('label', { for: 'wrap-up-note', class: 'field-label' }, 'Note (optional, for agents only)'),
    note,
    error,
    h('div', { class: 'wrap-up-actions' }, finish),
  );
  return form;
}

function timing(view: WrapUpView): string {
  const hold =
    view.holdsUntil === undefined
      ? 'It no longer counts against your capacity.'
      : Number.isFinite(view.holdsUntil)
        ? `It counts against your capacity until ${formatClock(view.holdsUntil)}.`
        : 'It counts against your capacity until you finish.';
  return `The customer was told the conversation ended. ${hold} It closes by itself at ${formatClock(view.closesAt)} (outcome "Not set").`;
}
