import type { OfferView } from '../../app/views';

export interface OfferChanges {
  /** Offers seen for the first time: the sound and the desktop notification. */
  readonly arrived: readonly OfferView[];
  /** Offers that ran out unanswered since the last look: a notice each, once. */
  readonly expired: readonly OfferView[];
}

/**
 * Keeps track of the offers the agent is shown. An offer ends unanswered either on the tab's own countdown
 * (tick) or by leaving the workspace at about its expiry (the server drops it then); either way it is told once.
 * An offer the agent answered, or one that left well before its expiry (taken back), is not "expired".
 */
export class OfferWatch {
  private shown = new Map<string, OfferView>();
  private readonly seen = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly answeredIds = new Set<string>();

  /** `graceMs`: an offer that leaves this close to its expiry (clocks differ a little) counts as expired. */
  constructor(private readonly graceMs = 3000) {}

  /** The offers the workspace has now. */
  update(offers: readonly OfferView[], now: number): OfferChanges {
    const next = new Map(
      offers.filter((offer) => !this.ended.has(offer.offerId)).map((offer) => [offer.offerId, offer]),
    );
    const arrived = [...next.values()].filter((offer) => !this.seen.has(offer.offerId));
    for (const offer of arrived) this.seen.add(offer.offerId);
    const expired = [...this.shown.values()].filter(
      (offer) =>
        !next.has(offer.offerId) &&
        !this.answeredIds.has(offer.offerId) &&
        now >= offer.expiresAt - this.graceMs,
    );
    for (const offer of expired) this.ended.add(offer.offerId);
    this.shown = next;
    return { arrived, expired: [...expired, ...this.tick(now)] };
  }

  /** Offers whose time ran out by `now`: they stop showing and are returned once. */
  tick(now: number): OfferView[] {
    const expired = [...this.shown.values()].filter(
      (offer) => offer.expiresAt <= now && !this.answeredIds.has(offer.offerId),
    );
    for (const offer of expired) {
      this.ended.add(offer.offerId);
      this.shown.delete(offer.offerId);
    }
    return expired;
  }

  /** The agent pressed Accept or Reject: whatever happens next is not an expiry. */
  answered(offerId: string): void {
    this.answeredIds.add(offerId);
  }

  /** The offers to show, oldest first. */
  current(): OfferView[] {
    return [...this.shown.values()];
  }
}
