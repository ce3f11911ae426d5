/**
 * The queue of a workstream as a value: its entries in arrival order, and the edits that keep that order. The
 * rules that offer, claim and pick its items are in routing.ts.
 */

/** A notification to one agent; it expires after the workstream's notification timeout. */
export interface Offer {
  readonly id: string;
  readonly workItemId: string;
  readonly agentId: string;
  readonly offeredAt: number;
  readonly expiresAt: number;
  /** The supervisor who assigned the item to this agent (an Assign); absent for routing's own offers. */
  readonly assignedBy?: string;
  /** An assigned offer the supervisor confirmed over the agent's capacity: accepting it takes no free capacity. */
  readonly overCapacity?: true;
}

export type DeclineReason = 'rejected' | 'missed';

/**
 * An item an agent has taken (accepted its offer, or picked it) whose session is not open on their document
 * yet. It stays in the queue, counted against that agent's capacity and offered to nobody, until the session
 * is open and the claim is settled; a claim left behind by a crash is finished by the sweeper.
 */
export interface Claim {
  readonly agentId: string;
  readonly at: number;
  /** 'accept-over-capacity': the accepted offer was assigned over the agent's capacity, which is not checked. */
  readonly via: 'accept' | 'pick' | 'accept-over-capacity';
  /** The offer that was accepted. */
  readonly offerId?: string;
}

export interface QueueEntry {
  readonly workItemId: string;
  readonly enqueuedAt: number;
  readonly preferredAgentId?: string;
  /** At most one live offer per item. */
  readonly offer?: Offer;
  /** The last agent who rejected or missed it is skipped until the cool-down passes. */
  readonly declined?: { readonly agentId: string; readonly at: number; readonly reason: DeclineReason };
  /** Taken by an agent; the entry leaves the queue once their session is open. */
  readonly claim?: Claim;
}

/** FIFO: an item keeps its place while offered, so one that comes back is still ahead of later arrivals. */
export interface WorkQueue {
  readonly workstream: string;
  readonly entries: readonly QueueEntry[];
}

export function emptyQueue(workstream: string): WorkQueue {
  return { workstream, entries: [] };
}

export function findQueueEntry(queue: WorkQueue, workItemId: string): QueueEntry | undefined {
  return queue.entries.find((entry) => entry.workItemId === workItemId);
}

/**
 * Adds an item at the tail; an item already queued keeps its place. A claimed entry is a leftover of an
 * accept that never settled (the item went Active, then Waiting, and is back now): it gives way to a new one.
 */
export function enqueue(
  queue: WorkQueue,
  workItemId: string,
  now: number,
  preferredAgentId?: string,
): WorkQueue {
  const existing = findQueueEntry(queue, workItemId);
  if (existing && !existing.claim) return queue;
  const entry: QueueEntry = preferredAgentId
    ? { workItemId, enqueuedAt: now, preferredAgentId }
    : { workItemId, enqueuedAt: now };
  const rest = existing ? withoutEntry(queue, workItemId) : queue;
  return { ...rest, entries: [...rest.entries, entry] };
}

/** Removes an item that left the queue another way (ended, or Active through another path). */
export function dequeue(queue: WorkQueue, workItemId: string): WorkQueue {
  return findQueueEntry(queue, workItemId) ? withoutEntry(queue, workItemId) : queue;
}

export function replaceEntry(queue: WorkQueue, updated: QueueEntry): WorkQueue {
  return {
    ...queue,
    entries: queue.entries.map((entry) => (entry.workItemId === updated.workItemId ? updated : entry)),
  };
}

export function withoutEntry(queue: WorkQueue, workItemId: string): WorkQueue {
  return { ...queue, entries: queue.entries.filter((entry) => entry.workItemId !== workItemId) };
}

export function withoutOffer(entry: QueueEntry): QueueEntry {
  const { offer: _offer, ...rest } = entry;
  return rest;
}
