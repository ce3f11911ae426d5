import type { OfferView } from '../../app/views';

/** An offer on screen, with its expiry on the server's clock (the tab's ServerClock reads that clock). */
export interface ShownOffer {
  readonly offer: OfferView;
  readonly deadline: number;
}

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
  private shown = new Map<string, ShownOffer>();
  private readonly seen = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly answeredIds = new Set<string>();

  /** `graceMs`: an offer that leaves this close to its expiry (the server's sweep runs a moment late) expired. */
  constructor(private readonly graceMs = 3000) {}

  /** The offers the workspace has now; `now` is on the server's clock, as every time here is. */
  update(offers: readonly OfferView[], now: number): OfferChanges {
    const arrived = offers.filter((offer) => !this.seen.has(offer.offerId));
    for (const offer of arrived) this.seen.add(offer.offerId);
    const next = new Map(
      offers
        .filter((offer) => !this.ended.has(offer.offerId))
        .map((offer) => [offer.offerId, { offer, deadline: offer.expiresAt }]),
    );
    const gone = [...this.shown.values()].filter(
      ({ offer, deadline }) =>
        !next.has(offer.offerId) && !this.answeredIds.has(offer.offerId) && now >= deadline - this.graceMs,
    );
    for (const { offer } of gone) this.ended.add(offer.offerId);
    this.shown = next;
    return { arrived, expired: [...gone.map(({ offer }) => offer), ...this.tick(now)] };
  }

  /** Offers whose time ran out by `now`: they stop showing and are returned once. */
  tick(now: number): OfferView[] {
    const expired = [...this.shown.values()].filter(
      ({ offer, deadline }) => deadline <= now && !this.answeredIds.has(offer.offerId),
    );
    for (const { offer } of expired) {
      this.ended.add(offer.offerId);
      this.shown.delete(offer.offerId);
    }
    return expired.map(({ offer }) => offer);
  }

  /** The agent pressed Accept or Reject: whatever happens next is not an expiry. */
  answered(offerId: string): void {
    this.answeredIds.add(offerId);
  }

  /** The offers to show, oldest first. */
  current(): ShownOffer[] {
    return [...this.shown.values()];
  }
}
