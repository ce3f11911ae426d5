import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from 'botbuilder';
import type { CustomerPorts } from '../app/customers';
import type { DeliveryPorts } from '../app/deliveries';
import type { Logger } from '../app/ports';
import type { ContactDirectory } from '../app/repositories';
import { VerbTable, type VerbPorts } from '../cards/verb-table';
import { isObject } from '../shared/json';
import { AgentTurns, ensureKnownAgent } from './agent-turns';
import { CardActions } from './card-actions';
import type { ConversationReferences } from './conversation-references';
import { CUSTOMER_ACTION_REFUSED, CustomerTurns } from './customer-turns';
import {
  ADAPTIVE_CARD_ACTION,
  cardActionProblem,
  cardInvokeResponse,
  errorMessageOf,
  invokeError,
} from './invoke-responses';
import type { PrechatSurvey } from './prechat/prechat-survey';
import type { ProactiveNotifier, RenderCard } from './proactive-notifier';
import { classifySender, type AgentSender, type Sender, type SenderDirectory } from './sender';
import { TurnReplies, fieldsOf, ownerOf } from './turn-replies';

/** The ports of the use cases the bot calls: customers' messages and leaving, agents' commands and card actions. */
export type BotPorts = CustomerPorts & DeliveryPorts & VerbPorts;

export interface RelaydeskBotOptions {
  readonly ports: BotPorts;
  /** Read-only here: the contacts directory, whose record of a Teams user wins over their Teams name. */
  readonly contacts: ContactDirectory;
  readonly references: ConversationReferences;
  /** Replies go through the notifier's outbox too, in order with everything else the sender is sent. */
  readonly notifier: Pick<ProactiveNotifier, 'releaseSlot' | 'sendView'>;
  /** Renders the cards answering an invoke (in the HTTP response, not sent). */
  readonly renderCard: RenderCard;
  readonly directory: SenderDirectory;
  readonly logger: Logger;
  readonly verbs?: VerbTable;
  /** The pre-chat survey, when PRECHAT_QUESTIONS configures one; without it nobody is asked anything. */
  readonly prechat?: Pick<PrechatSurvey, 'run'>;
  /** Waits (briefly, bounded) for the card a relayed customer message queued for its agent to go out. */
  readonly relayed?: (agentId: string) => Promise<void>;
}

/** Activity types the desk acts on; the rest are ignored on purpose. */
const HANDLED_TYPES: ReadonlySet<string> = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'endOfConversation',
]);
const SENDER = Symbol('relaydesk.sender');

/**
 * The thin bot: tells agents from customers, keeps every sender's conversation reference, and hands each turn to
 * customers' turns, agents' commands or card actions (through the verb table). The desk decides; this shows.
 */
export class RelaydeskBot extends TeamsActivityHandler {
  private readonly logger: Logger;
  private readonly customers: CustomerTurns;
  private readonly agents: AgentTurns;
  private readonly cardActions: CardActions;

  constructor(private readonly options: RelaydeskBotOptions) {
    super();
    const { ports, notifier, renderCard } = options;
    this.logger = options.logger.child({ component: 'bot' });
    const replies = new TurnReplies(notifier);
    const logger = this.logger;
    this.customers = new CustomerTurns({
      ports,
      contacts: options.contacts,
      replies,
      logger,
      prechat: options.prechat,
      relayed: options.relayed,
    });
    this.agents = new AgentTurns({ ports, replies, logger });
    const verbs = options.verbs ?? new VerbTable();
    this.cardActions = new CardActions({ ports, verbs, notifier, replies, renderCard, logger });
  }

  override async run(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const fields = fieldsOf(context);
    const sender = classifySender(activity, this.options.directory);
    if (!sender) {
      this.logger.debug(fields, 'activity without a sender ignored');
      return;
    }
    await this.options.references.save(ownerOf(sender), TurnContext.getConversationReference(activity));
    if (!HANDLED_TYPES.has(activity.type)) {
      this.logger.debug({ ...fields, sender: sender.kind }, 'activity type ignored');
      return;
    }
    context.turnState.set(SENDER, sender);
    await super.run(context);
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    const value: unknown = context.activity.value;
    if (sender.kind === 'customer') await this.customers.message(context, sender);
    else if (isObject(value)) await this.cardActions.submit(context, sender, value);
    else await this.agents.message(context, sender);
  }

  /**
   * Customers' invokes are refused with a card. An agent's card action is checked for an action object (botbuilder
   * would fail the turn without one), then read by botbuilder, which calls onAdaptiveCardInvoke.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const sender = this.senderOf(context);
    const fields = { ...fieldsOf(context), name: context.activity.name };
    if (sender.kind === 'customer') {
      this.logger.info({ ...fields, customerId: sender.customerId }, 'card action from a customer refused');
      return cardInvokeResponse(this.options.renderCard(CUSTOMER_ACTION_REFUSED));
    }
    if (context.activity.name !== ADAPTIVE_CARD_ACTION) return super.onInvokeActivity(context);
    const problem = cardActionProblem(context.activity.value);
    const response = problem
      ? invokeError(400, 'BadRequest', problem).createInvokeResponse()
      : await super.onInvokeActivity(context);
    if (response.status === 400) {
      const reason = errorMessageOf(response);
      this.logger.warn({ ...fields, agentId: sender.agentId, reason }, 'malformed card action');
    }
    return response;
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.cardActions.execute(context, this.agentOf(context), invokeValue.action);
  }

  protected override async onConversationUpdateActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    if (sender.kind === 'agent' && (context.activity.membersAdded?.length ?? 0) > 0) {
      await ensureKnownAgent(this.options.ports, sender);
    }
  }

  protected override async onEndOfConversationActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    if (sender.kind === 'customer') await this.customers.left(context, sender);
  }

  protected override async onInstallationUpdateActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    const action = context.activity.action ?? '';
    if (sender.kind === 'agent' && action.startsWith('add'))
      await ensureKnownAgent(this.options.ports, sender);
  }

  private senderOf(context: TurnContext): Sender {
    const sender = context.turnState.get<Sender | undefined>(SENDER);
    if (!sender) throw new Error('RelaydeskBot.run() classifies the sender before dispatching.');
    return sender;
  }

  /** onInvokeActivity answers customers itself: only an agent's card action reaches botbuilder's handling. */
  private agentOf(context: TurnContext): AgentSender {
    const sender = this.senderOf(context);
    if (sender.kind !== 'agent') throw new Error('Only agents’ card actions reach onAdaptiveCardInvoke.');
    return sender;
  }
}
