import { CardFactory, TeamsActivityHandler, TurnContext, type InvokeResponse } from 'botbuilder';
import { findContact } from '../app/contacts';
import type { CustomerMessage } from '../app/customers';
import type { Desk } from '../app/desk';
import type { LogFields, Logger } from '../app/ports';
import type { ContactDirectory } from '../app/repositories';
import type { AgentView, NoticeView } from '../app/views';
import { HOME_SESSION_ID } from '../domain/agent-sessions';
import type { CustomerIdentity } from '../domain/session-title';
import { TURN_ERROR_TEXT } from './adapter';
import { parseAgentCommand } from './agent-commands';
import type { ConversationReferences, ReferenceOwner } from './conversation-references';
import type { PrechatSurvey } from './prechat/prechat-survey';
import type { ProactiveNotifier, RenderCard } from './proactive-notifier';
import { classifySender, type SenderDirectory, type Sender } from './sender';
import { VerbTable, type VerbDesk } from '../cards/verb-table';
import { isObject } from '../shared/json';

/** The use cases the bot calls. */
export type BotDesk = VerbDesk &
  Pick<
    Desk,
    | 'customerMessage'
    | 'customerLeft'
    | 'showPanel'
    | 'showDashboard'
    | 'agentText'
    | 'rememberAgent'
    | 'agentStatus'
  >;

export interface RelaydeskBotOptions {
  readonly desk: BotDesk;
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
}

type Agent = Extract<Sender, { kind: 'agent' }>;
type Customer = Extract<Sender, { kind: 'customer' }>;

const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';
const ERROR_CONTENT_TYPE = 'application/vnd.microsoft.error';
const PANEL_SLOT = 'panel';
/** Activity types the desk acts on; the rest are ignored on purpose. */
const HANDLED_TYPES: ReadonlySet<string> = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'endOfConversation',
]);
const SENDER = Symbol('relaydesk.sender');

export const CUSTOMER_ACTION_REFUSED: NoticeView = {
  kind: 'notice',
  title: 'Not available',
  text: 'Buttons on these cards are for agents. Please type your message instead.',
  tone: 'warning',
};

function homeFocused(command: string): NoticeView {
  return {
    kind: 'notice',
    title: 'Home is focused',
    text: `Select a session first, then type "${command}".`,
    tone: 'warning',
  };
}

function unusableAction(message: string): NoticeView {
  return { kind: 'notice', title: 'That action could not be used', text: message, tone: 'attention' };
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

export function cardInvokeResponse(card: object): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: CardFactory.contentTypes.adaptiveCard, value: card } };
}

export function errorInvokeResponse(status: 400 | 500, code: string, message: string): InvokeResponse {
  return { status, body: { statusCode: status, type: ERROR_CONTENT_TYPE, value: { code, message } } };
}

function ownerOf(sender: Sender): ReferenceOwner {
  return sender.kind === 'agent'
    ? { kind: 'agent', id: sender.agentId }
    : { kind: 'customer', id: sender.customerId };
}

/**
 * The thin bot: tells agents from customers, keeps every sender's conversation reference, and maps text
 * commands and card actions (through the verb table) to the desk's use cases. The desk decides; this shows.
 */
export class RelaydeskBot extends TeamsActivityHandler {
  private readonly desk: BotDesk;
  private readonly verbs: VerbTable;
  private readonly logger: Logger;

  constructor(private readonly options: RelaydeskBotOptions) {
    super();
    this.desk = options.desk;
    this.verbs = options.verbs ?? new VerbTable();
    this.logger = options.logger.child({ component: 'bot' });
  }

  override async run(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const fields = this.fieldsOf(context);
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
    if (sender.kind === 'customer') await this.onCustomerMessage(context, sender);
    else await this.onAgentMessage(context, sender);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const sender = this.senderOf(context);
    const fields = { ...this.fieldsOf(context), name: context.activity.name };
    if (sender.kind === 'customer') {
      this.logger.info({ ...fields, customerId: sender.customerId }, 'card action from a customer refused');
      return cardInvokeResponse(this.options.renderCard(CUSTOMER_ACTION_REFUSED));
    }
    if (context.activity.name !== ADAPTIVE_CARD_ACTION) return super.onInvokeActivity(context);
    try {
      return await this.onAgentCardAction(context, sender);
    } catch (error) {
      this.logger.error({ ...fields, agentId: sender.agentId, err: error }, 'card action failed');
      return errorInvokeResponse(500, 'InternalError', TURN_ERROR_TEXT);
    }
  }

  protected override async onConversationUpdateActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    if (sender.kind === 'agent' && (context.activity.membersAdded?.length ?? 0) > 0) {
      await this.ensureKnownAgent(sender);
    }
  }

  /** A customer's channel ended their conversation (the chat was closed, or expired): they have left. */
  protected override async onEndOfConversationActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    if (sender.kind !== 'customer') return;
    this.logger.info({ ...this.fieldsOf(context), customerId: sender.customerId }, 'customer left');
    await this.desk.customerLeft(sender.customerId);
  }

  protected override async onInstallationUpdateActivity(context: TurnContext): Promise<void> {
    const sender = this.senderOf(context);
    const action = context.activity.action ?? '';
    if (sender.kind === 'agent' && action.startsWith('add')) await this.ensureKnownAgent(sender);
  }

  private async onCustomerMessage(context: TurnContext, customer: Customer): Promise<void> {
    const activity = context.activity;
    const fields = { ...this.fieldsOf(context), customerId: customer.customerId };
    if (activity.value !== undefined && activity.value !== null) {
      this.logger.info(fields, 'card submit from a customer refused');
      await this.replyCard(context, CUSTOMER_ACTION_REFUSED);
      return;
    }
    const text = typeof activity.text === 'string' ? activity.text.trim() : '';
    // Asked before the text check: while a survey is under way an empty message is an empty answer.
    const prechat = await this.options.prechat?.run(context, customer.customerId, text, fields);
    if (prechat?.kind === 'asking') return;
    if (prechat?.kind === 'answered') {
      await this.desk.customerMessage({
        ...(await this.customerOf(context, customer)),
        text: prechat.firstMessage,
        prechat: prechat.answers,
      });
      return;
    }
    if (!text) {
      this.logger.debug(fields, 'customer message without text ignored');
      return;
    }
    await this.desk.customerMessage({ ...(await this.customerOf(context, customer)), text });
  }

  private async customerOf(
    context: TurnContext,
    customer: Customer,
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
    customer: Customer,
  ): Promise<CustomerIdentity | undefined> {
    const { channelId, from } = context.activity;
    if (channelId !== 'msteams' || typeof from?.aadObjectId !== 'string' || from.aadObjectId === '') {
      return undefined;
    }
    const contactName = typeof from.name === 'string' ? from.name.trim() : '';
    if (!contactName || (await findContact(this.options.contacts, customer.customerId))) return undefined;
    return { contactName };
  }

  private async onAgentMessage(context: TurnContext, agent: Agent): Promise<void> {
    const activity = context.activity;
    const fields = { ...this.fieldsOf(context), agentId: agent.agentId };
    if (isObject(activity.value)) {
      await this.onAgentSubmit(context, agent, activity.value, fields);
      return;
    }
    const text = typeof activity.text === 'string' ? TurnContext.removeRecipientMention(activity).trim() : '';
    if (!text) {
      this.logger.debug(fields, 'agent message without text ignored');
      return;
    }
    const { agentId, name } = agent;
    const command = parseAgentCommand(text);
    // `sessions` posts the panel itself; every other command first makes sure the agent and their name are known.
    if (command.kind !== 'sessions') await this.ensureKnownAgent(agent);
    switch (command.kind) {
      case 'sessions':
        // The panel card is posted or updated by the use case itself.
        await this.desk.showPanel(agentId, name);
        await this.replyCard(context, await this.desk.showDashboard(agentId));
        return;
      case 'presence':
        await this.replyUnlessPanel(context, await this.desk.setPresence(agentId, command.status));
        return;
      case 'end':
      case 'close': {
        const sessionId = await this.focusedSession(agentId);
        const view =
          sessionId === HOME_SESSION_ID
            ? homeFocused(command.kind)
            : command.kind === 'end'
              ? await this.desk.end(agentId, sessionId)
              : await this.desk.requestClose(agentId, sessionId);
        await this.replyCard(context, view);
        return;
      }
      case 'help':
        await this.replyCard(context, { kind: 'help' });
        return;
      case 'text':
        await this.replyUnlessPanel(context, await this.desk.agentText(agentId, command.text, name));
        return;
    }
  }

  /** Action.Submit, the fallback of Action.Execute (the Emulator): the verb travels in the data. */
  private async onAgentSubmit(
    context: TurnContext,
    agent: Agent,
    data: Record<string, unknown>,
    fields: LogFields,
  ): Promise<void> {
    const outcome = await this.runVerb(agent, data['verb'], data);
    const replyToId = context.activity.replyToId;
    if (!outcome.ok) {
      this.logger.warn({ ...fields, verb: data['verb'], reason: outcome.message }, 'malformed card submit');
      await this.replyCard(context, unusableAction(outcome.message));
      return;
    }
    await this.afterCardAction(agent, replyToId, outcome.view);
    await this.replyCard(context, outcome.view, replyToId || undefined);
  }

  private async onAgentCardAction(context: TurnContext, agent: Agent): Promise<InvokeResponse> {
    const fields = { ...this.fieldsOf(context), agentId: agent.agentId };
    const value: unknown = context.activity.value;
    const action = isObject(value) ? value['action'] : undefined;
    let problem: string | undefined;
    let view: AgentView | undefined;
    if (!isObject(action)) problem = 'The invoke carries no action.';
    else if (action['type'] !== undefined && action['type'] !== 'Action.Execute') {
      problem = `The action type "${String(action['type']).slice(0, 50)}" is not supported.`;
    } else {
      const data = action['data'] ?? {};
      const verb = action['verb'] ?? (isObject(data) ? data['verb'] : undefined);
      const outcome = await this.runVerb(agent, verb, data);
      if (outcome.ok) view = outcome.view;
      else problem = outcome.message;
    }
    if (!view) {
      this.logger.warn({ ...fields, reason: problem }, 'malformed card action');
      return errorInvokeResponse(400, 'BadRequest', problem ?? 'The card action could not be read.');
    }
    await this.afterCardAction(agent, context.activity.replyToId, view);
    return cardInvokeResponse(this.options.renderCard(view));
  }

  private async runVerb(agent: Agent, verb: unknown, data: unknown) {
    await this.ensureKnownAgent(agent);
    return this.verbs.dispatch(this.desk, { agentId: agent.agentId }, verb, data);
  }

  /**
   * A card action's answer replaces the card it was pressed on. When that card was the panel and the answer
   * is something else, the panel slot lets go of it, so the next refresh posts a panel again.
   */
  private async afterCardAction(agent: Agent, sourceActivityId: string | undefined, view: AgentView) {
    if (sourceActivityId && view.kind !== 'panel') {
      await this.options.notifier.releaseSlot(agent.agentId, PANEL_SLOT, sourceActivityId);
    }
  }

  /**
   * First contact creates the agent (Available) and posts their panel. Later activities keep the display
   * name current: install events (as the Agents Playground sends them) carry no name, card actions do.
   */
  private async ensureKnownAgent(agent: Agent): Promise<void> {
    const known = await this.desk.agentStatus(agent.agentId);
    if (!known) await this.desk.showPanel(agent.agentId, agent.name);
    else if (agent.name && agent.name !== known.name)
      await this.desk.rememberAgent(agent.agentId, agent.name);
  }

  private async focusedSession(agentId: string): Promise<string> {
    return (await this.desk.agentStatus(agentId))?.focusedSessionId ?? HOME_SESSION_ID;
  }

  /** A panel view has already been posted to the panel slot by the use case; anything else is answered here. */
  private async replyUnlessPanel(context: TurnContext, view: AgentView): Promise<void> {
    if (view.kind !== 'panel') await this.replyCard(context, view);
  }

  /**
   * Answers the sender with a card, through the outbox like every other send (the turn does not wait for the
   * connector). With `replaces`, the card an action was pressed on is updated in place.
   */
  private async replyCard(context: TurnContext, view: AgentView, replaces?: string): Promise<void> {
    const replyToId = context.activity.id;
    await this.options.notifier.sendView(ownerOf(this.senderOf(context)), view, {
      ...(replaces !== undefined ? { replaces } : {}),
      ...(replyToId ? { replyToId } : {}),
    });
  }

  private senderOf(context: TurnContext): Sender {
    const sender = context.turnState.get(SENDER) as Sender | undefined;
    if (!sender) throw new Error('RelaydeskBot.run() classifies the sender before dispatching.');
    return sender;
  }

  private fieldsOf(context: TurnContext): LogFields {
    const activity = context.activity;
    return {
      conversationId: activity.conversation?.id,
      activityId: activity.id,
      activityType: activity.type,
      channelId: activity.channelId,
    };
  }
}
