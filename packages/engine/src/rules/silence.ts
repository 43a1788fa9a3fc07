import type { SilenceThresholds } from "../config.ts";
import { occasions } from "../risk/features.ts";
import { levelFor, scoreFor } from "../score.ts";
import { changePct, num, optionalPct } from "../stats.ts";
import { DAY_MS } from "../time.ts";
import type { OrderView } from "../view.ts";
import { BOUND_SLACK_MS, NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * purchases.silence: days since the last order placed in multiples of the account's usual gap (median gap
 * between consecutive orders). The gap is floored at minDays / medium so the medium threshold is never
 * under minDays, and the higher levels keep their distance from it. Silence produces no event, so
 * ticks drive this rule. The evidence also gives a P(alive)-style reading of the same numbers: the chance
 * that an account still ordering at its usual rhythm (orders arriving at random, one per usual gap) would
 * have been quiet this long, e^(−days / gap): 5% at three gaps.
 */
export function purchasesSilence(ctx: RuleContext): RuleOutcome {
  const { view, asOfMs, thresholds, onlyIfFiring } = ctx;
  const t = thresholds["purchases.silence"];
  const orders = view.orders;
  const last = orders[orders.length - 1];
  if (!last || orders.length < 2) return NONE;
  const { usualGap, unit, latest, count } = rhythm(ctx, t);
  const days = (asOfMs - latest.atMs) / DAY_MS;
  const ratio = days / unit;
  if (onlyIfFiring && !(count >= t.minOrders && ratio > t.medium)) return NONE;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(ratio, bands, false);
  return {
    kind: "measured",
    eligible: count >= t.minOrders,
    fires: ratio > t.medium,
    recovered: ratio < t.resolve,
    level,
    score: scoreFor(ratio, bands, level),
    evidence: [
      {
        signal: "orders.daysSinceLast",
        unit: "days",
        value: num(days),
        baseline: num(usualGap),
        threshold: num(unit * t.medium),
        ...optionalPct(changePct(days, usualGap)),
      },
      { signal: "orders.quietChance", unit: "percent", value: num(100 * Math.exp(-days / unit)) },
    ],
    eventIds: latest.eventId === undefined ? [] : [latest.eventId],
  };
}

/**
 * The usual gap between buying occasions (several orders on one day are one), and how many occasions the
 * account has had, those pruned from the history included: an account silent for longer than the retention
 * keeps its rhythm and its standing (the latest orders are kept whatever their age, prune.ts).
 */
function rhythm({ state, view }: RuleContext, t: SilenceThresholds) {
  const last = view.orders[view.orders.length - 1] as OrderView;
  const occ = occasions(view, state.profile?.timezone);
  const usualGap = occ.usualGapDays ?? 0;
  const count = occ.days.length + (state.prunedOccasions ?? 0);
  const unit = Math.max(usualGap, t.minDays / t.medium);
  // An order placed and then cancelled is still the customer ordering: silence counts from the latest
  // placement, cancelled or not.
  const lastCancelled = view.cancellations[view.cancellations.length - 1];
  const latest = lastCancelled !== undefined && lastCancelled.atMs > last.atMs ? lastCancelled : last;
  return { usualGap, unit, latest, count };
}

/** Silence fires once the days since the latest order pass `medium` usual gaps: a fixed instant. */
export function silenceQuietUntil(ctx: RuleContext): number {
  const t = ctx.thresholds["purchases.silence"];
  if (ctx.view.orders.length < 2) return Number.POSITIVE_INFINITY;
  const { unit, latest, count } = rhythm(ctx, t);
  if (count < t.minOrders) return Number.POSITIVE_INFINITY;
  return latest.atMs + t.medium * unit * DAY_MS - BOUND_SLACK_MS;
}
