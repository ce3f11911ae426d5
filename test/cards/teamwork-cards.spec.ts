import { CardRenderer } from '../../src/cards/render-card';
import { dataOf, executeActions, objectsOfType, textBlocks } from '../support/cards';
import { NOTES, NOW, notesView, offerView, transferOfferView, transferPickerView } from '../support/fixtures';

const renderer = new CardRenderer();
const verbsAndData = (card: ReturnType<CardRenderer['renderAgentView']>) =>
  executeActions(card).map((action) => [action['verb'], dataOf(action)]);

describe('the transfer picker card', () => {
  const card = renderer.renderAgentView(transferPickerView(), { now: NOW });

  it('lists each colleague with their presence and load, and a Transfer that names them and the session', () => {
    const texts = textBlocks(card);
    expect(texts).toContain('Grace Hopper');
    expect(texts).toContain('Available · 0 of 10 conversations');
    expect(texts).toContain('Busy · 3 of 10 conversations');
    expect(verbsAndData(card)).toEqual([
      ['transfer', { sessionId: 'wi-kenny', toAgentId: 'agent-grace' }],
      ['transfer', { sessionId: 'wi-kenny', toAgentId: 'agent-linus' }],
      ['transfer', { sessionId: 'wi-kenny', toQueue: true }],
    ]);
  });

  it('escapes a name, so a colleague called "Linus <b>T</b>" is shown as typed', () => {
    expect(textBlocks(card).some((text) => text.includes('<b>'))).toBe(false);
  });

  it('has one optional "note" box for the colleague, sent with every Transfer', () => {
    expect(objectsOfType(card, 'Input.Text')).toEqual([
      expect.objectContaining({ id: 'note', isMultiline: true, maxLength: 1000 }),
    ]);
  });

  it('says so when nobody can take it, and still offers the queue', () => {
    const empty = renderer.renderAgentView(transferPickerView([]), { now: NOW });
    expect(textBlocks(empty)).toContain(
      'Nobody else can take it now: no colleague is Available or Busy with room for one more.',
    );
    expect(verbsAndData(empty)).toEqual([['transfer', { sessionId: 'wi-kenny', toQueue: true }]]);
  });
});

describe('the notes card', () => {
  it('lists the notes with author and time, says they are for agents only, and adds one from its "text" box', () => {
    const card = renderer.renderAgentView(notesView(NOTES), { now: NOW });
    const texts = textBlocks(card);
    expect(texts).toContain('For agents only: the customer never sees notes.');
    expect(texts).toContain('Customer prefers email follow-up');
    expect(texts.some((text) => text.startsWith('Ada Lovelace · '))).toBe(true);
    expect(objectsOfType(card, 'Input.Text').map((input) => input['id'])).toEqual(['text']);
    expect(verbsAndData(card)).toEqual([['note', { sessionId: 'wi-kenny' }]]);
  });

  it('escapes markdown and markup in a note', () => {
    const card = renderer.renderAgentView(notesView(NOTES), { now: NOW });
    const first = textBlocks(card).find((text) => text.startsWith('Order 1234'));
    expect(first).toBeDefined();
    expect(first).not.toContain('<approved>');
    expect(first).not.toMatch(/(^|[^\\])\*pending/);
  });

  it('says "No notes yet." when there are none', () => {
    expect(textBlocks(renderer.renderAgentView(notesView([]), { now: NOW }))).toContain('No notes yet.');
  });
});

describe('a transfer offer card', () => {
  it('is titled "Transfer from <agent>: <customer title>" and carries the handover', () => {
    const card = renderer.renderAgentView(transferOfferView('pending'), { now: NOW });
    const texts = textBlocks(card);
    expect(texts[0]).toBe('Transfer from Ada Lovelace: Visitor 8');
    expect(texts).toContain('Wants a refund for order 1234; I am off shift');
    expect(texts).toContain('Customer prefers email follow-up');
    const facts = objectsOfType(card, 'FactSet').flatMap((set) => set['facts'] as { title: string }[]);
    expect(facts.map((fact) => fact.title)).toEqual(expect.arrayContaining(['Latest message', 'Sentiment']));
  });

  it('is answered with the same Accept / Reject as any offer', () => {
    const card = renderer.renderAgentView(transferOfferView('pending'), { now: NOW });
    expect(verbsAndData(card)).toEqual([
      ['accept', { workItemId: 'wi-visitor-8', offerId: 'offer-31' }],
      ['reject', { workItemId: 'wi-visitor-8', offerId: 'offer-31' }],
    ]);
  });

  it('keeps "Incoming conversation" and no handover for a queued conversation', () => {
    const card = renderer.renderAgentView(offerView('pending'), { now: NOW });
    expect(textBlocks(card)[0]).toBe('Incoming conversation');
    expect(textBlocks(card)).not.toContain('Handover');
  });
});
