/** What the desk's instances tell each other so open tabs everywhere refresh (implemented in src/store/sql). */

/** A change the other instances' tabs should hear about. */
export type LiveEvent =
  { readonly kind: 'agent'; readonly agentId: string } | { readonly kind: 'work-items' };

/** What a listener gets: another instance's change, or `resync` when changes may have been missed. */
export type ReceivedLiveEvent = LiveEvent | { readonly kind: 'resync' };

export type LiveEventListener = (event: ReceivedLiveEvent) => void;

export interface LiveEventBus {
  /** Tells the other instances; resolves false when nothing was sent (refused, not connected), never rejects. */
  publish(event: LiveEvent): Promise<boolean>;
  /** Events from other instances, never this one's own; returns the unsubscribe. */
  subscribe(listener: LiveEventListener): () => void;
  /** Stops listening and reconnecting; safe to call twice. */
  close(): Promise<void>;
}
