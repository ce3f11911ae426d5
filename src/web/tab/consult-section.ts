import type { ConsultView } from '../../app/views';
import { h } from './dom';
import { formatClock } from './format';

/** The longest line of the consult thread the server keeps (a note's length). */
const LINE_MAX_CHARS = 2000;

export interface ConsultSectionActions {
  /** Writes a line in the private thread; resolves to the consult after it, or undefined when refused. */
  say(text: string): Promise<ConsultView | undefined>;
  /** The conversation's agent lets a consultant write to the customer too. */
  add(agentId: string): void;
  /** The conversation's agent removes a consultant, or (no id) the consultant leaves. */
  leave(agentId?: string): void;
}

/**
 * The Consult section of the Active Conversation pane, shown while the conversation has consultants: who consults
 * (the agent can add each to the conversation or remove them; a consultant can leave), and the private thread
 * between them, which the customer never sees. What is typed is never touched by a refresh.
 */
export class ConsultSection {
  readonly element: HTMLElement;
  private readonly people: HTMLElement;
  private readonly thread: HTMLElement;
  private readonly box: HTMLTextAreaElement;
  private drawn = '';

  constructor(
    consult: ConsultView,
    private readonly actions: ConsultSectionActions,
  ) {
    this.people = h('ul', { class: 'consultants', 'aria-label': 'Consultants' });
    this.thread = h('ol', { class: 'notes-list consult-thread', 'aria-label': 'Consult thread' });
    this.box = h('textarea', {
      id: 'consult-text',
      class: 'note-box',
      rows: 2,
      maxlength: LINE_MAX_CHARS,
      placeholder: 'Write to your colleague (the customer never sees this)',
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Enter' && (key.ctrlKey || key.metaKey)) {
          key.preventDefault();
          void this.say();
        }
      },
    });
    this.element = h(
      'section',
      { class: 'consult-section', 'aria-labelledby': 'consult-title' },
      h('h4', { id: 'consult-title' }, 'Consult'),
      this.people,
      this.thread,
      h('label', { for: 'consult-text', class: 'field-label' }, 'Consult thread'),
      this.box,
      h(
        'div',
        { class: 'notes-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => void this.say() }, 'Send to consult'),
      ),
    );
    this.update(consult);
  }

  update(consult: ConsultView): void {
    const key = JSON.stringify(consult);
    if (key === this.drawn) return;
    this.drawn = key;
    const intro =
      consult.role === 'consultant'
        ? h(
            'li',
            { class: 'consult-intro' },
            consult.added
              ? `You're consulting for ${consult.agentName} and can write to the customer too.`
              : `You're consulting for ${consult.agentName}: read-only; write to them here.`,
            h(
              'button',
              { type: 'button', class: 'button small', onclick: () => this.actions.leave() },
              'Leave',
            ),
          )
        : null;
    this.people.replaceChildren(
      ...(intro ? [intro] : []),
      ...consult.consultants.map((person) =>
        h(
          'li',
          { class: 'consultant', 'data-agent-id': person.agentId },
          h('span', {}, person.name, person.added ? ' · in the conversation' : ' · read-only'),
          consult.role === 'agent' && !person.added
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button small',
                  'aria-label': `Add ${person.name} to the conversation`,
                  onclick: () => this.actions.add(person.agentId),
                },
                'Add to conversation',
              )
            : null,
          consult.role === 'agent'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button small',
                  'aria-label': `Remove ${person.name}`,
                  onclick: () => this.actions.leave(person.agentId),
                },
                'Remove',
              )
            : null,
        ),
      ),
    );
    this.drawThread(consult);
  }

  private drawThread(consult: ConsultView): void {
    this.thread.replaceChildren(
      ...(consult.thread.length === 0
        ? [h('li', { class: 'notes-empty' }, 'Nothing written yet.')]
        : consult.thread.map((line) =>
            h(
              'li',
              { class: 'note' },
              h('span', { class: 'note-meta' }, `${line.authorName} · ${formatClock(line.at)}`),
              h('span', { class: 'note-text' }, line.text),
            ),
          )),
    );
  }

  private async say(): Promise<void> {
    const text = this.box.value.trim();
    if (text === '') {
      this.box.focus();
      return;
    }
    const consult = await this.actions.say(text);
    if (!consult) return;
    this.box.value = '';
    this.update(consult);
  }
}
