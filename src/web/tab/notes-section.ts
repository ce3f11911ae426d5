import type { NoteLine } from '../../app/views';
import { h } from './dom';
import { formatClock } from './format';

/** The longest note the server keeps (NOTE_MAX_CHARS); the box stops there rather than have it refused. */
const NOTE_MAX_CHARS = 2000;

export interface NotesSectionActions {
  /** Adds a note; resolves to the conversation's notes after it, or undefined when it was refused. */
  add(text: string): Promise<readonly NoteLine[] | undefined>;
}

/**
 * The Notes section of the Active Conversation pane: the conversation's internal notes (author, time, text),
 * for agents only, and a box to add one. Open when there are notes, folded when there are none (the pane stays
 * short), as the agent leaves it once they toggle it. The list follows the server; what is typed is never touched.
 */
export class NotesSection {
  readonly element: HTMLDetailsElement;
  private readonly count: HTMLElement;
  /** The agent opened or closed the section themselves: it stays as they left it. */
  private toggled = false;
  private readonly list: HTMLElement;
  private readonly box: HTMLTextAreaElement;
  private readonly addButton: HTMLButtonElement;
  private drawn = '';

  constructor(
    notes: readonly NoteLine[],
    private readonly actions: NotesSectionActions,
    readOnlyNotice?: string,
  ) {
    this.list = h('ol', { class: 'notes-list', 'aria-label': 'Notes' });
    this.box = h('textarea', {
      id: 'note-text',
      class: 'note-box',
      rows: 2,
      maxlength: NOTE_MAX_CHARS,
      placeholder: 'A note for whoever has this conversation next',
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Enter' && (key.ctrlKey || key.metaKey)) {
          key.preventDefault();
          void this.add();
        }
      },
    });
    this.addButton = h(
      'button',
      { type: 'button', class: 'button', onclick: () => void this.add() },
      'Add note',
    );
    this.count = h('span', { class: 'notes-count' });
    this.element = h(
      'details',
      { class: 'notes-section' },
      // A click (or Enter, Space) on the summary is the agent's own toggle; `open` set here is not.
      h('summary', { id: 'notes-title', onclick: () => (this.toggled = true) }, 'Notes', this.count),
      h('p', { class: 'notes-hint' }, readOnlyNotice ?? 'For agents only: the customer never sees notes.'),
      this.list,
      h('label', { for: 'note-text', class: 'field-label' }, 'New note'),
      this.box,
      h('div', { class: 'notes-actions' }, this.addButton),
    );
    this.update(notes);
  }

  /** The notes as the server has them now. */
  update(notes: readonly NoteLine[]): void {
    const key = JSON.stringify(notes);
    if (key === this.drawn) return;
    this.drawn = key;
    this.count.textContent = notes.length > 0 ? ` (${notes.length})` : '';
    // Open when there is something to read; a conversation without notes keeps the pane short.
    if (!this.toggled) this.element.open = notes.length > 0;
    this.list.replaceChildren(
      ...(notes.length === 0
        ? [h('li', { class: 'notes-empty' }, 'No notes yet.')]
        : notes.map((note) =>
            h(
              'li',
              { class: 'note' },
              h('span', { class: 'note-meta' }, `${note.authorName} · ${formatClock(note.at)}`),
              h('span', { class: 'note-text' }, note.text),
            ),
          )),
    );
  }

  private async add(): Promise<void> {
    const text = this.box.value.trim();
    if (text === '') {
      this.box.focus();
      return;
    }
    this.addButton.disabled = true;
    try {
      const notes = await this.actions.add(text);
      if (!notes) return;
      this.box.value = '';
      this.update(notes);
    } finally {
      this.addButton.disabled = false;
    }
  }
}
