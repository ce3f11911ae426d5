import { CardFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Notifier } from '../app/desk-context';
import type { DocumentStore, IdGenerator, LogFields, Logger } from '../app/ports';
import type { AgentView } from '../app/views';
import { storeKey } from '../store/keys';
import type { ConversationReferences, ReferenceOwner } from './conversation-references';
import { messageOf, statusOfSendError, type Delivery } from './delivery';
import { KeyedQueue } from './keyed-queue';

/** Turns a view into Adaptive Card JSON; the renderer in src/cards, injected. */
export type RenderCard = (view: AgentView) => object;

/** What the notifier needs of the CloudAdapter. */
export interface ConversationContinuer {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** The card last posted under one of an agent's slots (the panel, an offer), so it can be updated in place. */
export interface CardSlotDocument {
  readonly activityId: string;
  readonly conversationId: string;
  readonly updatedAt: number;
}

export function cardSlotKey(agentId: string, slot: string): string {
  return storeKey('card', `${agentId}:${slot}`);
}

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
  readonly adapter: ConversationContinuer;
  /** MicrosoftAppId; '' in anonymous mode. */
  readonly appId: string;
  readonly references: ConversationReferences;
  readonly store: DocumentStore;
  readonly renderCard: RenderCard;
  readonly delivery: Delivery;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * The Notifier port over Bot Framework proactive messaging: each send goes through the owner's stored
 * ConversationReference, is awaited and retried; slotted agent cards are updated in place.
 * A send that cannot be made is logged and skipped, never thrown into the use case that asked for it.
 */
export class ProactiveNotifier implements Notifier {
  private readonly logger: Logger;
  /** Sends to one slot are serialised, so two refreshes at once never post two panels. */
  private readonly slots = new KeyedQueue();

  constructor(private readonly options: ProactiveNotifierOptions) {
    this.logger = options.logger.child({ component: 'notifier' });
  }

  async toCustomer(customerId: string, text: string): Promise<void> {
    const relaydeskId = this.options.ids.next();
    await this.postSafely({ kind: 'customer', id: customerId }, textActivity(text, relaydeskId), {
      customerId,
      relaydeskId,
    });
  }

  async toAgent(agentId: string, view: AgentView, options: { slot?: string } = {}): Promise<void> {
    const relaydeskId = this.options.ids.next();
    const fields = { agentId, view: view.kind, relaydeskId, ...(options.slot ? { slot: options.slot } : {}) };
    const activity = this.renderActivity(view, relaydeskId, fields);
    if (!activity) return;
    const slot = options.slot;
    if (slot === undefined) {
      await this.postSafely({ kind: 'agent', id: agentId }, activity, fields);
      return;
    }
    await this.slots.run(cardSlotKey(agentId, slot), () => this.sendToSlot(agentId, slot, activity, fields));
  }

  /** The activity id of the card a slot shows, if one was posted. */
  async slotActivityId(agentId: string, slot: string): Promise<string | undefined> {
    return (await this.options.store.get<CardSlotDocument>(cardSlotKey(agentId, slot)))?.value.activityId;
  }

  /**
   * Forgets a slot's card when it no longer shows what the slot is for (a card action replaced it with
   * another card), so the next send to the slot posts a fresh card instead of overwriting that one.
   */
  async releaseSlot(agentId: string, slot: string, activityId: string): Promise<void> {
    await this.slots.run(cardSlotKey(agentId, slot), async () => {
      const key = cardSlotKey(agentId, slot);
      const stored = await this.options.store.get<CardSlotDocument>(key);
      if (stored?.value.activityId === activityId) await this.options.store.delete(key);
    });
  }

  private async sendToSlot(
    agentId: string,
    slot: string,
    activity: Partial<Activity>,
    fields: LogFields,
  ): Promise<void> {
    const owner: ReferenceOwner = { kind: 'agent', id: agentId };
    const reference = await this.referenceOf(owner, fields);
    if (!reference) return;
    const key = cardSlotKey(agentId, slot);
    const stored = (await this.options.store.get<CardSlotDocument>(key))?.value;
    const conversationId = reference.conversation?.id ?? '';
    try {
      if (stored && stored.conversationId === conversationId) {
        try {
          await this.update(reference, stored.activityId, activity, fields);
          return;
        } catch (error) {
          if (statusOfSendError(error) !== 404) throw error;
          this.logger.info(
            { ...fields, activityId: stored.activityId },
            'slot card is gone, posting a new one',
          );
        }
      }
      const activityId = await this.post(reference, activity, fields);
      if (activityId) {
        const now = this.options.now();
        await this.options.store.update<CardSlotDocument>(key, () => ({
          activityId,
          conversationId,
          updatedAt: now,
        }));
      }
    } catch (error) {
      this.logFailure(error, fields);
    }
  }

  private async postSafely(
    owner: ReferenceOwner,
    activity: Partial<Activity>,
    fields: LogFields,
  ): Promise<void> {
    const reference = await this.referenceOf(owner, fields);
    if (!reference) return;
    try {
      await this.post(reference, activity, fields);
    } catch (error) {
      this.logFailure(error, fields);
    }
  }

  private async referenceOf(
    owner: ReferenceOwner,
    fields: LogFields,
  ): Promise<Partial<ConversationReference> | undefined> {
    const reference = await this.options.references.get(owner);
    if (!reference)
      this.logger.warn({ ...fields, owner: owner.kind }, 'no conversation reference, send skipped');
    return reference;
  }

  private post(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
    fields: LogFields,
  ): Promise<string | undefined> {
    return this.options.delivery.send(fields, () =>
      this.inConversation(reference, async (context) => (await context.sendActivity(activity))?.id),
    );
  }

  private update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
    fields: LogFields,
  ): Promise<void> {
    return this.options.delivery.send({ ...fields, activityId }, () =>
      this.inConversation(reference, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      }),
    );
  }

  /**
   * Runs `work` in a proactive turn and hands back its result or its error. Errors are carried out rather than
   * thrown inside the turn, where the adapter would give them to onTurnError instead of to the retry.
   */
  private async inConversation<T>(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await this.options.adapter.continueConversationAsync(
      this.options.appId,
      { ...reference },
      async (context) => {
        try {
          outcome = { ok: true, value: await work(context) };
        } catch (error) {
          outcome = { ok: false, error };
        }
      },
    );
    if (!outcome) throw new Error('The proactive turn did not run.');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private renderActivity(
    view: AgentView,
    relaydeskId: string,
    fields: LogFields,
  ): Partial<Activity> | undefined {
    try {
      return cardActivity(this.options.renderCard(view), relaydeskId);
    } catch (error) {
      this.logger.error({ ...fields, err: error }, 'card could not be rendered, send skipped');
      return undefined;
    }
  }

  private logFailure(error: unknown, fields: LogFields): void {
    this.logger.error(
      { ...fields, status: statusOfSendError(error), reason: messageOf(error) },
      'send failed for good, skipped',
    );
  }
}
