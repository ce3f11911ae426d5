import type { Activity, ConversationReference, ResourceResponse } from 'botbuilder';
import type { LogFields, Logger } from '../app/ports';
import type { CardSlots } from './card-slots';
import { statusOfSendError, type Delivery } from './delivery';
import type { OutboxEntry } from './outbox-store';

/** The calls of the Bot Connector's REST API the sender makes (botbuilder's ConnectorClient has them). */
export interface ConnectorCalls {
  readonly conversations: {
    sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<ResourceResponse>;
    replyToActivity(
      conversationId: string,
      activityId: string,
      activity: Partial<Activity>,
    ): Promise<ResourceResponse>;
    updateActivity(
      conversationId: string,
      activityId: string,
      activity: Partial<Activity>,
    ): Promise<ResourceResponse>;
  };
}

/** Where the sender gets a connector client for a service URL (the adapter keeps one per URL). */
export interface ConnectorClients {
  connectorFor(serviceUrl: string): Promise<ConnectorCalls>;
}

export interface SendOptions {
  /** Ends the retries early (the dispatcher stops). */
  readonly signal?: AbortSignal;
  /** Runs before every attempt; throwing ends the send (the dispatcher lost its lease). */
  readonly beforeAttempt?: () => Promise<void>;
  /** Told of every call to the connector (an update and the post that replaces a card gone are two). */
  readonly onCall?: () => void;
}

export interface ProactiveSenderOptions {
  readonly connectors: ConnectorClients;
  /** The cards slots show, to update them in place. */
  readonly cardSlots: CardSlots;
  readonly delivery: Delivery;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Makes one outbox entry's send through the Bot Connector, retried by the Delivery policy: a post, an update of a
 * pressed card (posted anew when it is gone), or a slot card updated in place. Throws the last error when the send
 * did not go through; the dispatcher decides what that means.
 *
 * Each call goes straight to the conversation's connector client, addressed as botbuilder addresses a proactive
 * message (TurnContext.applyConversationReference), without a proactive turn: botbuilder's made a turn context, ran
 * the middleware and built a user-token client with its own HTTP pipeline for every send.
 */
export class ProactiveSender {
  private readonly logger: Logger;

  constructor(private readonly options: ProactiveSenderOptions) {
    this.logger = options.logger.child({ component: 'sender' });
  }

  async send(
    reference: Partial<ConversationReference>,
    entry: OutboxEntry,
    fields: LogFields,
    options: SendOptions = {},
  ): Promise<void> {
    const activity = entry.activity;
    if (entry.slot !== undefined && entry.owner.kind === 'agent') {
      await this.toSlot(reference, entry.owner.id, entry.slot, activity, fields, options);
      return;
    }
    if (entry.replaces !== undefined) {
      const activityId = entry.replaces;
      try {
        await this.retried({ ...fields, activityId }, options, () =>
          this.update(reference, activityId, activity, options),
        );
        return;
      } catch (error) {
        if (statusOfSendError(error) !== 404) throw error;
        this.logger.info({ ...fields, activityId }, 'card to update is gone, posting a new one');
      }
    }
    await this.retried(fields, options, () => this.post(reference, activity, entry.replyToId, options));
  }

  /**
   * Updates the slot's card in place, or posts one and remembers it. The slot is read again on every attempt:
   * a card action may have let go of the card meanwhile, which must not be overwritten then.
   */
  private async toSlot(
    reference: Partial<ConversationReference>,
    agentId: string,
    slot: string,
    activity: Partial<Activity>,
    fields: LogFields,
    options: SendOptions,
  ): Promise<void> {
    const conversationId = reference.conversation?.id ?? '';
    await this.retried(fields, options, async () => {
      const stored = await this.options.cardSlots.get(agentId, slot);
      if (stored && stored.conversationId === conversationId) {
        try {
          await this.update(reference, stored.activityId, activity, options);
          return;
        } catch (error) {
          if (statusOfSendError(error) !== 404) throw error;
          this.logger.info(
            { ...fields, activityId: stored.activityId },
            'slot card is gone, posting a new one',
          );
        }
      }
      const activityId = await this.post(reference, activity, undefined, options);
      if (activityId) {
        await this.options.cardSlots.put(agentId, slot, {
          activityId,
          conversationId,
          updatedAt: this.options.now(),
        });
      }
    });
  }

  private retried<T>(fields: LogFields, options: SendOptions, attempt: () => Promise<T>): Promise<T> {
    const { beforeAttempt, signal } = options;
    return this.options.delivery.send(
      fields,
      async () => {
        await beforeAttempt?.();
        return attempt();
      },
      signal ? { signal } : {},
    );
  }

  /**
   * Posts the activity: a bot reply is pointed back at the message it answers (as an in-turn reply is), anything
   * else is a new message in the conversation.
   */
  private async post(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
    replyToId: string | undefined,
    options: SendOptions,
  ): Promise<string | undefined> {
    const { client, conversationId, outgoing } = await this.addressed(reference, activity, options);
    delete outgoing.id;
    const response =
      replyToId !== undefined
        ? await client.conversations.replyToActivity(conversationId, replyToId, { ...outgoing, replyToId })
        : await client.conversations.sendToConversation(conversationId, outgoing);
    return response.id || undefined;
  }

  private async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
    options: SendOptions,
  ): Promise<void> {
    const { client, conversationId, outgoing } = await this.addressed(reference, activity, options);
    await client.conversations.updateActivity(conversationId, activityId, { ...outgoing, id: activityId });
  }

  /**
   * The connector client of the reference's service URL and a copy of the activity addressed to its conversation
   * (channel, service URL, conversation, from the bot to the user), as botbuilder addresses a proactive send. Counts
   * the call.
   */
  private async addressed(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
    options: SendOptions,
  ): Promise<{ client: ConnectorCalls; conversationId: string; outgoing: Partial<Activity> }> {
    const conversationId = reference.conversation?.id;
    const serviceUrl = reference.serviceUrl;
    if (!conversationId || !serviceUrl) {
      throw new Error('The conversation reference has no conversation id or service URL.');
    }
    options.onCall?.();
    const client = await this.options.connectors.connectorFor(serviceUrl);
    const outgoing: Partial<Activity> = {
      type: 'message',
      ...activity,
      channelId: reference.channelId ?? '',
      serviceUrl,
      ...(reference.conversation ? { conversation: reference.conversation } : {}),
      ...(reference.bot ? { from: reference.bot } : {}),
      ...(reference.user ? { recipient: reference.user } : {}),
      ...(activity.locale === undefined && reference.locale !== undefined
        ? { locale: reference.locale }
        : {}),
    };
    return { client, conversationId, outgoing };
  }
}
