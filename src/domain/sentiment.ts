export const SENTIMENT_LEVELS = [
  'Very negative',
  'Negative',
  'Slightly negative',
  'Neutral',
  'Slightly positive',
  'Positive',
  'Very positive',
] as const;
export type SentimentLevel = (typeof SENTIMENT_LEVELS)[number];

export const SENTIMENT_THRESHOLDS = ['slightly-negative', 'negative', 'very-negative', 'off'] as const;
export type SentimentThreshold = (typeof SENTIMENT_THRESHOLDS)[number];

/** The conversation's level is taken over this many of its latest customer messages. */
export const SENTIMENT_WINDOW = 6;

const thresholdLevel: Record<Exclude<SentimentThreshold, 'off'>, SentimentLevel> = {
  'slightly-negative': 'Slightly negative',
  negative: 'Negative',
  'very-negative': 'Very negative',
};

/** Bands over a score in [-1, 1]; the ±0.05 neutral band is VADER's own. */
export function sentimentLevelOf(score: number): SentimentLevel {
  if (Number.isNaN(score)) return 'Neutral';
  if (score >= 0.65) return 'Very positive';
  if (score >= 0.35) return 'Positive';
  if (score >= 0.05) return 'Slightly positive';
  if (score > -0.05) return 'Neutral';
  if (score > -0.35) return 'Slightly negative';
  if (score > -0.65) return 'Negative';
  return 'Very negative';
}

/** Keeps only the scores the level is computed from. */
export function recordSentimentScore(scores: readonly number[], score: number): number[] {
  const clamped = Number.isFinite(score) ? Math.max(-1, Math.min(1, score)) : 0;
  return [...scores, clamped].slice(-SENTIMENT_WINDOW);
}

/** The mean of the latest customer messages, no padding; a conversation with none is Neutral. */
export function conversationSentiment(scores: readonly number[]): SentimentLevel {
  const window = scores.slice(-SENTIMENT_WINDOW);
  if (window.length === 0) return 'Neutral';
  const mean = window.reduce((sum, score) => sum + score, 0) / window.length;
  return sentimentLevelOf(mean);
}

/** An alert is on when the level is at or below the admin's threshold; `off` never alerts. */
export function isSentimentAlert(level: SentimentLevel, threshold: SentimentThreshold): boolean {
  if (threshold === 'off') return false;
  return SENTIMENT_LEVELS.indexOf(level) <= SENTIMENT_LEVELS.indexOf(thresholdLevel[threshold]);
}

export function sentimentAlertTooltip(title: string): string {
  return `${title}. Urgent attention is needed in your conversation.`;
}
