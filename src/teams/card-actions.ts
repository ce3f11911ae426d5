import {
  InvokeException,
  type AdaptiveCardInvokeAction,
  type AdaptiveCardInvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { PANEL_CARD } from '../app/desk-context';
import type { LogFields, Logger } from '../app/ports';
import type { AgentView, NoticeView } from '../app/views';
import { VerbTable, type VerbOutcome, type VerbPorts } from '../cards/verb-table';
import { CARD_DATA } from '../cards/verbs';
import { isObject } from '../shared/json';
import { isStoreFailure } from '../store/store-failures';
import { TURN_ERROR_TEXT } from './adapter';
import { ensureKnownAgent } from './agent-turns';
import { cardResponse, invokeError, messageResponse } from './invoke-responses';
import type { ProactiveNotifier, RenderCard } from './proactive-notifier';
import type { AgentSender } from './sender';
import { fieldsOf, type TurnReplies } from './turn-replies';

export interface CardActionsOptions {
  readonly ports: VerbPorts;
  readonly verbs: VerbTable;
  /** Lets go of the panel slot when an answer replaces the panel card an action was pressed on. */
  readonly notifier: Pick<ProactiveNotifier, 'releaseSlot'>;
  readonly replies: TurnReplies;
  /** Renders the cards answering an invoke (in the HTTP response, not sent). */
  readonly renderCard: RenderCard;
  readonly logger: Logger;
}

function unusableAction(message: string): NoticeView {
  return { kind: 'notice', title: 'That action could not be used', text: message, tone: 'attention' };
}

/** Agents' card actions, pressed (Action.Execute, an invoke) or submitted (Action.Submit, a message): one verb table. */
export class CardActions {
  constructor(private readonly options: CardActionsOptions) {}

  /**
   * An Action.Execute: the answer is the card that replaces the one pressed. Data the verb cannot use is a 400,
   * a failing use case a 500 with the neutral text, both thrown as botbuilder's InvokeException.
   */
  async execute(
    context: TurnContext,
    agent: AgentSender,
    action: AdaptiveCardInvokeAction,
  ): Promise<AdaptiveCardInvokeResponse> {
    // The invoke is as the client sent it: botbuilder's types say what should be there, not what is.
    const sent: { readonly data?: unknown; readonly verb?: unknown } = action;
    const data = sent.data ?? {};
    const verb = sent.verb ?? (isObject(data) ? data['verb'] : undefined);
    try {
      const outcome = await this.run(agent, verb, data);
      if (!outcome.ok) throw invokeError(400, 'BadRequest', outcome.message);
      if (isObject(data) && data[CARD_DATA.keepCard] === true)
        return await this.keepCard(context, agent, outcome.view);
      await this.afterCardAction(agent, context.activity.replyToId, outcome.view);
      return cardResponse(this.options.renderCard(outcome.view));
    } catch (error) {
      // A store that failed fails the turn: the endpoint answers 503 with Retry-After, as for a message not stored.
      if (error instanceof InvokeException || isStoreFailure(error)) throw error;
      const fields = { ...fieldsOf(context), name: context.activity.name, agentId: agent.agentId };
      this.options.logger.error({ ...fields, err: error }, 'card action failed');
      throw invokeError(500, 'InternalError', TURN_ERROR_TEXT);
    }
  }

  /** Action.Submit, the fallback of Action.Execute (the Emulator): the verb travels in the data. */
  async submit(context: TurnContext, agent: AgentSender, data: Record<string, unknown>): Promise<void> {
    const { replies } = this.options;
    const outcome = await this.run(agent, data['verb'], data);
    const replyToId = context.activity.replyToId;
    if (!outcome.ok) {
      const fields: LogFields = { ...fieldsOf(context), agentId: agent.agentId };
      this.options.logger.warn(
        { ...fields, verb: data['verb'], reason: outcome.message },
        'malformed card submit',
      );
      await replies.card(context, agent, unusableAction(outcome.message));
      return;
    }
    await this.afterCardAction(agent, replyToId, outcome.view);
    await replies.card(context, agent, outcome.view, replyToId || undefined);
  }

  /**
   * The pressed card stays (a digest of several sessions' messages): a notice is answered as a short message, and
   * any other card (an opened session) is posted below it.
   */
  private async keepCard(
    context: TurnContext,
    agent: AgentSender,
    view: AgentView,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (view.kind === 'notice') {
      return messageResponse(view.tone === 'good' ? view.title : `${view.title}: ${view.text}`);
    }
    await this.options.replies.card(context, agent, view);
    return messageResponse('Done: the card is below.');
  }

  private async run(agent: AgentSender, verb: unknown, data: unknown): Promise<VerbOutcome> {
    await ensureKnownAgent(this.options.ports, agent);
    return this.options.verbs.dispatch(this.options.ports, { agentId: agent.agentId }, verb, data);
  }

  /**
   * A card action's answer replaces the card it was pressed on. When that card was the panel and the answer
   * is something else, the panel slot lets go of it, so the next refresh posts a panel again.
   */
  private async afterCardAction(agent: AgentSender, sourceActivityId: string | undefined, view: AgentView) {
    if (sourceActivityId && view.kind !== 'panel') {
      await this.options.notifier.releaseSlot(agent.agentId, PANEL_CARD, sourceActivityId);
    }
  }
}
