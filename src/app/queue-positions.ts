import {
  AVERAGE_WAIT_WINDOW_MS,
  averageWaitWording,
  isPositionToTell,
  positionWording,
} from '../domain/queue-position';
import type { DeskPorts } from './desk-context';

export type QueuePositionPorts = Pick<
  DeskPorts,
  'queue' | 'workItems' | 'positionNotices' | 'notifier' | 'clock' | 'logger' | 'settings' | 'unitOfWork'
>;

/**
 * Tells each queued customer their place ("You're number 3 in the queue.", "You're next."): on the first sweep after
 * they were queued, then when it changes, at most every 30 s. Customers an agent is taking (a claim) or is being
 * offered, and customers who have gone, are not told; what was told of those who left the queue is forgotten. Each notice and
 * its record commit together. Returns how many were told.
 */
export async function tellQueuePositions(deps: QueuePositionPorts): Promise<number> {
  const now = deps.clock.now();
  const queue = await deps.queue.get(deps.settings.workstream.name);
  const waiting = queue.entries.filter((entry) => entry.claim === undefined);
  // An empty queue has nobody to tell; what was told of those who left is forgotten on a pass with someone queued.
  if (waiting.length === 0) return 0;
  const told = await deps.positionNotices.all();
  const queued = new Set(waiting.map((entry) => entry.workItemId));
  await deps.positionNotices.forget([...told.keys()].filter((id) => !queued.has(id)));
  // One being offered to an agent right now is about to be answered: the offer, not a place, is its news.
  const due = waiting
    .map((entry, index) => ({
      workItemId: entry.workItemId,
      offered: entry.offer !== undefined,
      position: index + 1,
    }))
    .filter(
      ({ workItemId, offered, position }) =>
        !offered && isPositionToTell(told.get(workItemId), position, now),
    );
  if (due.length === 0) return 0;
  const [docs, waits] = await Promise.all([
    deps.workItems.getMany(due.map(({ workItemId }) => workItemId)),
    deps.workItems.answeredSince(deps.settings.workstream.name, now - AVERAGE_WAIT_WINDOW_MS),
  ]);
  const averageWait = averageWaitWording(waits);
  let count = 0;
  for (const { workItemId, position } of due) {
    const item = docs.get(workItemId)?.item;
    if (!item || item.state !== 'open' || item.customerLeftAt !== undefined) continue;
    await deps.unitOfWork.run(async () => {
      await deps.positionNotices.record(workItemId, { position, at: now });
      await deps.notifier.toCustomer(item.customerId, positionWording(position, averageWait), {
        kind: 'position',
      });
    });
    deps.logger.debug({ workItemId, position }, 'queue position told');
    count += 1;
  }
  return count;
}
