import type { OfferView } from '../../app/views';
import { channelLabel } from './format';

const ASKED_KEY = 'relaydesk.notifications.asked';

/**
 * Desktop notifications for new offers, through the Notification API. Permission is asked once, from the
 * agent's first click or key press in the tab (a prompt on load is refused or resented), never again after.
 */
export class DesktopNotifier {
  constructor(private readonly storage: Storage) {}

  notify(offer: OfferView): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      const shown = new Notification(`Incoming conversation: ${offer.title}`, {
        body: `${channelLabel(offer.channel)} · ${offer.firstMessage.slice(0, 140)}`,
        tag: `relaydesk-offer-${offer.offerId}`,
      });
      shown.onclick = () => {
        window.focus();
        shown.close();
      };
    } catch {
      // Some hosts (a mobile web view) have the API but refuse to show notifications from a page.
    }
  }

  /** Asks for permission unless it was asked before; call it from a user gesture. */
  askOnce(): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    if (this.read() === 'yes') return;
    try {
      this.storage.setItem(ASKED_KEY, 'yes');
    } catch {
      // Storage blocked: asked at most once in this page.
    }
    void Notification.requestPermission().catch(() => undefined);
  }

  private read(): string | null {
    try {
      return this.storage.getItem(ASKED_KEY);
    } catch {
      return null;
    }
  }
}
