import { SENTIMENT_LEVELS, type SentimentLevel } from '../../domain/sentiment';

/** Geometry of the "sentiment over time" line: one point per customer message, Very negative at the bottom. */

export interface SparkPoint {
  readonly x: number;
  readonly y: number;
  readonly level: string;
}

export interface Sparkline {
  readonly width: number;
  readonly height: number;
  readonly points: readonly SparkPoint[];
  /** For an SVG polyline's `points` attribute. */
  readonly polyline: string;
  /** The y of the Neutral line. */
  readonly neutralY: number;
}

const PAD = 4;

/** 0 for Very negative … 6 for Very positive; an unknown level counts as Neutral. */
export function sentimentRank(level: string): number {
  const rank = SENTIMENT_LEVELS.indexOf(level as SentimentLevel);
  return rank === -1 ? SENTIMENT_LEVELS.indexOf('Neutral') : rank;
}

export function sentimentSparkline(
  trend: readonly { readonly level: string }[],
  width = 160,
  height = 40,
): Sparkline {
  const top = SENTIMENT_LEVELS.length - 1;
  const yOf = (rank: number) => round(height - PAD - (rank / top) * (height - 2 * PAD));
  const step = trend.length > 1 ? (width - 2 * PAD) / (trend.length - 1) : 0;
  const points = trend.map((entry, index) => ({
    x: round(trend.length > 1 ? PAD + index * step : width / 2),
    y: yOf(sentimentRank(entry.level)),
    level: entry.level,
  }));
  return {
    width,
    height,
    points,
    polyline: points.map((point) => `${point.x},${point.y}`).join(' '),
    neutralY: yOf(sentimentRank('Neutral')),
  };
}

/** "Neutral → Slightly negative → Negative": the same line in words, runs of one level told once. */
export function describeTrend(trend: readonly { readonly level: string }[]): string {
  const levels: string[] = [];
  for (const { level } of trend) if (levels.at(-1) !== level) levels.push(level);
  return levels.length === 0 ? 'No customer messages yet' : levels.join(' → ');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
