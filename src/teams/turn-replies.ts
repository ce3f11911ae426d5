import type { TurnContext } from 'botbuilder';
import type { LogFields } from '../app/ports';
import type { AgentView } from '../app/views';
import type { ReferenceOwner } from './conversation-references';
import type { ProactiveNotifier } from './proactive-notifier';
import type { Sender } from './sender';

export function ownerOf(sender: Sender): ReferenceOwner {
  return sender.kind === 'agent'
    ? { kind: 'agent', id: sender.agentId }
    : { kind: 'customer', id: sender.customerId };
}

/** The ids every log line about a turn carries. */
export function fieldsOf(context: TurnContext): LogFields {
  const activity = context.activity;
  return {
    conversationId: activity.conversation?.id,
    activityId: activity.id,
    activityType: activity.type,
    channelId: activity.channelId,
  };
}

/**
 * Answers the sender of a turn with a card, through the outbox like every other send (the turn does not wait for
 * the connector), in order with everything else the sender is sent.
 */
export class TurnReplies {
  constructor(private readonly notifier: Pick<ProactiveNotifier, 'sendView'>) {}

  /** With `replaces`, the card an action was pressed on is updated in place. */
  async card(context: TurnContext, to: Sender, view: AgentView, replaces?: string): Promise<void> {
    const replyToId = context.activity.id;
    await this.notifier.sendView(ownerOf(to), view, {
      ...(replaces !== undefined ? { replaces } : {}),
      ...(replyToId ? { replyToId } : {}),
    });
  }
}
