/**
 * The post-conversation survey as a card, for customers on channels that show Adaptive Cards (Teams, the
 * Emulator): a rating 1–5 and an optional comment, sent back with Action.Submit carrying the conversation's id and
 * the survey's one-time id. Not an agent's card.
 */
export interface SurveyCardView {
  readonly kind: 'csat-survey';
  readonly workItemId: string;
  readonly surveyId: string;
}

/** What an answered survey's card becomes (updated in place): the thanks, the rating given and any comment. */
export interface SurveyThanksView {
  readonly kind: 'csat-thanks';
  readonly rating: number;
  /** The comment as kept (cleaned and cut); customer text. */
  readonly comment?: string;
}

/** Cards a customer is sent. */
export type CustomerCardView = SurveyCardView | SurveyThanksView;
