/**
 * A harder world than the one the engine was tuned on (issue 14, item 8). What real wholesale data shows and
 * the standard world lacks: buyers whose orders all but stop outside their season, one-off bulk orders many
 * times the usual size, a buying occasion invoiced as several orders minutes apart, and (with `--months` past
 * the engine's 460-day retention) histories longer than the engine keeps. It is for judging the engine on
 * seeds and traits it was not tuned on; the standard world stays the default and unchanged.
 */
import type { Rng } from "./prng.ts";

export const worlds = ["standard", "hard"] as const;
export type World = (typeof worlds)[number];

/** The plan's knobs that the worlds set differently. */
export interface WorldTraits {
  /** A bulk order is this many times (uniform between the two) the usual size. */
  bulkFactor: readonly [number, number];
  /** Chance that one buying occasion is placed and invoiced as 2-4 orders on the same day. */
  splitChance: number;
}

export const standardTraits: WorldTraits = { bulkFactor: [3, 6], splitChance: 0 };

/** Share of accounts that are seasonal buyers in the hard world (UCI's gift-trade buyers are about this). */
const SEASONAL_SHARE = 0.3;

export function hardTraits(rng: Rng, plan: { seasonAmp: number; bulkChance: number }): WorldTraits & { seasonAmp: number; bulkChance: number } {
  // demand = 1 + amp·sin(·) and order frequency goes with √demand: at amp 0.85 the off-season orders come
  // about 3.5 times further apart than the usual gap, past the silence rule's 3×, with nothing wrong.
  const seasonAmp = rng.chance(SEASONAL_SHARE) ? rng.float(0.6, 0.9) : plan.seasonAmp;
  return {
    seasonAmp,
    bulkChance: rng.float(0.04, 0.1),
    bulkFactor: [5, 15],
    splitChance: rng.float(0.15, 0.5),
  };
}
