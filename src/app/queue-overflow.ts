import { NO_QUEUE_LIMITS, hasWaitedTooLong, isQueueFull, overflowWording } from '../domain/overflow';
import { closeOverflow } from '../domain/work-item';
import { leaveQueue } from './offers';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import { announceWorkItemChange } from './work-item-index';

export type OverflowPorts = Pick<
  DeskPorts,
  | 'queue'
  | 'workItems'
  | 'messages'
  | 'positionNotices'
  | 'notifier'
  | 'clock'
  | 'logger'
  | 'settings'
  | 'unitOfWork'
>;

/**
 * A new conversation meets MAX_QUEUE_LENGTH before it is queued: `queue` (nothing to say, or the long-queue wording
 * with the `wait` action), or `ended` (the `end` action: closed with the customer's message kept, and they are told).
 */
export async function admitToQueue(
  deps: Omit<OverflowPorts, 'positionNotices' | 'unitOfWork'>,
  doc: WorkItemDocument,
  now: number,
): Promise<{ readonly kind: 'queue'; readonly wording?: string } | { readonly kind: 'ended' }> {
  const limits = deps.settings.queueLimits ?? NO_QUEUE_LIMITS;
  if (limits.maxLength === 0) return { kind: 'queue' };
  const ahead = (await deps.queue.get(deps.settings.workstream.name)).entries.length;
  if (!isQueueFull(limits, ahead)) return { kind: 'queue' };
  const fields = {
    workItemId: doc.item.id,
    customerId: doc.item.customerId,
    ahead,
    action: limits.fullAction,
  };
  if (limits.fullAction === 'wait') {
    deps.logger.info(fields, 'queue full: the customer waits');
    return { kind: 'queue', wording: overflowWording.busy(ahead) };
  }
  await deps.workItems.update(doc.item.id, (current) =>
    current && current.item.state === 'open'
      ? { ...current, item: closeOverflow(current.item, now) }
      : current,
  );
  await deps.notifier.toCustomer(doc.item.customerId, overflowWording.full, { kind: 'ended' });
  await announceWorkItemChange(deps);
  deps.logger.warn(fields, 'queue full: the conversation was closed');
  return { kind: 'ended' };
}

/**
 * MAX_QUEUE_WAIT_S on the sweeper's clock: each customer queued that long (and not being offered or taken) is told,
 * once, that it takes longer (`wait`), or their conversation closes, its words kept, and they are told (`end`).
 * Returns how many were handled.
 */
export async function sweepLongWaits(deps: OverflowPorts): Promise<number> {
  const limits = deps.settings.queueLimits ?? NO_QUEUE_LIMITS;
  if (limits.maxWaitMs === 0) return 0;
  const now = deps.clock.now();
  const queue = await deps.queue.get(deps.settings.workstream.name);
  const idle = queue.entries.filter((entry) => entry.offer === undefined && entry.claim === undefined);
  if (idle.length === 0) return 0;
  const [docs, told] = await Promise.all([
    deps.workItems.getMany(idle.map((entry) => entry.workItemId)),
    deps.positionNotices.all(),
  ]);
  let handled = 0;
  for (const entry of idle) {
    const doc = docs.get(entry.workItemId);
    if (!doc || doc.item.state !== 'open' || !hasWaitedTooLong(limits, doc.waitingSince, now)) continue;
    if (limits.waitAction === 'wait' && told.get(doc.item.id)?.longWaitToldAt !== undefined) continue;
    await deps.unitOfWork.run(() =>
      limits.waitAction === 'wait' ? tellLongWait(deps, doc, now) : endLongWait(deps, doc, now),
    );
    deps.logger.info(
      { workItemId: doc.item.id, waitedMs: now - doc.waitingSince, action: limits.waitAction },
      'customer waited past MAX_QUEUE_WAIT_S',
    );
    handled += 1;
  }
  return handled;
}

async function tellLongWait(deps: OverflowPorts, doc: WorkItemDocument, now: number): Promise<void> {
  await deps.positionNotices.markLongWait(doc.item.id, now);
  if (doc.item.customerLeftAt !== undefined) return;
  await deps.notifier.toCustomer(doc.item.customerId, overflowWording.longWait, { kind: 'queued' });
}

async function endLongWait(deps: OverflowPorts, doc: WorkItemDocument, now: number): Promise<void> {
  const closed = await deps.workItems.update(doc.item.id, (current) =>
    current && current.item.state === 'open'
      ? { ...current, item: closeOverflow(current.item, now) }
      : current,
  );
  if (closed?.item.state !== 'closed') return;
  await leaveQueue(deps, doc.item.id);
  if (doc.item.customerLeftAt === undefined) {
    await deps.notifier.toCustomer(doc.item.customerId, overflowWording.waitEnded, { kind: 'ended' });
  }
  await announceWorkItemChange(deps);
}
