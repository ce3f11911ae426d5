import type { OfferView } from '../../app/views';
import { Clamps } from './clamp';
import type { TabClock } from './clock';
import { DesktopNotifier } from './desktop-notifier';
import { h } from './dom';
import { onFirstGesture } from './first-gesture';
import { restorableFocus } from './focus';
import type { Notices } from './notices';
import { OfferChime } from './offer-chime';
import { OfferWatch } from './offer-watch';
import { renderOffers, type OfferActions } from './offers-view';
import { SoundSetting } from './sound-setting';

export interface OfferStripOptions {
  readonly clock: TabClock;
  readonly notices: Notices;
  /** Where the sound setting and "permission asked" are kept (localStorage). */
  readonly storage: Storage;
  readonly actions: OfferActions;
  /** An offer ran out on the tab's countdown: the workspace is read again. */
  readonly onExpired: () => void;
}

/**
 * The incoming offers above the view: drawn when they change (an open button keeps its focus), a chime and a
 * desktop notification for each new one, and a notice for each that runs out unanswered.
 */
export class OfferStrip {
  readonly element: HTMLElement = h('div', { class: 'incoming' });
  private readonly watch = new OfferWatch();
  private readonly chime = new OfferChime();
  private readonly notifier: DesktopNotifier;
  private clamps = new Clamps();
  private drawn = '';
  private sound: SoundSetting | undefined;

  constructor(private readonly options: OfferStripOptions) {
    this.notifier = new DesktopNotifier(options.storage);
  }

  /** Browsers allow a permission prompt and sound only after a user gesture: never on load. */
  prepareOnFirstGesture(target: EventTarget): void {
    onFirstGesture(target, () => {
      this.notifier.askOnce();
      this.chime.unlock();
    });
  }

  /** The signed-in agent's sound setting (for the top bar's switch), made once their id is known. */
  soundFor(agentId: string): SoundSetting {
    this.sound ??= new SoundSetting(agentId, this.options.storage);
    return this.sound;
  }

  update(offers: readonly OfferView[]): void {
    const { arrived, expired } = this.watch.update(offers, this.options.clock.now());
    for (const offer of arrived) {
      if (this.sound?.on ?? true) this.chime.play();
      this.notifier.notify(offer);
    }
    this.tellExpired(expired);
    this.draw();
  }

  /** The clock moved: offers whose time is up leave, with a notice. */
  tick(now: number): void {
    const expired = this.watch.tick(now);
    if (expired.length === 0) return;
    this.tellExpired(expired);
    this.draw();
    this.options.onExpired();
  }

  answered(offer: OfferView): void {
    this.watch.answered(offer.offerId);
  }

  private tellExpired(expired: readonly OfferView[]): void {
    for (const offer of expired) {
      this.options.notices.show({
        kind: 'notice',
        title: `Offer for ${offer.title} expired — it went back to the queue`,
        text: '',
        tone: 'warning',
      });
    }
  }

  private draw(): void {
    const offers = this.watch.current();
    const key = JSON.stringify(offers);
    if (key === this.drawn) return;
    this.drawn = key;
    const keepFocus = restorableFocus(this.element);
    this.clamps.disconnect();
    this.clamps = new Clamps();
    this.element.replaceChildren(
      ...(offers.length > 0
        ? [renderOffers(offers, this.options.actions, this.options.clock.now(), this.clamps)]
        : []),
    );
    keepFocus();
  }
}
