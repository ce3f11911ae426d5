import type { OfferStatus } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import {
  actionsWithVerb,
  dataOf,
  executeActions,
  fallbackOf,
  objectsOfType,
  textBlocks,
} from '../support/cards';
import { NOW, T0, offerView } from '../support/fixtures';

const renderer = new CardRenderer();
const pending = renderer.renderAgentView(offerView('pending'), { now: NOW });

describe('the offer card', () => {
  it('announces the incoming conversation with title, icon, channel, first message and waiting time', () => {
    expect(textBlocks(pending).slice(0, 6)).toEqual([
      'Incoming conversation',
      'Vi',
      'Visitor 8',
      'Web chat',
      'Hi, my order has not arrived yet.',
      'Waiting since 14:05 UTC',
    ]);
  });

  it('shows the date too when the customer has been waiting since another day', () => {
    const card = renderer.renderAgentView(offerView('pending'), { now: T0 + 24 * 3_600_000 });
    expect(textBlocks(card)).toContain('Waiting since 2025-11-24 14:05 UTC');
  });

  it('lists the pre-chat answers as facts, and leaves them out when there are none', () => {
    expect(objectsOfType(pending, 'FactSet')).toEqual([
      {
        type: 'FactSet',
        facts: [
          { title: 'Your name', value: 'Sam' },
          { title: 'Order number', value: '40-1187' },
        ],
      },
    ]);
    const without = renderer.renderAgentView(offerView('pending', { prechat: [] }), { now: NOW });
    expect(objectsOfType(without, 'FactSet')).toEqual([]);
    expect(textBlocks(without)).not.toContain('Pre-chat answers');
  });

  it('asks to accept within the notification timeout', () => {
    expect(textBlocks(pending)).toContain('Accept within 120 s');
  });

  it('offers Accept (positive) and Reject (destructive) carrying {workItemId, offerId}', () => {
    expect(
      executeActions(pending).map((action) => [action['title'], action['verb'], action['style']]),
    ).toEqual([
      ['Accept', 'accept', 'positive'],
      ['Reject', 'reject', 'destructive'],
    ]);
    for (const verb of ['accept', 'reject']) {
      const [action] = actionsWithVerb(pending, verb);
      expect(dataOf(action!)).toEqual({ workItemId: 'wi-visitor-8', offerId: 'offer-31' });
      expect(fallbackOf(action!)).toMatchObject({
        type: 'Action.Submit',
        data: { verb, workItemId: 'wi-visitor-8', offerId: 'offer-31' },
      });
    }
  });

  it.each<[OfferStatus, string]>([
    ['accepted', 'Accepted'],
    ['rejected', 'Rejected'],
    ['missed', 'Missed'],
    ['unavailable', 'This request is no longer available.'],
  ])('once %s keeps the header, says "%s" and has no buttons', (status, line) => {
    const card = renderer.renderAgentView(offerView(status), { now: NOW });
    expect(executeActions(card)).toEqual([]);
    expect(objectsOfType(card, 'Action.Submit')).toEqual([]);
    expect(textBlocks(card).slice(0, 6)).toEqual(textBlocks(pending).slice(0, 6));
    expect(textBlocks(card).at(-1)).toBe(line);
    expect(textBlocks(card)).not.toContain('Accept within 120 s');
  });

  it('shows no status line while pending', () => {
    for (const line of ['Accepted', 'Rejected', 'Missed', 'This request is no longer available.']) {
      expect(textBlocks(pending)).not.toContain(line);
    }
  });
});
