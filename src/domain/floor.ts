import type { CsatSummary } from './csat';
import type { PresenceStatus } from './presence';
import { conversationSentiment, type SentimentLevel } from './sentiment';
import type { WorkItemState } from './work-item';
import type { SupervisingRole } from './supervising';

/**
 * The supervisor's floor: every conversation not closed and every member of staff, as Omnichannel's "Ongoing
 * conversations" and "Agents" views show them, read at one moment. Pure: the app gathers the rows.
 */

export type LiveState = Exclude<WorkItemState, 'closed'>;

/** The order the floor lists states in: the queue first, as a supervisor looks there first. */
export const LIVE_STATES: readonly LiveState[] = ['open', 'active', 'waiting', 'wrap-up'];

/** How many of the longest waits the floor card and the summary show. */
export const LONGEST_WAITS_SHOWN = 5;

export interface FloorItemInput {
  readonly workItemId: string;
  readonly title: string;
  readonly channel: string;
  readonly state: LiveState;
  /** When it entered its state. */
  readonly since: number;
  /** When it last started waiting for an agent (Open: its wait so far runs from here). */
  readonly waitingSince?: number;
  readonly agentId?: string;
  readonly sentimentScores: readonly number[];
  readonly lastMessageAt?: number;
  /** The customer's answer to the survey asked at its End (Wrap-up only), 1–5. */
  readonly csatRating?: number;
  /** The latest time it was taken back from an agent for being away, and from whom. */
  readonly returnedFromAway?: { readonly agentId: string; readonly at: number };
}

export interface FloorStaffInput {
  readonly agentId: string;
  readonly name: string;
  readonly presence: PresenceStatus;
  readonly usedUnits: number;
  readonly capacityUnits: number;
  /** False for a supervisor who is not an agent: never offered work. */
  readonly takesWork: boolean;
  readonly supervisor: boolean;
}

export interface FloorConversation {
  readonly workItemId: string;
  readonly title: string;
  readonly channel: string;
  readonly state: LiveState;
  readonly since: number;
  /** Open: how long the customer has waited so far, and their place in the queue (1 = next). */
  readonly waitMs?: number;
  readonly position?: number;
  readonly agentId?: string;
  readonly agentName?: string;
  readonly lastMessageAt?: number;
  readonly sentiment: SentimentLevel;
  /** The reading supervisor monitors it ('monitoring') or joined it ('joined'). */
  readonly supervising?: SupervisingRole;
  /** Wrap-up: the customer's rating (1–5) once they answered the survey. */
  readonly csatRating?: number;
  /** Open because it was taken back from an away agent (Offline, or silent): who had it, and when it came back. */
  readonly returnedFrom?: ReturnedFrom;
}

export interface ReturnedFrom {
  readonly agentId: string;
  readonly agentName: string;
  readonly at: number;
}

/**
 * An Open conversation is marked as returned from an away agent while that return is what keeps it Open (it has
 * not been taken, nor left the queue another way, since); the agent is named as the floor names them.
 */
export function returnedFromAway(
  item: FloorItemInput,
  names: ReadonlyMap<string, string>,
): ReturnedFrom | undefined {
  const returned = item.returnedFromAway;
  if (item.state !== 'open' || returned === undefined || returned.at !== item.since) return undefined;
  return {
    agentId: returned.agentId,
    agentName: names.get(returned.agentId) ?? returned.agentId,
    at: returned.at,
  };
}

export interface FloorAgent extends FloorStaffInput {
  /** The latest message they sent in a conversation they have now. */
  readonly lastMessageAt?: number;
}

export interface Floor {
  readonly at: number;
  readonly counts: Readonly<Record<LiveState, number>>;
  readonly conversations: readonly FloorConversation[];
  readonly agents: readonly FloorAgent[];
  /** The Open conversations that have waited longest, longest first. */
  readonly longestWaits: readonly FloorConversation[];
  /** The team's survey answers today (the desk's day): how many, and their average rating. */
  readonly csatToday: CsatSummary;
}

export interface FloorInput {
  readonly now: number;
  readonly items: readonly FloorItemInput[];
  /** The queue's work item ids in order (the head first). */
  readonly queueOrder: readonly string[];
  readonly staff: readonly FloorStaffInput[];
  /** Each agent's latest message, by agent key. */
  readonly agentLastMessageAt: ReadonlyMap<string, number>;
  /** The survey answers given today; none when not given. */
  readonly csatToday?: CsatSummary;
}

function conversationOf(
  item: FloorItemInput,
  now: number,
  positions: ReadonlyMap<string, number>,
  names: ReadonlyMap<string, string>,
): FloorConversation {
  const position = item.state === 'open' ? positions.get(item.workItemId) : undefined;
  const agentName = item.agentId !== undefined ? names.get(item.agentId) : undefined;
  const returnedFrom = returnedFromAway(item, names);
  return {
    workItemId: item.workItemId,
    title: item.title,
    channel: item.channel,
    state: item.state,
    since: item.since,
    ...(item.state === 'open' ? { waitMs: Math.max(0, now - (item.waitingSince ?? item.since)) } : {}),
    ...(position !== undefined ? { position } : {}),
    ...(item.agentId !== undefined ? { agentId: item.agentId } : {}),
    ...(agentName !== undefined ? { agentName } : {}),
    ...(item.lastMessageAt !== undefined ? { lastMessageAt: item.lastMessageAt } : {}),
    sentiment: conversationSentiment(item.sentimentScores),
    ...(item.state === 'wrap-up' && item.csatRating !== undefined ? { csatRating: item.csatRating } : {}),
    ...(returnedFrom !== undefined ? { returnedFrom } : {}),
  };
}

/** Open by place in the queue (those not in it last), then each other state by how long it has been so. */
function byFloorOrder(a: FloorConversation, b: FloorConversation): number {
  const states = LIVE_STATES.indexOf(a.state) - LIVE_STATES.indexOf(b.state);
  if (states !== 0) return states;
  if (a.state === 'open') return (a.position ?? Infinity) - (b.position ?? Infinity) || a.since - b.since;
  return a.since - b.since;
}

export function buildFloor(input: FloorInput): Floor {
  const positions = new Map(input.queueOrder.map((id, index) => [id, index + 1] as const));
  const names = new Map(input.staff.map((member) => [member.agentId, member.name] as const));
  const conversations = input.items
    .map((item) => conversationOf(item, input.now, positions, names))
    .sort(byFloorOrder);
  const counts = { open: 0, active: 0, waiting: 0, 'wrap-up': 0 };
  for (const conversation of conversations) counts[conversation.state] += 1;
  const agents = input.staff
    .map((member): FloorAgent => {
      const lastMessageAt = input.agentLastMessageAt.get(member.agentId);
      return { ...member, ...(lastMessageAt !== undefined ? { lastMessageAt } : {}) };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
  const longestWaits = conversations
    .filter((conversation) => conversation.state === 'open')
    .sort((a, b) => (b.waitMs ?? 0) - (a.waitMs ?? 0))
    .slice(0, LONGEST_WAITS_SHOWN);
  const csatToday = input.csatToday ?? { answers: 0 };
  return { at: input.now, counts, conversations, agents, longestWaits, csatToday };
}

export interface FloorFilter {
  readonly state?: LiveState;
  readonly agentId?: string;
}

/** The conversations in one state, or one agent's (the agents stay: the filter is on conversations). */
export function filterFloor(floor: Floor, filter: FloorFilter): Floor {
  const conversations = floor.conversations.filter(
    (conversation) =>
      (filter.state === undefined || conversation.state === filter.state) &&
      (filter.agentId === undefined || conversation.agentId === filter.agentId),
  );
  return { ...floor, conversations };
}
