import { CardFactory, type Activity } from 'botbuilder';
import type { AgentView, CustomerMessageView, DigestSession, MessageDigestView } from '../app/views';
import type { ComposeActivity } from './outbox-options';
import type { OutboxEntry } from './outbox-store';
import type { RenderCard } from './proactive-notifier';

/** The batch of relayed customer messages to one agent's chat; merged into a digest card when the budget is short. */
export const RELAY_BATCH = 'relay';
/** The batch of agents' messages to one customer's conversation; merged into one message when the budget is short. */
export const AGENT_MESSAGE_BATCH = 'agent-message';

/** Views are stored by ProactiveNotifier.toAgent from AgentView values; the JSON holds nothing else. */
function viewOf(entry: OutboxEntry): AgentView {
  if (entry.view === undefined) throw new Error(`Outbox entry ${entry.id} carries no view to render.`);
  return entry.view as AgentView;
}

/** The relayed messages as one digest: per session in the order its first message came, each in order. */
export function digestOf(messages: readonly CustomerMessageView[]): MessageDigestView {
  const sessions = new Map<string, DigestSession>();
  for (const message of messages) {
    const line = { text: message.text, sentAt: message.sentAt };
    const known = sessions.get(message.sessionId);
    sessions.set(message.sessionId, {
      sessionId: message.sessionId,
      title: message.title,
      icon: message.icon,
      sentiment: message.sentiment,
      alert: message.alert,
      draft: message.draft,
      messages: [...(known?.messages ?? []), line],
    });
  }
  return { kind: 'message-digest', sessions: [...sessions.values()] };
}

function agentCard(entries: readonly OutboxEntry[], paced: boolean): AgentView {
  const views = entries.map(viewOf);
  const [view] = views;
  if (!view) throw new Error('Nothing to compose.');
  if (views.length > 1) {
    const relayed = views.filter((one): one is CustomerMessageView => one.kind === 'customer-message');
    if (relayed.length !== views.length) throw new Error('Only relayed customer messages are batched.');
    return digestOf(relayed);
  }
  return view.kind === 'panel' && paced ? { ...view, paced } : view;
}

/** Several texts to one customer as one message, in order, a blank line apart. */
function customerText(entries: readonly OutboxEntry[]): Partial<Activity> {
  const [head] = entries;
  if (!head) throw new Error('Nothing to compose.');
  return { ...head.activity, text: entries.map((entry) => entry.activity.text ?? '').join('\n\n') };
}

/**
 * What the outbox sends for an entry kept as a view, or for a batch: an agent's card rendered now (the panel saying
 * delivery is paced when it is; several relayed messages as one digest card), or a customer's messages as one.
 * The head's relaydeskId stays the message's; `relaydeskIds` names every entry it carries.
 */
export function composeActivity(renderCard: RenderCard): ComposeActivity {
  return (entries, { paced }) => {
    const [head] = entries;
    if (!head) throw new Error('Nothing to compose.');
    const composed =
      head.view === undefined
        ? customerText(entries)
        : {
            ...head.activity,
            attachments: [CardFactory.adaptiveCard(renderCard(agentCard(entries, paced)))],
          };
    if (entries.length === 1) return composed;
    const channelData = head.activity.channelData as object | undefined;
    return {
      ...composed,
      channelData: { ...channelData, relaydeskIds: entries.map((entry) => entry.relaydeskId) },
    };
  };
}
