import type { Activity } from 'botbuilder';

/** Who wrote: an agent (keyed by the first id of their AGENT_IDS entry, whichever of their ids they wrote with) or a customer (`channelId:from.id`). */
export type Sender =
  | { readonly kind: 'agent'; readonly agentId: string; readonly name?: string }
  | { readonly kind: 'customer'; readonly customerId: string; readonly channelId: string };

export type AgentSender = Extract<Sender, { kind: 'agent' }>;
export type CustomerSender = Extract<Sender, { kind: 'customer' }>;

export interface SenderDirectory {
  /** The key of the agent known by this id (any of their ids), or undefined. */
  keyOf(id: string | undefined): string | undefined;
  /** No MicrosoftAppId: local Emulator / Agents Playground, where from.id is all there is. */
  readonly anonymous: boolean;
}

const TEAMS_CHANNEL_ID = 'msteams';

export function customerIdOf(channelId: string, userId: string): string {
  return `${channelId}:${userId}`;
}

/**
 * An AGENT_IDS entry matches `from.aadObjectId` only on Teams, and `from.id` only on Teams or in anonymous mode.
 * Only Teams vouches for who its users are; on any other channel (web chat, Direct Line, SMS) both fields are
 * whatever the client says, so they prove nothing and the sender is a customer.
 * Undefined when the activity names no sender.
 */
export function classifySender(activity: Partial<Activity>, directory: SenderDirectory): Sender | undefined {
  const from = activity.from;
  const channelId = activity.channelId;
  if (!from || typeof from.id !== 'string' || from.id === '' || typeof channelId !== 'string' || !channelId) {
    return undefined;
  }
  const onTeams = channelId === TEAMS_CHANNEL_ID;
  const aadObjectId = onTeams && typeof from.aadObjectId === 'string' ? from.aadObjectId : undefined;
  const trustsFromId = onTeams || directory.anonymous;
  const agentId = directory.keyOf(aadObjectId) ?? (trustsFromId ? directory.keyOf(from.id) : undefined);
  if (agentId !== undefined) {
    const name = typeof from.name === 'string' && from.name.trim() !== '' ? from.name.trim() : undefined;
    return { kind: 'agent', agentId, ...(name ? { name } : {}) };
  }
  return { kind: 'customer', customerId: customerIdOf(channelId, from.id), channelId };
}
