import type { OfferView } from '../../app/views';
import type { Clamps } from './clamp';
import type { ShownOffer } from './offer-watch';
import { h } from './dom';
import { channelLabel } from './format';
import { liveTime } from './live-times';
import { messageText } from './message-text';

export interface OfferActions {
  answerOffer(offer: OfferView, answer: 'accept' | 'reject'): void;
}

/** Incoming conversations offered to the agent, above whichever view is open: Accept, Reject, time left. */
export function renderOffers(
  offers: readonly ShownOffer[],
  actions: OfferActions,
  now: number,
  clamps: Clamps,
): HTMLElement {
  return h(
    'section',
    { class: 'offers', 'aria-labelledby': 'offers-title' },
    h('h2', { id: 'offers-title' }, 'Incoming conversations'),
    h('ul', {}, ...offers.map((shown) => offerItem(shown, actions, now, clamps))),
  );
}

function offerItem(shown: ShownOffer, actions: OfferActions, now: number, clamps: Clamps): HTMLElement {
  const { offer, deadline } = shown;
  return h(
    'li',
    { class: 'offer', 'data-work-item-id': offer.workItemId, 'data-offer-id': offer.offerId },
    h('span', { class: 'session-icon', 'aria-hidden': 'true' }, offer.icon),
    h(
      'div',
      { class: 'offer-text' },
      offer.transfer
        ? h('span', { class: 'offer-transfer' }, `Transfer from ${offer.transfer.fromName}: `)
        : null,
      h('strong', {}, offer.title),
      offer.nameGiven ? h('span', { dir: 'auto' }, ` (${offer.nameGiven})`) : null,
      ` · ${channelLabel(offer.channel)} · waiting `,
      liveTime(offer.waitingSince, 'waited', now),
      offer.firstMessage ? clamps.wrap(messageText(offer.firstMessage, 'offer-message')) : null,
      offer.transfer?.note
        ? h(
            'span',
            { class: 'offer-handover' },
            `Note from ${offer.transfer.fromName}: ${offer.transfer.note}`,
          )
        : null,
    ),
    // role=timer is not announced as it ticks; the agent reads it when they look.
    h(
      'span',
      { class: 'offer-countdown', role: 'timer', 'aria-label': `Time left to accept ${offer.title}` },
      liveTime(deadline, 'countdown', now),
      ' left',
    ),
    h(
      'div',
      { class: 'offer-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'button primary small',
          'data-focus-key': `offer:accept:${offer.offerId}`,
          'aria-label': `Accept ${offer.title}`,
          onclick: () => actions.answerOffer(offer, 'accept'),
        },
        'Accept',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          'data-focus-key': `offer:reject:${offer.offerId}`,
          'aria-label': `Reject ${offer.title}`,
          onclick: () => actions.answerOffer(offer, 'reject'),
        },
        'Reject',
      ),
    ),
  );
}
