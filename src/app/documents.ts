import type { DeliveryState } from './views';
import type { AgentSessions } from '../domain/agent-sessions';
import type { PresenceStatus } from '../domain/presence';
import type { WorkQueue } from '../domain/routing';
import type { CustomerIdentity } from '../domain/session-title';
import type { WorkItem, WorkItemState } from '../domain/work-item';
import type { PrechatAnswer } from './views';

/** What the desk keeps, one repository each (src/app/repositories.ts), as the use cases see it. */

export interface AgentDocument {
  readonly id: string;
  readonly name: string;
  readonly presence: PresenceStatus;
  readonly panel: AgentSessions;
  readonly firstSeenAt: number;
  readonly lastOfferedAt?: number;
  /**
   * Counts the agent's writes (the repository sets it; absent only on a value not yet written). A panel card
   * carries the revision it was rendered from, so an older render queued late never overwrites a newer one.
   */
  readonly revision?: number;
}

export interface TranscriptMessage {
  readonly from: 'customer' | 'agent';
  readonly text: string;
  readonly at: number;
  readonly agentId?: string;
  /** A customer message's sentiment score in [-1, 1], as scored on arrival (absent on older entries). */
  readonly score?: number;
  /** An agent message's send id (the outbox's relaydeskId), to record how far it got. */
  readonly deliveryId?: string;
  /** An agent message's delivery: sending until the channel took it or refused it for good. */
  readonly delivery?: DeliveryState;
}

export interface WorkItemDocument {
  readonly item: WorkItem;
  readonly prechat: readonly PrechatAnswer[];
  /** When the customer last started waiting for an agent (queued or re-queued). */
  readonly waitingSince: number;
  /** The name the customer gave themselves on their channel (web chat page), if any: not an identity. */
  readonly nameGiven?: string;
  /** The case saved on this conversation from a case session's form. */
  readonly case?: SavedCase;
  /** The customer's first words, cut short (PREVIEW_CHARS), for the dashboard. */
  readonly preview?: string;
}

export interface SavedCase {
  readonly title: string;
  readonly description: string;
  readonly priority: string;
  readonly savedAt: number;
  /** The agent who saved it last. */
  readonly savedBy: string;
}

export interface CustomerDocument {
  readonly id: string;
  readonly channelId: string;
  readonly identity: CustomerIdentity;
  /** The conversation the customer is in now; earlier ones are a query (WorkItemRepository.previousOf). */
  readonly latestWorkItemId?: string;
  /** Start of the current one-minute rate window and the messages counted in it. */
  readonly rateWindow: { readonly startedAt: number; readonly count: number };
  /** The channel ids of the customer's latest messages taken, oldest first: a replay of one is ignored. */
  readonly recentActivityIds?: readonly string[];
}

export interface WorkItemIndexEntry {
  readonly workItemId: string;
  readonly title: string;
  readonly channel: string;
  readonly state: WorkItemState;
  readonly since: number;
  readonly agentId?: string;
  /** The customer has gone (a send failed because their chat ended). */
  readonly customerLeft?: boolean;
  /** The customer's first words, cut short (PREVIEW_CHARS). */
  readonly preview?: string;
}

export type { WorkQueue };
