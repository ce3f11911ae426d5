import { customerWording } from '../../app/customer-wording';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { PrechatAnswer } from '../../app/views';
import type { PrechatQuestion } from '../../config/config';

export const PRECHAT_DIALOG_ID = 'prechat';
export const MAX_ANSWER_CHARS = 200;
/** Recorded when the customer leaves a question empty twice. */
export const NO_ANSWER = '(no answer)';

/** The survey is begun with the customer's first message, which is kept for the desk. */
export interface PrechatDialogOptions {
  readonly firstMessage: string;
}

/** What the dialog ends with: the first message and one answer per question, in order. */
export interface PrechatResult {
  readonly firstMessage: string;
  readonly answers: readonly PrechatAnswer[];
}

export interface PrechatDialogSettings {
  readonly id?: string;
  readonly maxAnswerChars?: number;
}

const QUESTIONS_ID = 'prechat-questions';
const ANSWER_PROMPT_ID = 'prechat-answer';

/** Asked once when an answer comes back empty; the next empty answer is taken as no answer. */
export function retryPrompt(prompt: string): string {
  return customerWording.prechatRetry(prompt);
}

/** Trimmed and capped, counting characters (code points) so an emoji is never cut in half. */
export function normaliseAnswer(raw: unknown, maxChars: number = MAX_ANSWER_CHARS): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) return NO_ANSWER;
  const characters = Array.from(text);
  return characters.length <= maxChars ? text : characters.slice(0, maxChars).join('').trimEnd();
}

function answeredOrAskedTwice(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const text = prompt.recognized.succeeded ? (prompt.recognized.value ?? '').trim() : '';
  return Promise.resolve(text !== '' || prompt.attemptCount >= 2);
}

/**
 * Omnichannel's pre-chat survey: the configured questions asked one by one, each answer trimmed and capped;
 * an empty answer is asked again once, then recorded as "(no answer)".
 */
export class PrechatDialog extends ComponentDialog {
  constructor(
    private readonly questions: readonly PrechatQuestion[],
    settings: PrechatDialogSettings = {},
  ) {
    super(settings.id ?? PRECHAT_DIALOG_ID);
    if (questions.length === 0) throw new RangeError('A pre-chat survey needs at least one question');
    const maxChars = settings.maxAnswerChars ?? MAX_ANSWER_CHARS;
    // Step i records the answer to question i - 1 and asks question i; the last step only records.
    const steps: WaterfallStep<PrechatDialogOptions>[] = [...questions, undefined].map(
      (next, index) => (step) => this.recordThenAsk(step, index, next, maxChars),
    );
    this.addDialog(new TextPrompt(ANSWER_PROMPT_ID, answeredOrAskedTwice));
    this.addDialog(new WaterfallDialog<PrechatDialogOptions>(QUESTIONS_ID, steps));
    this.initialDialogId = QUESTIONS_ID;
  }

  private async recordThenAsk(
    step: WaterfallStepContext<PrechatDialogOptions>,
    index: number,
    next: PrechatQuestion | undefined,
    maxChars: number,
  ): Promise<DialogTurnResult> {
    const answered = this.questions[index - 1];
    // Step values are kept in the dialog state between turns.
    const values = step.values as { answers?: PrechatAnswer[] };
    const answers = values.answers ?? [];
    if (answered) answers.push({ question: answered.prompt, answer: normaliseAnswer(step.result, maxChars) });
    values.answers = answers;
    if (next) {
      return step.prompt(ANSWER_PROMPT_ID, { prompt: next.prompt, retryPrompt: retryPrompt(next.prompt) });
    }
    const firstMessage = typeof step.options?.firstMessage === 'string' ? step.options.firstMessage : '';
    const result: PrechatResult = { firstMessage, answers };
    return step.endDialog(result);
  }
}
