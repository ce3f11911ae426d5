/** The badge shows 1–9 and "9+" from 10; nothing at 0. */
export function unreadBadge(count: number): string | undefined {
  if (count <= 0) return undefined;
  return count >= 10 ? '9+' : String(count);
}

export function unreadTooltip(title: string, count: number): string {
  return `${title}. ${count} new updates in your conversation.`;
}
