import type { WorkQueue } from '../domain/routing';
import type { DeskPorts } from './desk-context';

export type WorkQueuePorts = Pick<DeskPorts, 'queue' | 'settings'>;

/** Changes the workstream's queue (re-run on every write conflict) and returns what the change decided. */
export async function updateQueue<R>(
  deps: WorkQueuePorts,
  change: (queue: WorkQueue) => { queue: WorkQueue; result: R },
): Promise<R> {
  let result: R | undefined;
  await deps.queue.update(deps.settings.workstream.name, (current) => {
    const outcome = change(current);
    result = outcome.result;
    return outcome.queue;
  });
  return result as R;
}

export async function changeQueue(
  deps: WorkQueuePorts,
  change: (queue: WorkQueue) => WorkQueue,
): Promise<void> {
  await updateQueue(deps, (queue) => ({ queue: change(queue), result: undefined }));
}
