import type { PanelRow } from '../../domain/agent-sessions';

/** The page title the tab shows: the unread total first, so a background browser tab shows it too. */
export const PAGE_TITLE = 'Relaydesk';

const UNREAD_IN_TEXT = /(\d+) new updates?/;

/**
 * A session's unread count. The row's badge stops at "9+", so the exact number is read from its unread text
 * ("Visitor 1. 12 new updates in your conversation.") when there is one.
 */
export function unreadCount(row: PanelRow): number {
  const fromText = row.unreadText ? UNREAD_IN_TEXT.exec(row.unreadText)?.[1] : undefined;
  const count = Number.parseInt(fromText ?? row.badge ?? '0', 10);
  return Number.isFinite(count) && count > 0 ? count : 0;
}

export function totalUnread(rows: readonly PanelRow[]): number {
  return rows.reduce((total, row) => total + unreadCount(row), 0);
}

/** "(3) Relaydesk", or just "Relaydesk" when nothing is unread. */
export function titleWithUnread(total: number, title: string = PAGE_TITLE): string {
  return total > 0 ? `(${total}) ${title}` : title;
}
