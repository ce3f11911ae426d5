import type { DeskPorts } from './desk-context';
import type { WorkItemIndexEntry } from './documents';

/** Closed items listed on the dashboard; older ones stay in the store but leave the list. */
export const CLOSED_ITEMS_LISTED = 50;

/** The dashboard is a query over the work items, so a change has only to tell the live views to refresh. */
export async function announceWorkItemChange(deps: Pick<DeskPorts, 'notifier'>): Promise<void> {
  await deps.notifier.workItemsChanged?.();
}

export function readWorkItemIndex(
  deps: Pick<DeskPorts, 'workItems' | 'settings'>,
): Promise<readonly WorkItemIndexEntry[]> {
  return deps.workItems.dashboard(deps.settings.workstream.name, CLOSED_ITEMS_LISTED);
}
