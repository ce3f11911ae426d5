/**
 * The outbox sends after the request that queued a message has returned. Test helpers that post to a desk
 * started by the harness settle it here afterwards, so a test reads the connector once everything the request
 * queued (and could be delivered now) was delivered.
 */
const drains = new Map<string, () => Promise<void>>();

/** `url` is the desk's bot endpoint or base URL; both are registered. */
export function registerOutboxDrain(urls: readonly string[], drain: () => Promise<void>): () => void {
  for (const url of urls) drains.set(url, drain);
  return () => {
    for (const url of urls) if (drains.get(url) === drain) drains.delete(url);
  };
}

/** Drains the outbox of the desk at `url`, if the harness started one there. */
export async function settleOutbox(url: string): Promise<void> {
  await drains.get(url)?.();
}
