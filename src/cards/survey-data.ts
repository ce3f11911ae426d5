import type { SurveyCardView } from '../app/customer-views';
import { customerWording } from '../app/customer-wording';
import { CSAT_COMMENT_MAX_CHARS, CSAT_RATING_WORDS } from '../domain/csat';

/** The data of the customer's survey card (cards/csat-survey.json): the question, the choices, what Send carries. */

/** What the survey card's Send carries back (with the inputs `rating` and `comment` merged in by the client). */
export const SURVEY_ANSWER_VERB = 'csatAnswer';

export interface SurveyChoiceData {
  readonly title: string;
  readonly value: string;
}

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
