import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import type { SentimentScorer } from '../app/ports';

/** VADER reads negation, intensifiers, capitals, punctuation and emoji; its compound score is already in [-1, 1]. */
export function createVaderScorer(options: { maxChars?: number } = {}): SentimentScorer {
  const maxChars = options.maxChars ?? 4000;
  return {
    score(text: string): number {
      const sample = text.slice(0, maxChars).trim();
      if (!sample) return 0;
      const { compound } = SentimentIntensityAnalyzer.polarity_scores(sample);
      return Number.isFinite(compound) ? compound : 0;
    },
  };
}
