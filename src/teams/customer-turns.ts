import type { TurnContext } from 'botbuilder';
import { findContact } from '../app/contacts';
import { receiveCustomerMessage, type CustomerMessage, type CustomerPorts } from '../app/customers';
import { customerEnds, type CustomerEndPorts } from '../app/customer-end';
import { answerSurvey, type SurveyAnswerPorts } from '../app/csat-survey';
import { customerLeft, type DeliveryPorts } from '../app/deliveries';
import type { Logger } from '../app/ports';
import type { ContactDirectory } from '../app/repositories';
import type { NoticeView } from '../app/views';
import type { CustomerIdentity } from '../domain/session-title';
import { SURVEY_ANSWER_VERB } from '../cards/survey-data';
import { isObject } from '../shared/json';
import type { PrechatSurvey } from './prechat/prechat-survey';
import type { CustomerSender } from './sender';
import { fieldsOf, type TurnReplies } from './turn-replies';

export const CUSTOMER_ACTION_REFUSED: NoticeView = {
  kind: 'notice',
  title: 'Not available',
  text: 'Buttons on these cards are for agents. Please type your message instead.',
  tone: 'warning',
};

/** What a customer types, alone, to end the chat (the web chat page's End chat button sends it too). */
export const END_COMMAND = 'end';

/** A card submit (or the web chat page's answer) carrying the survey's verb: the rest is checked by the desk. */
function isSurveyAnswer(value: unknown): value is Record<string, unknown> {
  return isObject(value) && value['verb'] === SURVEY_ANSWER_VERB;
}

/** An id as sent: a string as it is, anything else as no id at all (refused by the desk). */
function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The Bot Framework Emulator names every user "User": that is no name anyone gave. */
const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set(['user']);
const MAX_GIVEN_NAME_CHARS = 64;

/** A name a customer gave themselves, cleaned, or undefined when there is none worth showing. */
export function givenName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  if (clean === '' || PLACEHOLDER_NAMES.has(clean.toLowerCase())) return undefined;
  return [...clean].slice(0, MAX_GIVEN_NAME_CHARS).join('');
}

export interface CustomerTurnsOptions {
  readonly ports: CustomerPorts & DeliveryPorts & CustomerEndPorts & SurveyAnswerPorts;
  /** Read-only here: the contacts directory, whose record of a Teams user wins over their Teams name. */
  readonly contacts: ContactDirectory;
  readonly replies: TurnReplies;
  readonly logger: Logger;
  /** The pre-chat survey, when PRECHAT_QUESTIONS configures one; without it nobody is asked anything. */
  readonly prechat?: Pick<PrechatSurvey, 'run'> | undefined;
  /** Waits (briefly, bounded) for the card a relayed message queued for its agent to go out. */
  readonly relayed?: ((agentId: string) => Promise<void>) | undefined;
}

/** What customers' turns do: their messages (after any pre-chat survey) reach the desk; their leaving ends work. */
export class CustomerTurns {
  constructor(private readonly options: CustomerTurnsOptions) {}

  async message(context: TurnContext, customer: CustomerSender): Promise<void> {
    const { logger, ports } = this.options;
    const activity = context.activity;
    const fields = { ...fieldsOf(context), customerId: customer.customerId };
    if (isSurveyAnswer(activity.value)) {
      const answered = await answerSurvey(ports, {
        customerId: customer.customerId,
        channelId: customer.channelId,
        ...(activity.id ? { activityId: activity.id } : {}),
        // A card's Action.Submit arrives as a reply to the card it was pressed on.
        ...(activity.replyToId ? { cardActivityId: activity.replyToId } : {}),
        workItemId: stringOf(activity.value['workItemId']),
        surveyId: stringOf(activity.value['surveyId']),
        rating: activity.value['rating'],
        comment: activity.value['comment'],
      });
      logger.debug({ ...fields, outcome: answered.kind }, 'survey answer from a customer');
      return;
    }
    if (activity.value !== undefined && activity.value !== null) {
      logger.info(fields, 'card submit from a customer refused');
      await this.options.replies.card(context, customer, CUSTOMER_ACTION_REFUSED);
      return;
    }
    const text = typeof activity.text === 'string' ? activity.text.trim() : '';
    if (text.toLowerCase() === END_COMMAND) {
      const ended = await customerEnds(ports, customer.customerId, activity.id || undefined);
      logger.info({ ...fields, outcome: ended.kind }, 'customer asked to end the chat');
      return;
    }
    // Asked before the text check: while a survey is under way an empty message is an empty answer.
    const prechat = await this.options.prechat?.run(context, customer.customerId, text, fields);
    if (prechat?.kind === 'asking') return;
    if (prechat?.kind === 'answered') {
      await receiveCustomerMessage(ports, {
        ...(await this.customerOf(context, customer)),
        text: prechat.firstMessage,
        prechat: prechat.answers,
      });
      return;
    }
    if (!text) {
      logger.debug(fields, 'customer message without text ignored');
      return;
    }
    const outcome = await receiveCustomerMessage(ports, {
      ...(await this.customerOf(context, customer)),
      text,
    });
    if (outcome.kind === 'relayed') await this.options.relayed?.(outcome.agentId);
  }

  /** A customer's channel ended their conversation (the chat was closed, or expired): they have left. */
  async left(context: TurnContext, customer: CustomerSender): Promise<void> {
    this.options.logger.info({ ...fieldsOf(context), customerId: customer.customerId }, 'customer left');
    await customerLeft(this.options.ports, customer.customerId);
  }

  private async customerOf(
    context: TurnContext,
    customer: CustomerSender,
  ): Promise<Omit<CustomerMessage, 'text' | 'prechat'>> {
    const identity = await this.teamsIdentity(context, customer);
    const activityId = context.activity.id;
    const nameGiven = identity ? undefined : givenName(context.activity.from?.name);
    return {
      customerId: customer.customerId,
      channelId: customer.channelId,
      ...(identity ? { identity } : {}),
      ...(activityId ? { activityId } : {}),
      ...(nameGiven ? { nameGiven } : {}),
    };
  }

  /**
   * Teams has signed in a user who writes as a customer, so their Teams name titles the session — unless
   * the contacts directory knows them, whose record the desk prefers.
   */
  private async teamsIdentity(
    context: TurnContext,
    customer: CustomerSender,
  ): Promise<CustomerIdentity | undefined> {
    const { channelId, from } = context.activity;
    if (channelId !== 'msteams' || typeof from?.aadObjectId !== 'string' || from.aadObjectId === '') {
      return undefined;
    }
    const contactName = typeof from.name === 'string' ? from.name.trim() : '';
    if (!contactName || (await findContact(this.options.contacts, customer.customerId))) return undefined;
    return { contactName };
  }
}
