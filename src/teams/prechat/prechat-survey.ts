import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogTurnResult } from 'botbuilder-dialogs';
import type { LogFields, Logger } from '../../app/ports';
import type { PrechatAnswer } from '../../app/views';
import type { PrechatQuestion } from '../../config/config';
import { KeyedQueue } from '../../app/keyed-queue';
import {
  PRECHAT_DIALOG_ID,
  PrechatDialog,
  type PrechatDialogOptions,
  type PrechatResult,
} from './prechat-dialog';
import { StoredDialogState, type PrechatStates } from './prechat-state';

/** What the survey made of a customer's message. */
export type PrechatOutcome =
  /** No survey for this message (a live work item, or nothing to start one with): the desk takes it as is. */
  | { readonly kind: 'not-asked' }
  /** A question was asked; the desk hears nothing yet. */
  | { readonly kind: 'asking' }
  /** The last question was answered: the desk gets the first message with the answers. */
  | { readonly kind: 'answered'; readonly firstMessage: string; readonly answers: readonly PrechatAnswer[] };

export interface PrechatSurveyOptions {
  /** From PRECHAT_QUESTIONS; at least one. */
  readonly questions: readonly PrechatQuestion[];
  /** Where each customer's survey state is kept (saved conditionally on its revision). */
  readonly states: PrechatStates;
  /** Asked of the desk: a customer whose message joins a live work item is not surveyed. */
  readonly hasLiveWorkItem: (customerId: string) => Promise<boolean>;
  /**
   * Sends one of the survey's replies to the customer of the turn, in order (the app queues them in the
   * outbox, which stamps each with its relaydeskId).
   */
  readonly send: (context: TurnContext, customerId: string, activity: Partial<Activity>) => Promise<void>;
  readonly logger: Logger;
  readonly maxAnswerChars?: number;
  /** Turns run again on fresh state after losing a save to another process. */
  readonly maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Holds a turn's replies instead of sending them, so that nothing a losing turn said reaches the customer:
 * they are sent only once the turn's state is saved.
 */
class HeldReplies extends BotAdapter {
  readonly activities: Partial<Activity>[] = [];

  sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    this.activities.push(...activities);
    return Promise.resolve(activities.map(() => ({ id: '' })));
  }

  updateActivity(): Promise<void> {
    return Promise.reject(new Error('The pre-chat survey only sends messages.'));
  }

  deleteActivity(): Promise<void> {
    return Promise.reject(new Error('The pre-chat survey only sends messages.'));
  }

  continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(new Error('The pre-chat survey only sends messages.'));
  }
}

/**
 * Runs the pre-chat dialog for customers who are about to start a conversation. Each turn reads the
 * customer's dialog state, runs the dialog with replies held back, saves the state with compare-and-swap,
 * and only then sends the replies; a turn that lost the save runs again on the state that won.
 */
export class PrechatSurvey {
  private readonly dialogs: DialogSet;
  private readonly state: StoredDialogState;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  /** One customer's turns run one at a time in this process; the revision check guards across processes. */
  private readonly turns = new KeyedQueue();

  constructor(private readonly options: PrechatSurveyOptions) {
    this.state = new StoredDialogState(options.states);
    this.dialogs = new DialogSet(this.state);
    const settings = options.maxAnswerChars === undefined ? {} : { maxAnswerChars: options.maxAnswerChars };
    this.dialogs.add(new PrechatDialog(options.questions, settings));
    this.logger = options.logger.child({ component: 'prechat' });
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  /** `text` is the customer's message as the bot read it (trimmed; '' when it had none). */
  run(
    context: TurnContext,
    customerId: string,
    text: string,
    fields: LogFields = {},
  ): Promise<PrechatOutcome> {
    return this.turns.run(customerId, () =>
      this.runTurn(context, customerId, text, { ...fields, customerId }),
    );
  }

  private async runTurn(
    context: TurnContext,
    customerId: string,
    text: string,
    fields: LogFields,
  ): Promise<PrechatOutcome> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const held = new HeldReplies();
      const turn = new TurnContext(held, { ...context.activity, text });
      await this.state.load(turn, customerId);
      const dialogContext = await this.dialogs.createContext(turn);
      const starting = !this.state.inProgress(turn);
      let result: DialogTurnResult;
      if (starting) {
        if (!text || (await this.options.hasLiveWorkItem(customerId))) return { kind: 'not-asked' };
        const begin: PrechatDialogOptions = { firstMessage: text };
        result = await dialogContext.beginDialog(PRECHAT_DIALOG_ID, begin);
      } else {
        result = await dialogContext.continueDialog();
      }
      if (!(await this.state.save(turn))) {
        this.logger.debug(
          { ...fields, attempt },
          'pre-chat state changed underneath, running the turn again',
        );
        continue;
      }
      if (starting) this.logger.info(fields, 'pre-chat survey started');
      for (const activity of held.activities) await this.options.send(context, customerId, activity);
      if (result.status !== DialogTurnStatus.complete) return { kind: 'asking' };
      const answered = result.result as PrechatResult;
      this.logger.info({ ...fields, answers: answered.answers.length }, 'pre-chat survey answered');
      return { kind: 'answered', firstMessage: answered.firstMessage, answers: answered.answers };
    }
    throw new Error(`Pre-chat state for customer ${customerId} kept changing underneath.`);
  }
}
