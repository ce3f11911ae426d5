import {
  checkAnswer,
  cleanComment,
  CSAT_MAX_ID_CHARS,
  type CsatAnswer,
  surveyDecision,
  type EndedBy,
  SURVEY_CARD_UPDATE_CHANNELS,
  type SurveyRefusal,
} from '../domain/csat';
import { admitMessage } from './customers';
import { customerWording } from './customer-wording';
import type { CustomerNotice, DeskPorts, SurveyGiven } from './desk-context';
import type { Logger } from './ports';
import type { WorkItemDocument } from './documents';
import { announceWorkItemChange } from './work-item-index';

/**
 * The post-conversation survey (CSAT_SURVEY): asked in the End's own transaction, answered by the customer once.
 * The rules are in src/domain/csat.ts; this reads and writes the survey's row and tells the customer.
 */

export type SurveyAskPorts = Pick<
  DeskPorts,
  'surveys' | 'notifier' | 'ids' | 'clock' | 'logger' | 'settings'
>;

/**
 * After an End: asks the conversation's customer "How did we do? (1–5)" when the rules say so, once per
 * conversation (a survey already asked is not asked again). Call it inside the End's unit of work, after the
 * End's own words to the customer, so the question is queued with them, in order, or not at all.
 */
export async function askSurvey(
  deps: SurveyAskPorts,
  doc: WorkItemDocument,
  endedBy: EndedBy,
): Promise<boolean> {
  const { item } = doc;
  const decision = surveyDecision(deps.settings.csatSurvey === true, endedBy, item);
  const fields = { workItemId: item.id, customerId: item.customerId, endedBy };
  if (!decision.ask) {
    if (decision.reason !== 'off' && decision.reason !== 'not-an-end') {
      deps.logger.debug({ ...fields, reason: decision.reason }, 'survey not asked');
    }
    return false;
  }
  const surveyId = deps.ids.next();
  const asked = await deps.surveys.ask({
    workItemId: item.id,
    surveyId,
    customerId: item.customerId,
    workstream: item.workstream,
    ...(item.lastAgentId !== undefined ? { agentId: item.lastAgentId } : {}),
    askedAt: deps.clock.now(),
  });
  if (!asked) {
    deps.logger.debug({ ...fields, reason: 'asked-already' }, 'survey not asked');
    return false;
  }
  await deps.notifier.toCustomer(item.customerId, customerWording.survey, {
    kind: 'survey',
    survey: { workItemId: item.id, surveyId },
  });
  deps.logger.info({ ...fields, surveyId }, 'survey asked');
  return true;
}

/** A survey answer as a channel brought it: who sent it, and what its data claims (not yet checked). */
export interface SurveyAnswerInput {
  readonly customerId: string;
  readonly channelId: string;
  /** The channel's id of the answer's activity: a replay of it is taken once. */
  readonly activityId?: string;
  /** The activity the answer was pressed on (the survey card's, as the channel says): replaced by the thanks. */
  readonly cardActivityId?: string;
  readonly workItemId: string;
  readonly surveyId: string;
  readonly rating: unknown;
  readonly comment: unknown;
}

export type SurveyAnswerOutcome =
  | { readonly kind: 'answered'; readonly workItemId: string; readonly rating: number }
  | { readonly kind: 'refused'; readonly reason: SurveyRefusal | 'malformed' }
  | { readonly kind: 'replayed' }
  | { readonly kind: 'rate-limited' };

export type SurveyAnswerPorts = Pick<
  DeskPorts,
  'surveys' | 'customers' | 'customerTurns' | 'unitOfWork' | 'notifier' | 'clock' | 'logger' | 'settings'
>;

/** What the customer is told when an answer is not recorded: short, and nothing about anyone else's survey. */
const REFUSAL_WORDING: Readonly<Record<SurveyRefusal | 'malformed', string>> = {
  'not-asked': customerWording.surveyRefused,
  'other-customer': customerWording.surveyRefused,
  'wrong-survey-id': customerWording.surveyRefused,
  malformed: customerWording.surveyRefused,
  'answered-already': customerWording.surveyAnsweredAlready,
  'no-longer-pending': customerWording.surveyClosed,
  expired: customerWording.surveyClosed,
  'rating-out-of-range': customerWording.surveyRatingOutOfRange,
};

/** Refusals that are not a customer's slip (a second press, a late answer) but someone trying another's survey. */
const SUSPICIOUS: ReadonlySet<string> = new Set([
  'not-asked',
  'other-customer',
  'wrong-survey-id',
  'malformed',
]);

function usableId(value: string): boolean {
  return value !== '' && value.length <= CSAT_MAX_ID_CHARS;
}

/**
 * A customer answers a survey (the card's Send, the web chat page's buttons). Taken in turn with their messages,
 * in one transaction. The answer is recorded only for a survey asked of this very customer, carrying its own id,
 * not answered yet, still pending (their latest conversation, within a day) and rated 1–5; the first answer
 * stands. Anything else is refused: the customer is told briefly, the refusal is logged with the ids, and the
 * survey and the conversation are left as they were.
 */
export function answerSurvey(
  deps: SurveyAnswerPorts,
  input: SurveyAnswerInput,
): Promise<SurveyAnswerOutcome> {
  return deps.customerTurns.run(input.customerId, () =>
    deps.unitOfWork.run(() => new AnswerTurn(deps, input).take()),
  );
}

/** One answer's turn: its log (with the ids it claims), what the customer is told, and the checks in order. */
class AnswerTurn {
  private readonly log: Logger;
  private readonly replyTo: { readonly replyToId?: string };

  constructor(
    private readonly deps: SurveyAnswerPorts,
    private readonly input: SurveyAnswerInput,
  ) {
    this.log = deps.logger.child({
      customerId: input.customerId,
      workItemId: input.workItemId.slice(0, CSAT_MAX_ID_CHARS),
      surveyId: input.surveyId.slice(0, CSAT_MAX_ID_CHARS),
    });
    this.replyTo = input.activityId !== undefined ? { replyToId: input.activityId } : {};
  }

  async take(): Promise<SurveyAnswerOutcome> {
    const { deps, input } = this;
    const now = deps.clock.now();
    // Someone the desk never heard from has been asked nothing: refused before anything is written for them.
    if (!(await deps.customers.get(input.customerId))) return this.refuse('not-asked');
    const { verdict, customer } = await admitMessage(deps, input, now);
    if (verdict === 'replayed') {
      this.log.info({ activityId: input.activityId }, 'survey answer replayed by the channel: taken already');
      return { kind: 'replayed' };
    }
    if (verdict === 'rate-limited') {
      this.log.info({}, 'customer rate-limited');
      await deps.notifier.toCustomer(input.customerId, customerWording.rateLimited, {
        kind: 'rate-limited',
        ...this.replyTo,
      });
      return { kind: 'rate-limited' };
    }
    if (!usableId(input.workItemId) || !usableId(input.surveyId)) return this.refuse('malformed');
    const survey = await deps.surveys.get(input.workItemId);
    const { customerId, workItemId, surveyId, rating } = input;
    const check = checkAnswer(
      survey,
      { customerId, workItemId, surveyId, rating },
      { latestWorkItemId: customer?.latestWorkItemId, now },
    );
    if (!check.ok) return this.refuse(check.reason);
    return this.record(check.rating, survey?.agentId, now);
  }

  private async record(
    rating: number,
    agentId: string | undefined,
    now: number,
  ): Promise<SurveyAnswerOutcome> {
    const { deps, input } = this;
    const { comment, truncated } = cleanComment(input.comment);
    const written = await deps.surveys.answer(input.workItemId, input.surveyId, {
      rating,
      ...(comment !== undefined ? { comment } : {}),
      answeredAt: now,
    });
    // Another answer was recorded between the read and the write: the first one stands.
    if (!written) return this.refuse('answered-already');
    const card = this.answeredCard({ rating, ...(comment !== undefined ? { comment } : {}) });
    this.log.info(
      { rating, comment: comment !== undefined, truncated, agentId, cardUpdated: card !== undefined },
      'survey answered',
    );
    // Queued in the answer's own transaction, after it is kept: a card update that fails is retried (or a new
    // card posted when that one is gone) and never takes the answer with it.
    await deps.notifier.toCustomer(input.customerId, customerWording.surveyThanks, {
      kind: 'survey-reply',
      ...this.replyTo,
      ...(card !== undefined ? { answeredCard: card } : {}),
    });
    // The Floor and the agent's closed item show the rating: their live views read again.
    await announceWorkItemChange(deps);
    if (agentId !== undefined) await deps.notifier.agentChanged?.(agentId);
    return { kind: 'answered', workItemId: input.workItemId, rating };
  }

  /**
   * The survey card the answer was pressed on, to become the thanks, when the channel can update it (Teams, the
   * Emulator). The web chat page's inline survey names no card: it is thanked with a message, as before.
   */
  private answeredCard(answer: SurveyGiven): CustomerNotice['answeredCard'] {
    const { cardActivityId, channelId } = this.input;
    if (cardActivityId === undefined || !usableId(cardActivityId)) return undefined;
    return SURVEY_CARD_UPDATE_CHANNELS.has(channelId) ? { activityId: cardActivityId, answer } : undefined;
  }

  private async refuse(reason: SurveyRefusal | 'malformed'): Promise<SurveyAnswerOutcome> {
    this.log[SUSPICIOUS.has(reason) ? 'warn' : 'info']({ reason }, 'survey answer refused');
    await this.deps.notifier.toCustomer(this.input.customerId, REFUSAL_WORDING[reason], {
      kind: 'survey-reply',
      ...this.replyTo,
    });
    return { kind: 'refused', reason };
  }
}

/**
 * What an agent's view of an ended conversation shows of its survey: the customer's answer, once given. Read only
 * for a conversation in wrap-up or closed (nobody is asked before the End).
 */
export async function surveyAnswerOf(
  deps: Pick<DeskPorts, 'surveys'>,
  doc: WorkItemDocument,
): Promise<{ readonly csat?: CsatAnswer }> {
  const { state } = doc.item;
  if (state !== 'wrap-up' && state !== 'closed') return {};
  const answer = (await deps.surveys.get(doc.item.id))?.answer;
  return answer ? { csat: answer } : {};
}
