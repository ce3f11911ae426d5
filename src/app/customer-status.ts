import { routeCustomerMessage } from '../domain/work-item';
import type { DeskPorts } from './desk-context';

/**
 * Whether the customer's next message would join a live work item (Open, Active, or Waiting within the
 * waiting period) rather than start a new one — the same routing rule the desk applies when it arrives.
 */
export async function hasLiveWorkItem(
  deps: Pick<DeskPorts, 'customers' | 'workItems' | 'clock' | 'settings'>,
  customerId: string,
): Promise<boolean> {
  const latestId = (await deps.customers.get(customerId))?.latestWorkItemId;
  if (!latestId) return false;
  const latest = await deps.workItems.get(latestId);
  const route = routeCustomerMessage(
    latest?.item,
    deps.clock.now(),
    deps.settings.workstream.waitingPeriodMs,
  );
  return route.kind !== 'start-new';
}
