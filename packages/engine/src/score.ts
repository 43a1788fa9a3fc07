import { levelRank, type Level } from "@churnwatch/contracts";

/** Signal values (higher is worse) at which a rule resolves and reaches each level. */
export interface Bands {
  resolve: number;
  medium: number;
  high: number;
  critical: number;
}

/**
 * Score 0–100 from how far past its thresholds a signal is, piecewise linear through
 *   0 → 0, resolve → 10, medium (fires) → 40, high → 65, critical → 85,
 *   critical + (critical − high) → 100, clamped.
 * So a score of 40 means "just fired", and equal scores mean comparable distance past thresholds
 * across rules. A level reached by a non-numeric condition lifts the score to that level's floor.
 */
export function scoreFor(value: number, bands: Bands, level: Level): number {
  const { resolve, medium, high, critical } = bands;
  const points: Array<[number, number]> = [
    [0, 0],
    [resolve, 10],
    [medium, 40],
    [high, 65],
    [critical, 85],
    [critical + Math.max(critical - high, 1e-9), 100],
  ];
  let score = 100;
  if (value <= 0) score = 0;
  else {
    for (let i = 1; i < points.length; i++) {
      const [x1, y1] = points[i] as [number, number];
      if (value > x1) continue;
      const [x0, y0] = points[i - 1] as [number, number];
      score = x1 > x0 ? y0 + ((value - x0) / (x1 - x0)) * (y1 - y0) : y1;
      break;
    }
  }
  return Math.round(Math.max(score, levelFloor[level]));
}

const levelFloor: Record<Level, number> = { low: 0, medium: 0, high: 65, critical: 85 };

/** Level of a value that is past the medium band; `inclusive` picks ≥ versus > comparisons. */
export function levelFor(value: number, bands: Bands, inclusive: boolean): Level {
  if (inclusive ? value >= bands.critical : value > bands.critical) return "critical";
  if (inclusive ? value >= bands.high : value > bands.high) return "high";
  return "medium";
}

export function maxLevel(a: Level, b: Level): Level {
  return levelRank[a] >= levelRank[b] ? a : b;
}
