import {
  SENTIMENT_LEVELS,
  SENTIMENT_WINDOW,
  conversationSentiment,
  isSentimentAlert,
  recordSentimentScore,
  sentimentAlertTooltip,
  sentimentLevelOf,
} from '../../src/domain/sentiment';

describe('sentiment level of a score', () => {
  it.each([
    [1, 'Very positive'],
    [0.65, 'Very positive'],
    [0.649, 'Positive'],
    [0.35, 'Positive'],
    [0.349, 'Slightly positive'],
    [0.05, 'Slightly positive'],
    [0.049, 'Neutral'],
    [0, 'Neutral'],
    [-0.049, 'Neutral'],
    [-0.05, 'Slightly negative'],
    [-0.349, 'Slightly negative'],
    [-0.35, 'Negative'],
    [-0.649, 'Negative'],
    [-0.65, 'Very negative'],
    [-1, 'Very negative'],
  ])('%p is %s', (score, level) => {
    expect(sentimentLevelOf(score)).toBe(level);
  });

  it('treats a score that is not a number as Neutral', () => {
    expect(sentimentLevelOf(Number.NaN)).toBe('Neutral');
  });

  it('has the seven levels from Very negative to Very positive', () => {
    expect(SENTIMENT_LEVELS).toEqual([
      'Very negative',
      'Negative',
      'Slightly negative',
      'Neutral',
      'Slightly positive',
      'Positive',
      'Very positive',
    ]);
  });
});

describe("conversation's sentiment", () => {
  it('starts at Neutral with no customer messages', () => {
    expect(conversationSentiment([])).toBe('Neutral');
  });

  it('is the mean of the customer messages, without padding', () => {
    expect(conversationSentiment([-0.8])).toBe('Very negative');
    expect(conversationSentiment([-0.8, 0.2])).toBe('Slightly negative');
  });

  it('looks only at the last 6 customer messages', () => {
    let scores: number[] = [];
    for (let i = 0; i < 10; i += 1) scores = recordSentimentScore(scores, -1);
    for (let i = 0; i < SENTIMENT_WINDOW; i += 1) scores = recordSentimentScore(scores, 0.9);
    expect(scores).toHaveLength(SENTIMENT_WINDOW);
    expect(conversationSentiment(scores)).toBe('Very positive');
  });

  it('recovers as happier messages push older angry ones out of the window', () => {
    let scores: number[] = [];
    const levels: string[] = [];
    for (const score of [-0.9, -0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) {
      scores = recordSentimentScore(scores, score);
      levels.push(conversationSentiment(scores));
    }
    expect(levels[0]).toBe('Very negative');
    expect(levels.at(-1)).toBe('Positive');
  });

  it('clamps scores into [-1, 1] and counts a non-finite score as 0', () => {
    expect(recordSentimentScore([], 5)).toEqual([1]);
    expect(recordSentimentScore([], -5)).toEqual([-1]);
    expect(recordSentimentScore([], Number.POSITIVE_INFINITY)).toEqual([0]);
  });

  it('does not change the scores it is given', () => {
    const scores = [0.1];
    recordSentimentScore(scores, 0.2);
    expect(scores).toEqual([0.1]);
  });
});

describe('sentiment alert', () => {
  it('is on at the threshold and below it, off above it', () => {
    expect(isSentimentAlert('Slightly negative', 'slightly-negative')).toBe(true);
    expect(isSentimentAlert('Very negative', 'slightly-negative')).toBe(true);
    expect(isSentimentAlert('Neutral', 'slightly-negative')).toBe(false);
    expect(isSentimentAlert('Slightly negative', 'negative')).toBe(false);
    expect(isSentimentAlert('Negative', 'negative')).toBe(true);
    expect(isSentimentAlert('Negative', 'very-negative')).toBe(false);
    expect(isSentimentAlert('Very negative', 'very-negative')).toBe(true);
  });

  it('never fires when the threshold is off', () => {
    for (const level of SENTIMENT_LEVELS) expect(isSentimentAlert(level, 'off')).toBe(false);
  });

  it('has the tooltip "<title>. Urgent attention is needed in your conversation."', () => {
    expect(sentimentAlertTooltip('Visitor 7')).toBe(
      'Visitor 7. Urgent attention is needed in your conversation.',
    );
    expect(sentimentAlertTooltip('Kenny Smith')).toBe(
      'Kenny Smith. Urgent attention is needed in your conversation.',
    );
  });
});
