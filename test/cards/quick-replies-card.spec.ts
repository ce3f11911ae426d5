import { CardRenderer } from '../../src/cards/render-card';
import {
  actionsWithVerb,
  adaptiveCardProblems,
  dataOf,
  objectsOfType,
  textBlocks,
  visibleTexts,
} from '../support/cards';
import { quickRepliesView, quickRepliesWithHomeFocused } from '../support/fixtures';

const renderer = new CardRenderer();

describe('the quick replies card', () => {
  it('offers Send and Insert into reply for each match, naming the session and the quick reply', () => {
    const card = renderer.renderAgentView(quickRepliesView());
    expect(textBlocks(card)[0]).toBe('Quick replies for Kenny Smith');
    expect(actionsWithVerb(card, 'quickReply').map(dataOf)).toEqual([
      { sessionId: 'wi-kenny', quickReplyId: 'refund-started' },
      { sessionId: 'wi-kenny', quickReplyId: 'refund-started', insert: true },
      { sessionId: 'wi-kenny', quickReplyId: 'qr-order', insert: true },
    ]);
  });

  it('shows each match as it would be sent, with whose it is and its tags', () => {
    const texts = visibleTexts(renderer.renderAgentView(quickRepliesView()));
    expect(texts).toEqual(
      expect.arrayContaining([
        'Refund started',
        'Team · #billing #refund',
        'Hi Kenny Smith, your refund is on its way.',
        'Yours',
      ]),
    );
  });

  it('has no Send for a reply with a placeholder left to fill, and says how to use it', () => {
    const card = renderer.renderAgentView(quickRepliesView());
    const sends = actionsWithVerb(card, 'quickReply').filter((action) => action['title'] === 'Send');
    expect(sends.map((action) => dataOf(action)['quickReplyId'])).toEqual(['refund-started']);
    expect(visibleTexts(card)).toContain(
      'Has \\{orderNumber\\} to fill in: insert it into your reply and complete it there.',
    );
  });

  it('only lists, with a hint, while Home is focused', () => {
    const card = renderer.renderAgentView(quickRepliesWithHomeFocused());
    expect(actionsWithVerb(card, 'quickReply')).toEqual([]);
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(visibleTexts(card).join(' ')).toContain('Home is focused: select a conversation');
  });

  it('says so when nothing matches', () => {
    const card = renderer.renderAgentView(quickRepliesView({ query: 'warranty', results: [] }));
    expect(visibleTexts(card)).toContain(
      'No quick replies match “warranty”. Try other words, or /q alone for the list.',
    );
  });

  it('after Insert into reply, holds the draft in a reply box whose Reply sends it for that session', () => {
    const draft = 'Hi Kenny,\nthe refund for order #1234 is on its way. ${x} <b>';
    const card = renderer.renderAgentView(
      quickRepliesView({ query: '', results: [], draft, inserted: 'Refund started' }),
    );
    const [box] = objectsOfType(card, 'Input.Text');
    expect(box).toMatchObject({ id: 'text', isMultiline: true, value: draft });
    expect(actionsWithVerb(card, 'reply').map(dataOf)).toEqual([
      { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' },
    ]);
    expect(visibleTexts(card)).toContain(
      'Inserted “Refund started” into your reply to Kenny Smith. Edit it here and send.',
    );
  });

  it('shows a quick reply’s words as text, never as markdown or a mention', () => {
    const view = quickRepliesView();
    const [first] = view.results;
    if (!first) throw new Error('the fixture has results');
    const card = renderer.renderAgentView({
      ...view,
      results: [{ ...first, title: '**Bold** <at>Ada</at>', text: '[click](https://evil.example)' }],
    });
    const texts = visibleTexts(card).join('\n');
    expect(texts).not.toContain('<at>');
    expect(texts).toContain('\\*\\*Bold\\*\\*');
    expect(texts).toContain('\\[click\\](https://evil.example)');
  });
});
