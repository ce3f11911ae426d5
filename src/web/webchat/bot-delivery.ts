/** How a hand-over to the bot went; `status` and `retryAfter` are the bot's answer, when there was one. */
export type Delivery =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly status?: number; readonly retryAfter?: string };

export type FailedDelivery = Extract<Delivery, { ok: false }>;

/** Retry-After for a 503 from the bot that gave none (or one this channel cannot read as seconds). */
const BOT_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

/** The bot's Retry-After when it is whole seconds, else the channel's own default. */
export function retryAfterOf(delivery: { readonly retryAfter?: string }): string {
  const given = delivery.retryAfter?.trim();
  return given !== undefined && /^[1-9]\d{0,5}$/.test(given)
    ? given
    : String(BOT_UNAVAILABLE_RETRY_AFTER_SECONDS);
}

/**
 * Hands customers' messages to the bot by POSTing them to this server's own /api/messages; one conversation's
 * messages are handed over one at a time, in transcript order.
 */
export class BotDelivery {
  private readonly deliveries = new Map<string, Promise<unknown>>();

  constructor(private readonly timeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS) {}

  /** POSTs `json` to `url` after the conversation's earlier hand-overs have settled. */
  deliver(conversationId: string, url: string, json: string): Promise<Delivery> {
    return this.inOrder(conversationId, () => this.post(url, json));
  }

  private inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.deliveries.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.deliveries.set(conversationId, next);
    const forget = () => {
      if (this.deliveries.get(conversationId) === next) this.deliveries.delete(conversationId);
    };
    next.then(forget, forget);
    return next;
  }

  private async post(url: string, json: string): Promise<Delivery> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: json,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer();
      if (response.ok) return { ok: true };
      const retryAfter = response.headers.get('retry-after');
      return {
        ok: false,
        reason: `the bot answered ${response.status}`,
        status: response.status,
        ...(retryAfter !== null ? { retryAfter } : {}),
      };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
