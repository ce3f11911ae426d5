import type { SentimentThreshold } from './sentiment';

/** The admin's rules for one stream of conversations (Omnichannel's workstream). */
export interface WorkstreamSettings {
  readonly name: string;
  /** Capacity one conversation consumes while it is Active. */
  readonly capacityUnitsPerConversation: number;
  /** Capacity each agent has. */
  readonly agentCapacityUnits: number;
  /** Sessions an agent may have open besides Home. */
  readonly maxSessions: number;
  readonly notificationTimeoutMs: number;
  readonly waitingPeriodMs: number;
  /** Offer a resumed conversation to the agent who had it before. */
  readonly keepSameAgent: boolean;
  /** How long a resumed conversation waits for the agent it had before anyone else is offered it (KEEP_AGENT_S). */
  readonly keepAgentMs: number;
  /** An agent who lets an offer time out is set Inactive, as Omnichannel does, until they choose a presence. */
  readonly missedOfferInactive: boolean;
  /** An agent with Active conversations, no tab open and no message for this long is away (AGENT_AWAY_S). */
  readonly agentAwayMs: number;
  /** Away or Offline this long, their Active conversations go back to the head of the queue (OFFLINE_GRACE_S). */
  readonly offlineGraceMs: number;
  readonly sentimentThreshold: SentimentThreshold;
  readonly wrapUp: WrapUpSettings;
}

/** After End: what the agent picks from, how long the capacity stays held, when it closes by itself. */
export interface WrapUpSettings {
  readonly outcomes: readonly string[];
  /** 0 releases the capacity at End; Infinity holds it until Finish. */
  readonly holdMs: number;
  readonly timeoutMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_WORKSTREAM: WorkstreamSettings = {
  name: 'default',
  capacityUnitsPerConversation: 1,
  agentCapacityUnits: 10,
  maxSessions: 10,
  notificationTimeoutMs: 120_000,
  waitingPeriodMs: 28 * DAY_MS,
  keepSameAgent: true,
  keepAgentMs: 120_000,
  missedOfferInactive: true,
  agentAwayMs: 600_000,
  offlineGraceMs: 60_000,
  sentimentThreshold: 'slightly-negative',
  wrapUp: {
    outcomes: ['Resolved', 'Follow-up needed', 'Escalated', 'No response'],
    holdMs: 60_000,
    timeoutMs: 900_000,
  },
};

export function daysToMs(days: number): number {
  return days * DAY_MS;
}
