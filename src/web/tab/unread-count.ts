import type { PanelRow } from '../../domain/agent-sessions';

/** The page title the tab shows: the unread total first, so a background browser tab shows it too. */
export const PAGE_TITLE = 'Relaydesk';

/** A session's unread count: the exact number the row carries (its badge stops at "9+"). */
export function unreadCount(row: PanelRow): number {
  return row.unread !== undefined && row.unread > 0 ? row.unread : 0;
}

export function totalUnread(rows: readonly PanelRow[]): number {
  return rows.reduce((total, row) => total + unreadCount(row), 0);
}

/** "(3) Relaydesk", or just "Relaydesk" when nothing is unread. */
export function titleWithUnread(total: number, title: string = PAGE_TITLE): string {
  return total > 0 ? `(${total}) ${title}` : title;
}
