import { CardFactory, type Activity } from 'botbuilder';
import type { AgentCardTarget, AgentSendOptions, CustomerNotice, Notifier } from '../app/desk-context';
import type { IdGenerator, LogFields, Logger } from '../app/ports';
import type { CustomerCardView } from '../app/customer-views';
import type { AgentView } from '../app/views';
import { cardSlotKey } from './card-slots';
import { AGENT_MESSAGE_BATCH, RELAY_BATCH } from './compose-activity';
import type { ConversationReferences, ReferenceOwner } from './conversation-references';
import type { Outbox } from './outbox';

/** Turns a view into Adaptive Card JSON; the renderer in src/cards, injected. */
export type RenderCard = (view: AgentView) => object;
/** Turns a customer's card (the survey) into Adaptive Card JSON. */
export type RenderCustomerCard = (view: CustomerCardView) => object;

/** Every outbound activity carries a stable id, the same on each retry, so a repeat can be recognised. */
export function cardActivity(card: object, relaydeskId: string): Partial<Activity> {
  return {
    type: 'message',
    attachments: [CardFactory.adaptiveCard(card)],
    channelData: { relaydeskId },
  };
}

export function textActivity(text: string, relaydeskId: string): Partial<Activity> {
  return { type: 'message', text, textFormat: 'plain', channelData: { relaydeskId } };
}

export interface ProactiveNotifierOptions {
  readonly outbox: Pick<Outbox, 'enqueue' | 'slotActivityId' | 'releaseSlot'>;
  readonly references: ConversationReferences;
  readonly renderCard: RenderCard;
  /** Without it the survey goes as its question alone (the web chat page shows it inline either way). */
  readonly renderCustomerCard?: RenderCustomerCard;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * The Notifier port over the outbox: each message is rendered, given its stable relaydeskId and stored in the
 * recipient's queue; the outbox's dispatcher sends it through the recipient's stored ConversationReference,
 * in order, retried, slotted agent cards updated in place. Resolves once the message is stored, so the turn
 * that asked never waits for the connector. A message that cannot be sent at all (no reference, a card that
 * does not render) is logged and skipped, never thrown into the use case.
 */
export class ProactiveNotifier implements Notifier {
  private readonly logger: Logger;

  constructor(private readonly options: ProactiveNotifierOptions) {
    this.logger = options.logger.child({ component: 'notifier' });
  }

  async toCustomer(customerId: string, text: string, notice?: CustomerNotice): Promise<void> {
    const relaydeskId = notice?.deliveryId ?? this.options.ids.next();
    const activity = textActivity(text, relaydeskId);
    if (notice) {
      const { deliveryId: _traced, answeredCard: _card, ...shown } = notice;
      activity.channelData = { relaydeskId, relaydesk: shown };
    }
    const render = this.options.renderCustomerCard;
    if (notice?.kind === 'survey' && notice.survey && render) {
      // The question stays as the text: what a notification, a transcript or a client without cards shows.
      activity.attachments = [CardFactory.adaptiveCard(render({ kind: 'csat-survey', ...notice.survey }))];
    }
    const answered = render ? notice?.answeredCard : undefined;
    if (answered && render) {
      // The survey card the customer pressed becomes the thanks: it can be answered only once.
      activity.attachments = [CardFactory.adaptiveCard(render({ kind: 'csat-thanks', ...answered.answer }))];
    }
    await this.enqueue({ kind: 'customer', id: customerId }, activity, {
      relaydeskId,
      label: notice?.kind ?? 'text',
      ...(answered ? { replaces: answered.activityId } : {}),
      ...(notice?.kind === 'agent-message' && notice.replyToId === undefined
        ? { batch: AGENT_MESSAGE_BATCH }
        : {}),
      fields: { customerId, relaydeskId },
      ...(notice?.replyToId !== undefined ? { replyToId: notice.replyToId } : {}),
    });
  }

  /**
   * Kept as its view and rendered when sent (the outbox's compose): a panel render superseded in the queue costs
   * nothing, and the card shows how delivery stands then. Relayed customer messages form a batch.
   */
  async toAgent(agentId: string, view: AgentView, options: AgentSendOptions = {}): Promise<void> {
    const { target, version } = options;
    const slot = target && cardSlotKey(target);
    const relaydeskId = this.options.ids.next();
    const fields = { agentId, view: view.kind, relaydeskId, ...(slot !== undefined ? { slot } : {}) };
    await this.enqueue(
      { kind: 'agent', id: agentId },
      { type: 'message', channelData: { relaydeskId } },
      {
        relaydeskId,
        label: view.kind,
        fields,
        view,
        priority: priorityOf(target),
        ...(view.kind === 'customer-message' ? { batch: RELAY_BATCH } : {}),
        ...(slot !== undefined ? { slot } : {}),
        ...(slot !== undefined && version !== undefined ? { version } : {}),
      },
    );
  }

  /**
   * A card answering someone's own message or card action (a bot reply to `replyToId`), through the same queue
   * as everything else sent to them, so it keeps its place among them. With `replaces`, the card the action was
   * pressed on is updated in place (a new one is posted if it is gone). A card that does not render throws:
   * the reply is the turn's answer, so the turn fails and says so.
   */
  async sendView(
    owner: ReferenceOwner,
    view: AgentView,
    options: { replaces?: string; replyToId?: string } = {},
  ): Promise<void> {
    const relaydeskId = this.options.ids.next();
    const fields = { [`${owner.kind}Id`]: owner.id, view: view.kind, relaydeskId };
    await this.enqueue(owner, cardActivity(this.options.renderCard(view), relaydeskId), {
      relaydeskId,
      label: view.kind,
      fields,
      // A panel answering a press on the panel keeps its place behind panel renders queued before it.
      priority: view.kind === 'panel' ? SEND_PRIORITY.panel : SEND_PRIORITY.message,
      ...definedOf(options),
    });
  }

  /**
   * An activity made elsewhere (the pre-chat survey's questions, a reply to `replyToId`), stamped with a
   * relaydeskId and queued.
   */
  async sendActivity(
    owner: ReferenceOwner,
    activity: Partial<Activity>,
    options: { label: string; replyToId?: string },
  ): Promise<void> {
    const relaydeskId = this.options.ids.next();
    const channelData = { ...(activity.channelData as object | undefined), relaydeskId };
    const fields = { [`${owner.kind}Id`]: owner.id, view: options.label, relaydeskId };
    await this.enqueue(owner, { ...activity, channelData }, { relaydeskId, fields, ...definedOf(options) });
  }

  /** The activity id of the card a target shows, if one was posted. */
  slotActivityId(agentId: string, target: AgentCardTarget): Promise<string | undefined> {
    return this.options.outbox.slotActivityId(agentId, cardSlotKey(target));
  }

  /**
   * Forgets a target's card when it no longer shows what the target is for (a card action replaced it with
   * another card), so the next send to the target posts a fresh card instead of overwriting that one.
   */
  releaseSlot(agentId: string, target: AgentCardTarget, activityId: string): Promise<void> {
    return this.options.outbox.releaseSlot(agentId, cardSlotKey(target), activityId);
  }

  private async enqueue(
    owner: ReferenceOwner,
    activity: Partial<Activity>,
    message: {
      relaydeskId: string;
      label: string;
      fields: LogFields;
      slot?: string;
      version?: number;
      replaces?: string;
      replyToId?: string;
      priority?: number;
      view?: AgentView;
      batch?: string;
    },
  ): Promise<void> {
    const { fields, ...rest } = message;
    if (!(await this.options.references.has(owner))) {
      // An agent who works only in the tab has no chat to send to: normal. A customer without one is not.
      const level = owner.kind === 'agent' ? 'debug' : 'warn';
      this.logger[level]({ ...fields, owner: owner.kind }, 'no conversation reference, send skipped');
      return;
    }
    await this.options.outbox.enqueue({ owner, activity, ...rest });
  }
}

/** The options that are set (exactOptionalPropertyTypes: an explicit undefined is not a value). */
function definedOf<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}

/**
 * What goes first when Teams' budget is short: an offer (it times out), then messages and replies, then the panel
 * (a newer render supersedes it anyway). Anything sent without a target is a message.
 */
export const SEND_PRIORITY = { offer: 0, message: 1, panel: 2 } as const;

/**
 * An agent's panel card is refreshed at most once a second: under load, one update in place per second instead of one
 * per relayed message (renders in between are replaced by the newest before they are sent). Relayed messages and
 * offers are never held back by it.
 */
export const PANEL_REFRESH_MS = 1000;

function priorityOf(target: AgentCardTarget | undefined): number {
  return target ? SEND_PRIORITY[target.kind] : SEND_PRIORITY.message;
}
