import { CASE_FIELD_MAX_CHARS } from '../../app/case-sessions';
import { CASE_FIELD_KEYS, CASE_PRIORITIES, type DraftChange, type SessionDetail } from '../agent-api';
import { h } from './dom';

const CASE_FIELD_LABELS: Readonly<Record<(typeof CASE_FIELD_KEYS)[number], string>> = {
  title: 'Case title',
  description: 'Description',
  priority: 'Priority',
};
const PRIORITY_LABELS: Readonly<Record<(typeof CASE_PRIORITIES)[number], string>> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
};

export type CaseInput = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface CaseForm {
  readonly element: HTMLElement;
  /** The inputs by field key, in the form's order. */
  readonly inputs: ReadonlyMap<string, CaseInput>;
}

export interface CaseFormActions {
  /** A field changed: kept as the session's draft (typing saves nothing else). */
  readonly changed: (key: string, value: string) => void;
  /** Save case: the form is saved on the conversation (the server asks for a title). */
  readonly save: () => void;
  /** Where the draft's saving is reported. */
  readonly draftStatus: HTMLElement;
}

/** A case session's form, filled from what is typed and not yet saved, else from the saved draft. */
export function buildCaseForm(
  detail: SessionDetail,
  unsaved: DraftChange | undefined,
  actions: CaseFormActions,
): CaseForm {
  const inputs = new Map<string, CaseInput>();
  const valueOf = (key: string) => unsaved?.caseFields?.[key] ?? detail.draft.caseFields[key] ?? '';
  const fields = CASE_FIELD_KEYS.map((key) => {
    const id = `case-${key}`;
    const input = caseInput(key, id, valueOf(key), (value) => actions.changed(key, value));
    inputs.set(key, input);
    return h('div', { class: 'field' }, h('label', { for: id }, CASE_FIELD_LABELS[key]), input);
  });
  const element = h(
    'form',
    {
      class: 'case-form',
      'aria-label': 'Case',
      onsubmit: (event) => {
        event.preventDefault();
        actions.save();
      },
    },
    ...fields,
    h(
      'div',
      { class: 'case-actions' },
      h('button', { class: 'button primary' }, 'Save case'),
      h(
        'p',
        { class: 'case-note' },
        'Unsaved changes are kept as you type, across session switches and reloads. ',
        actions.draftStatus,
      ),
    ),
  );
  return { element, inputs };
}

function caseInput(
  key: (typeof CASE_FIELD_KEYS)[number],
  id: string,
  value: string,
  changed: (value: string) => void,
): CaseInput {
  if (key === 'priority') {
    const select = h(
      'select',
      { id, name: key, onchange: () => changed(select.value) },
      h('option', { value: '' }, 'Not set'),
      ...CASE_PRIORITIES.map((priority) => h('option', { value: priority }, PRIORITY_LABELS[priority])),
    );
    select.value = value;
    return select;
  }
  if (key === 'description') {
    const area = h('textarea', { id, name: key, rows: 4, value, oninput: () => changed(area.value) });
    return area;
  }
  const input = h('input', {
    id,
    name: key,
    type: 'text',
    maxlength: CASE_FIELD_MAX_CHARS.title,
    value,
    oninput: () => changed(input.value),
  });
  return input;
}
