import type { DeskContext } from './desk-context';
import type { WorkItemIndexEntry } from './documents';

/** Closed items listed on the dashboard; older ones stay in the store but leave the list. */
export const CLOSED_ITEMS_LISTED = 50;

/** The dashboard is a query over the work items, so a change has only to tell the live views to refresh. */
export async function announceWorkItemChange(ctx: Pick<DeskContext, 'notifier'>): Promise<void> {
  await ctx.notifier.workItemsChanged?.();
}

export function readWorkItemIndex(
  ctx: Pick<DeskContext, 'workItems' | 'settings'>,
): Promise<readonly WorkItemIndexEntry[]> {
  return ctx.workItems.dashboard(ctx.settings.workstream.name, CLOSED_ITEMS_LISTED);
}
