import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER_CARD_KINDS, CardRenderer, DEFAULT_CARDS_DIR } from '../../src/cards/render-card';
import { SURVEY_ANSWER_VERB } from '../../src/cards/survey-data';
import {
  adaptiveCardProblems,
  allObjects,
  allStrings,
  dataOf,
  objectsOfType,
  textBlocks,
} from '../support/cards';

/** The customer's survey card (cards/csat-survey.json): Teams and the Emulator show it after an End. */
describe('the survey card', () => {
  const card = new CardRenderer().renderCustomerCard({
    kind: 'csat-survey',
    workItemId: 'wi-3c199d47',
    surveyId: 'dfb12fc7-7257-4ae9',
  });

  it('parses with the adaptivecards library without errors or warnings, as a schema 1.5 card', () => {
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(card).toMatchObject({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
    });
    expect(allStrings(card).filter((value) => value.includes('${'))).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('$data');
  });

  it('asks the question with a required rating 1–5 and an optional comment of at most 1000 characters', () => {
    expect(textBlocks(card)[0]).toBe('How did we do? (1–5)');
    const [rating] = objectsOfType(card, 'Input.ChoiceSet');
    expect(rating).toMatchObject({ id: 'rating', isRequired: true, style: 'expanded' });
    expect((rating?.['choices'] as { value: string }[]).map((choice) => choice.value)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    const [comment] = objectsOfType(card, 'Input.Text');
    expect(comment).toMatchObject({ id: 'comment', isMultiline: true, maxLength: 1000 });
    expect(comment?.['isRequired']).toBeUndefined();
  });

  it('sends with one Action.Submit carrying the conversation and the survey’s one-time id (the inputs merged in)', () => {
    const actions = allObjects(card).filter((object) => String(object['type']).startsWith('Action.'));
    expect(actions.map((action) => action['type'])).toEqual(['Action.Submit']);
    expect(dataOf(actions[0]!)).toEqual({
      verb: SURVEY_ANSWER_VERB,
      workItemId: 'wi-3c199d47',
      surveyId: 'dfb12fc7-7257-4ae9',
    });
  });

  it.each(CUSTOMER_CARD_KINDS)('cards/%s.json is a schema 1.5 template', (kind) => {
    const template = JSON.parse(readFileSync(join(DEFAULT_CARDS_DIR, `${kind}.json`), 'utf8')) as unknown;
    expect(template).toMatchObject({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
    });
  });
});

/** The card an answered survey becomes (cards/csat-thanks.json): read-only, the rating and the comment repeated. */
describe('the survey’s thank-you card', () => {
  const renderer = new CardRenderer();

  it('thanks, repeats the rating and the comment, and offers nothing to press or fill in', () => {
    const card = renderer.renderCustomerCard({ kind: 'csat-thanks', rating: 4, comment: 'Quick and kind' });
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(textBlocks(card)).toEqual([
      'Thank you for your feedback.',
      'You rated us 4 of 5.',
      'Your comment:',
      'Quick and kind',
    ]);
    const controls = allObjects(card).filter((object) => /^(Action|Input)\./.test(String(object['type'])));
    expect(controls).toEqual([]);
    expect(allStrings(card).filter((value) => value.includes('${'))).toEqual([]);
  });

  it('shows no comment lines without a comment', () => {
    const card = renderer.renderCustomerCard({ kind: 'csat-thanks', rating: 1 });
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(textBlocks(card)).toEqual(['Thank you for your feedback.', 'You rated us 1 of 5.']);
  });

  it('keeps the customer’s comment inert: no markdown, no link, no template expression', () => {
    const comment = '[click](https://evil.example) **bold** <at>Alex</at> ${surveyId}';
    const card = renderer.renderCustomerCard({ kind: 'csat-thanks', rating: 5, comment });
    const shown = textBlocks(card).at(-1)!;
    expect(shown).not.toContain('<');
    expect(shown).toContain('\\[click\\]');
    expect(shown).toContain('\\*\\*bold\\*\\*');
    expect(shown).toContain('$\\{surveyId\\}');
  });
});
