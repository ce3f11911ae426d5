import type { SurveyCardView, SurveyThanksView } from '../app/customer-views';
import { customerWording } from '../app/customer-wording';
import { CSAT_COMMENT_MAX_CHARS, CSAT_RATING_WORDS, ratingText } from '../domain/csat';
import { escapeCardText } from './escape';

/** What the survey card's Send carries back (with the inputs `rating` and `comment` merged in by the client). */
export const SURVEY_ANSWER_VERB = 'csatAnswer';

export interface SurveyChoiceData {
  readonly title: string;
  readonly value: string;
}

/** The data of the customer's survey card (cards/csat-survey.json): the question, the choices, what Send carries. */
export interface SurveyCardData {
  readonly question: string;
  readonly choices: readonly SurveyChoiceData[];
  readonly commentMaxChars: number;
  readonly verb: string;
  readonly workItemId: string;
  readonly surveyId: string;
}

export function surveyCardData(view: SurveyCardView): SurveyCardData {
  return {
    question: customerWording.survey,
    choices: CSAT_RATING_WORDS.map((words, index) => ({
      title: `${index + 1} · ${words}`,
      value: `${index + 1}`,
    })),
    commentMaxChars: CSAT_COMMENT_MAX_CHARS,
    verb: SURVEY_ANSWER_VERB,
    // The desk's own ids (UUIDs), never customer text.
    workItemId: view.workItemId,
    surveyId: view.surveyId,
  };
}

/** The data of the card an answered survey becomes (cards/csat-thanks.json). */
export interface SurveyThanksData {
  readonly title: string;
  readonly rated: string;
  readonly hasComment: boolean;
  readonly comment: string;
}

export function surveyThanksData(view: SurveyThanksView): SurveyThanksData {
  return {
    title: customerWording.surveyThanks,
    rated: `You rated us ${ratingText(view.rating)}.`,
    hasComment: view.comment !== undefined,
    // The customer's own words, shown back to them: inert all the same.
    comment: view.comment !== undefined ? escapeCardText(view.comment) : '',
  };
}
