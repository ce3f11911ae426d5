import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { LogFields, Logger } from '../app/ports';
import type { CardSlots } from './card-slots';
import { statusOfSendError, type Delivery } from './delivery';
import type { OutboxEntry } from './outbox-store';

/** What the sender needs of the CloudAdapter. */
export interface ConversationContinuer {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
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
  readonly adapter: ConversationContinuer;
  /** MicrosoftAppId; '' in anonymous mode. */
  readonly appId: string;
  /** The cards slots show, to update them in place. */
  readonly cardSlots: CardSlots;
  readonly delivery: Delivery;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Makes one outbox entry's send through Bot Framework proactive messaging, retried by the Delivery policy:
 * a post, an update of a pressed card (posted anew when it is gone), or a slot card updated in place.
 * Throws the last error when the send did not go through; the dispatcher decides what that means.
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
          this.inConversation(
            reference,
            async (context) => {
              await context.updateActivity({ ...activity, id: activityId });
            },
            options,
          ),
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
          await this.inConversation(
            reference,
            async (context) => {
              await context.updateActivity({ ...activity, id: stored.activityId });
            },
            options,
          );
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
   * Posts the activity. A proactive turn makes every send a reply to its own made-up activity id; a bot reply
   * is pointed back at the message it answers, as an in-turn reply would be.
   */
  private post(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
    replyToId: string | undefined,
    options: SendOptions,
  ): Promise<string | undefined> {
    return this.inConversation(
      reference,
      async (context) => {
        if (replyToId !== undefined) {
          context.onSendActivities(async (_context, activities, next) => {
            for (const sent of activities) sent.replyToId = replyToId;
            return next();
          });
        }
        // A copy per attempt: botbuilder writes the conversation's addressing into the activity it sends.
        return (await context.sendActivity({ ...activity }))?.id;
      },
      options,
    );
  }

  /**
   * Runs `work` in a proactive turn and hands back its result or its error. Errors are carried out rather than
   * thrown inside the turn, where the adapter would give them to onTurnError instead of to the retry.
   */
  private async inConversation<T>(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext) => Promise<T>,
    options: SendOptions = {},
  ): Promise<T> {
    options.onCall?.();
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
}
