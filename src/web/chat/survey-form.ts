import { CSAT_COMMENT_MAX_CHARS, CSAT_RATING_WORDS } from '../../domain/csat';
import type { NoticeSurvey } from '../webchat/directline-contract';
import { h } from '../tab/dom';

/**
 * The post-conversation survey inline on the web chat page: five buttons 1–5 (one pressed at a time), an optional
 * comment and Send. What Send posts is a message like any other (so it queues, shows "Sending…" and can be sent
 * again), carrying the survey's answer as its value, as a card's Action.Submit would.
 */

/** What the desk's bot reads (src/cards/survey-data.ts SURVEY_ANSWER_VERB). */
const ANSWER_VERB = 'csatAnswer';

export interface SurveyAnswer {
  readonly rating: number;
  readonly comment: string;
}

/** The line the customer's answer shows as in their transcript (and their downloaded copy). */
export function answerText(answer: SurveyAnswer): string {
  const comment = answer.comment.trim();
  return `Rating: ${answer.rating} of 5${comment ? `\nComment: ${comment}` : ''}`;
}

/** The value posted with the answer: the survey it answers, the rating and the comment. */
export function answerValue(survey: NoticeSurvey, answer: SurveyAnswer): Readonly<Record<string, unknown>> {
  return {
    verb: ANSWER_VERB,
    workItemId: survey.workItemId,
    surveyId: survey.surveyId,
    rating: answer.rating,
    ...(answer.comment.trim() ? { comment: answer.comment.trim() } : {}),
  };
}

let forms = 0;

/** The five rating buttons, one pressed at a time (aria-pressed); `chosen` hears each choice. */
function ratingButtons(chosen: (rating: number) => void): HTMLButtonElement[] {
  const buttons = CSAT_RATING_WORDS.map((words, index) =>
    h(
      'button',
      {
        type: 'button',
        class: 'survey-rating',
        'aria-pressed': 'false',
        'aria-label': `${index + 1}, ${words.toLowerCase()}`,
        title: words,
        'data-rating': index + 1,
        onclick: () => choose(index + 1),
      },
      String(index + 1),
    ),
  );
  const choose = (rating: number) => {
    for (const [index, button] of buttons.entries()) {
      button.setAttribute('aria-pressed', String(index + 1 === rating));
    }
    chosen(rating);
  };
  return buttons;
}

/** The rating's fieldset: the buttons under a legend for screen readers, the scale's two ends beneath. */
function ratingScale(id: string, buttons: readonly HTMLButtonElement[]): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'survey-scale' },
    h('legend', { id: `${id}-legend`, class: 'visually-hidden' }, 'Your rating, from 1 to 5'),
    h('div', { class: 'survey-ratings', role: 'group', 'aria-labelledby': `${id}-legend` }, ...buttons),
    h(
      'p',
      { class: 'survey-ends', 'aria-hidden': 'true' },
      h('span', {}, CSAT_RATING_WORDS[0] ?? ''),
      h('span', {}, CSAT_RATING_WORDS[CSAT_RATING_WORDS.length - 1] ?? ''),
    ),
  );
}

/** One survey's form: built once and kept, so a redraw of the transcript keeps the rating and comment chosen. */
export function surveyForm(onSend: (answer: SurveyAnswer) => void): HTMLFormElement {
  const id = `survey-${(forms += 1)}`;
  let rating: number | undefined;
  const send = h('button', { type: 'submit', class: 'survey-send', disabled: true }, 'Send feedback');
  const buttons = ratingButtons((chosen) => {
    rating = chosen;
    send.disabled = false;
  });
  const comment = h('textarea', {
    id: `${id}-comment`,
    class: 'survey-comment',
    rows: 2,
    dir: 'auto',
    maxlength: CSAT_COMMENT_MAX_CHARS,
    placeholder: "Anything you'd like to tell us?",
  });
  const form = h(
    'form',
    { class: 'survey', 'aria-labelledby': `${id}-legend` },
    ratingScale(id, buttons),
    h(
      'label',
      { for: `${id}-comment`, class: 'survey-comment-label' },
      'Comment ',
      h('span', { class: 'optional' }, '(optional)'),
    ),
    comment,
    h('p', { class: 'survey-actions' }, send),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (rating === undefined) return;
    onSend({ rating, comment: comment.value });
  });
  // Enter sends from the comment, as in the composer; Shift+Enter adds a line.
  comment.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return form;
}
