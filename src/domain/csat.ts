import type { WorkItem } from './work-item';

/**
 * The post-conversation satisfaction survey (CSAT), as Omnichannel's post-conversation survey: after an End the
 * customer is asked "How did we do? (1–5)" with an optional comment, once per conversation; the answer is kept with
 * the conversation. Pure: the app reads and writes the survey's row.
 */

export const CSAT_MIN_RATING = 1;
export const CSAT_MAX_RATING = 5;
/** The longest comment kept; a longer one is cut with "(truncated)". */
export const CSAT_COMMENT_MAX_CHARS = 1000;
/** How long after it was asked a survey may be answered. */
export const CSAT_ANSWER_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The longest survey or work item id an answer may carry: anything longer is no id the desk gave. */
export const CSAT_MAX_ID_CHARS = 200;

/** What each rating means, 1 first: the words the card and the page put beside the numbers. */
export const CSAT_RATING_WORDS: readonly string[] = [
  'Very dissatisfied',
  'Dissatisfied',
  'Neither satisfied nor dissatisfied',
  'Satisfied',
  'Very satisfied',
];

/**
 * Channels whose clients show an Adaptive Card (Teams, the Bot Framework Emulator, Web Chat and Direct Line
 * clients; the desk's own web chat page shows the survey inline). Elsewhere (SMS, social channels) nothing could
 * answer it, so nobody is asked.
 */
export const SURVEY_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'emulator', 'webchat', 'directline']);

/**
 * Channels where the bot can update a card it sent (Teams, the Emulator): there the survey card the customer
 * answered is replaced by a read-only thank-you. Direct Line cannot update an activity, and the desk's web chat
 * page shows the survey inline and answers it without naming a card, so elsewhere the thanks is a message.
 */
export const SURVEY_CARD_UPDATE_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'emulator']);

/** How a conversation came to an end (or closed without one). Only an End asks for a rating. */
export type EndedBy =
  | 'agent'
  | 'customer'
  /** A wrap-up nobody finished: the End that asked already happened. */
  | 'wrap-up-timeout'
  | 'force-close'
  | 'abandoned'
  | 'overflow'
  | 'expired';

export type SurveySkip =
  'off' | 'not-an-end' | 'no-agent' | 'customer-left' | 'channel-shows-no-cards' | 'asked-already';

/** Whether the customer is asked, and why not when they are not (for the log). */
export type SurveyDecision = { readonly ask: true } | { readonly ask: false; readonly reason: SurveySkip };

/**
 * The customer is asked after an End by the agent or by themselves, when an agent took part (a queued customer who
 * gives up has nobody to rate), when they are still there to be asked and their channel can show the question.
 * Never after a Force close, an abandoned chat, an overflow or a waiting period running out.
 */
export function surveyDecision(
  enabled: boolean,
  endedBy: EndedBy,
  item: Pick<WorkItem, 'lastAgentId' | 'customerLeftAt' | 'channelId'>,
): SurveyDecision {
  if (!enabled) return { ask: false, reason: 'off' };
  if (endedBy !== 'agent' && endedBy !== 'customer') return { ask: false, reason: 'not-an-end' };
  if (item.lastAgentId === undefined) return { ask: false, reason: 'no-agent' };
  if (item.customerLeftAt !== undefined) return { ask: false, reason: 'customer-left' };
  if (!SURVEY_CHANNELS.has(item.channelId)) return { ask: false, reason: 'channel-shows-no-cards' };
  return { ask: true };
}

export interface CsatAnswer {
  readonly rating: number;
  readonly comment?: string;
  readonly answeredAt: number;
}

/** A survey asked of a customer at the End of one conversation: one per conversation. */
export interface CsatSurvey {
  readonly workItemId: string;
  /** The one-time id the answer must carry (the card's and the page's data). */
  readonly surveyId: string;
  /** Who was asked (`channelId:from.id`): only they may answer. */
  readonly customerId: string;
  readonly workstream: string;
  /** The agent who had the conversation. */
  readonly agentId?: string;
  readonly askedAt: number;
  readonly answer?: CsatAnswer;
}

/** A rating as given: a whole number 1–5, or its digit as text (an Input.ChoiceSet's value); else undefined. */
export function parseRating(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= CSAT_MIN_RATING && value <= CSAT_MAX_RATING
      ? value
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return /^[1-5]$/.test(trimmed) ? Number(trimmed) : undefined;
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A comment as kept: control characters and bidi overrides gone (line breaks kept, at most one blank line in a
 * row), trimmed, cut at CSAT_COMMENT_MAX_CHARS with "(truncated)"; undefined when nothing is left or it is no text.
 */
export function cleanComment(value: unknown): { readonly comment?: string; readonly truncated: boolean } {
  if (typeof value !== 'string') return { truncated: false };
  const clean = value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (clean === '') return { truncated: false };
  if (clean.length <= CSAT_COMMENT_MAX_CHARS) return { comment: clean, truncated: false };
  // Never cut a surrogate pair in half.
  const end = /[\uDC00-\uDFFF]/.test(clean.charAt(CSAT_COMMENT_MAX_CHARS))
    ? CSAT_COMMENT_MAX_CHARS - 1
    : CSAT_COMMENT_MAX_CHARS;
  return { comment: `${clean.slice(0, end).trimEnd()} (truncated)`, truncated: true };
}

/** What a customer's answer claims: the conversation, the survey's one-time id, the rating as sent. */
export interface ClaimedAnswer {
  readonly customerId: string;
  readonly workItemId: string;
  readonly surveyId: string;
  readonly rating: unknown;
}

export type SurveyRefusal =
  /** No survey was asked for that conversation (or there is no such conversation). */
  | 'not-asked'
  /** The survey was asked of another customer. */
  | 'other-customer'
  /** The survey id does not match: forged, or from another survey. */
  | 'wrong-survey-id'
  | 'answered-already'
  /** The customer has started another conversation since: the survey is no longer pending. */
  | 'no-longer-pending'
  | 'expired'
  | 'rating-out-of-range';

export type AnswerCheck =
  { readonly ok: true; readonly rating: number } | { readonly ok: false; readonly reason: SurveyRefusal };

/** Compares two strings in time that does not depend on where they first differ. */
function sameId(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    difference |= (a.charCodeAt(index) || 0) ^ (b.charCodeAt(index) || 0);
  }
  return difference === 0;
}

/**
 * Whether an answer is taken. Who may answer is settled first (the survey exists, was asked of this customer,
 * the id is its own), so a forged answer learns nothing about the survey; then whether it is still open (not
 * answered, still the customer's latest conversation, within CSAT_ANSWER_WINDOW_MS); the rating last. The first
 * answer stands: a second one is refused.
 */
export function checkAnswer(
  survey: CsatSurvey | undefined,
  claimed: ClaimedAnswer,
  context: { readonly latestWorkItemId: string | undefined; readonly now: number },
): AnswerCheck {
  if (!survey || survey.workItemId !== claimed.workItemId) return { ok: false, reason: 'not-asked' };
  if (survey.customerId !== claimed.customerId) return { ok: false, reason: 'other-customer' };
  if (!sameId(survey.surveyId, claimed.surveyId)) return { ok: false, reason: 'wrong-survey-id' };
  if (survey.answer) return { ok: false, reason: 'answered-already' };
  if (context.latestWorkItemId !== survey.workItemId) return { ok: false, reason: 'no-longer-pending' };
  if (context.now - survey.askedAt > CSAT_ANSWER_WINDOW_MS) return { ok: false, reason: 'expired' };
  const rating = parseRating(claimed.rating);
  if (rating === undefined) return { ok: false, reason: 'rating-out-of-range' };
  return { ok: true, rating };
}

/** The team's answers over a time: how many, and their mean to one decimal (none without answers). */
export interface CsatSummary {
  readonly answers: number;
  readonly average?: number;
}

export function csatSummary(answers: number, ratingSum: number): CsatSummary {
  if (answers <= 0) return { answers: 0 };
  return { answers, average: Math.round((ratingSum / answers) * 10) / 10 };
}

/** "4 of 5": a rating as a person reads it. */
export function ratingText(rating: number): string {
  return `${rating} of ${CSAT_MAX_RATING}`;
}

/**
 * The instant the local day of `now` began in the zone (the desk's OPERATING_HOURS zone, else UTC): the Floor's
 * "today". Read with Intl; a day that starts at a clock change is found by a second look.
 */
export function startOfLocalDay(now: number, timeZone: string): number {
  const sinceMidnight = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(instant));
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    return ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (instant % 1000);
  };
  const guess = now - sinceMidnight(now);
  const off = sinceMidnight(guess);
  // The guess lands off midnight when the offset changed since then: an hour after it, or an hour before it.
  if (off === 0) return guess;
  return off < 12 * 3600_000 ? guess - off : guess + (24 * 3600_000 - off);
}
