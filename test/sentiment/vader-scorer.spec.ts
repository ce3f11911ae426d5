import { conversationSentiment, recordSentimentScore, sentimentLevelOf } from '../../src/domain/sentiment';
import { createVaderScorer } from '../../src/sentiment/vader-scorer';

const scorer = createVaderScorer();

describe('VADER sentiment scorer', () => {
  it('scores an angry message Very negative', () => {
    expect(sentimentLevelOf(scorer.score('This is terrible, I am furious!!'))).toBe('Very negative');
  });

  it('scores a thankful message positive', () => {
    expect(scorer.score('Thanks, that helps a lot')).toBeGreaterThanOrEqual(0.35);
  });

  it('reads negation: "not happy" is negative', () => {
    expect(scorer.score('I am not happy')).toBeLessThan(-0.05);
  });

  it('scores a plain question Neutral', () => {
    expect(sentimentLevelOf(scorer.score('Where is my order?'))).toBe('Neutral');
  });

  it('scores empty or blank text 0', () => {
    expect(scorer.score('')).toBe(0);
    expect(scorer.score('   ')).toBe(0);
  });

  it('stays within [-1, 1] on long hostile input and reads only the first characters', () => {
    const score = scorer.score('I hate this awful useless service! '.repeat(5000));
    expect(score).toBeGreaterThanOrEqual(-1);
    expect(score).toBeLessThan(-0.65);
  });

  it('turns a conversation that goes sour into an alert-level mean', () => {
    const scores = [
      'Hi, my router is broken',
      'It still does not work',
      'This is awful, I want a refund!',
    ].reduce<number[]>((acc, text) => recordSentimentScore(acc, scorer.score(text)), []);
    expect(['Slightly negative', 'Negative', 'Very negative']).toContain(conversationSentiment(scores));
  });
});
