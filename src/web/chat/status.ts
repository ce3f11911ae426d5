/** How the page stands with the channel: `lost` once its conversation is gone (expired, or its token refused). */
export type Connection = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'lost';

/** What the status line shows (its `data-status`). */
export type Status = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended';

export const STATUS_TEXT: Readonly<Record<Status, string>> = {
  idle: '',
  connecting: 'Connecting…',
  live: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Conversation ended',
};

/**
 * The status line: the connection, except that a conversation that is over says so, whether the channel lost it
 * or the desk ended it (and the page is still connected: a connection problem is the more urgent news).
 */
export function statusOf(connection: Connection, endedByDesk: boolean): Status {
  if (connection === 'lost') return 'ended';
  return connection === 'live' && endedByDesk ? 'ended' : connection;
}
