import type { WorkItem } from '../domain/work-item';
import type { DeskContext } from './desk-context';
import { keys } from './documents';
import type { WorkItemIndexDocument, WorkItemIndexEntry } from './documents';

/** Closed items kept on the dashboard; older ones stay in the store but leave the list. */
export const CLOSED_ITEMS_LISTED = 50;

/**
 * Keeps the dashboard's index in step with a work item's state. `preview` (the customer's first words) is given
 * when the item is queued; an entry keeps the one it has otherwise, so the dashboard never reads transcripts.
 */
export async function indexWorkItem(ctx: DeskContext, item: WorkItem, preview?: string): Promise<void> {
  const fresh: WorkItemIndexEntry = {
    workItemId: item.id,
    title: item.title,
    channel: item.channelId,
    state: item.state,
    since: item.stateChangedAt,
    ...(item.assignedAgentId ? { agentId: item.assignedAgentId } : {}),
    ...(item.customerLeftAt !== undefined ? { customerLeft: true } : {}),
  };
  await ctx.store.update<WorkItemIndexDocument>(keys.workItemIndex(item.workstream), (current) => {
    const kept = preview ?? current?.entries.find((e) => e.workItemId === item.id)?.preview;
    const entry = kept === undefined ? fresh : { ...fresh, preview: kept };
    const others = (current?.entries ?? []).filter((e) => e.workItemId !== item.id);
    const closed = others.filter((e) => e.state === 'closed').sort((a, b) => b.since - a.since);
    const dropped = new Set(
      closed.slice(CLOSED_ITEMS_LISTED - (entry.state === 'closed' ? 1 : 0)).map((e) => e.workItemId),
    );
    return { entries: [...others.filter((e) => !dropped.has(e.workItemId)), entry] };
  });
  await ctx.notifier.workItemsChanged?.();
}

export async function readWorkItemIndex(ctx: DeskContext): Promise<readonly WorkItemIndexEntry[]> {
  const stored = await ctx.store.get<WorkItemIndexDocument>(keys.workItemIndex(ctx.settings.workstream.name));
  return stored?.value.entries ?? [];
}
