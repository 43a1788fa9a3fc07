import { divRound, formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { changePct, num, optionalPct, round } from "../stats.ts";
import { DAY_MS, parseInstant } from "../time.ts";
import { lowerBound, orderSeries, upperBound, type OrderSeries } from "../series.ts";
import { latestIds } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * purchases.decline: order value in the last `windowDays` against the account's own average for a
 * window of that length over the prior history (days windowDays..baselineDays before asOf, or since
 * the first order when the account is younger), compared in exact money.
 */
export function purchasesDecline({ state, view, asOfMs, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["purchases.decline"];
  if (state.firstOrderAt === undefined) return NONE;
  const windowMs = t.windowDays * DAY_MS;
  const windowStart = asOfMs - windowMs;
  const baseStart = Math.max(asOfMs - t.baselineDays * DAY_MS, parseInstant(state.firstOrderAt));
  const baseSpanMs = windowStart - baseStart;
  if (baseSpanMs <= 0) return NONE;

  let recent = 0n;
  let recentCount = 0;
  let base = 0n;
  let baseCount = 0;
  let firstRecent = view.orders.length;
  const series = orderSeries(view.orders);
  if (series.sorted) {
    // Sorted (the state's invariant): the windows are index ranges, summed from memoised prefix sums.
    const n = view.orders.length;
    const r = upperBound(series.times, windowStart);
    const b = lowerBound(series.times, baseStart);
    recent = (series.prefix[n] as bigint) - (series.prefix[r] as bigint);
    recentCount = n - r;
    firstRecent = r;
    base = (series.prefix[r] as bigint) - (series.prefix[b] as bigint);
    baseCount = r - b;
  } else {
    for (let i = 0; i < view.orders.length; i++) {
      const o = view.orders[i] as (typeof view.orders)[number];
      if (o.atMs > windowStart) {
        recent += o.micros;
        recentCount++;
        firstRecent = Math.min(firstRecent, i);
      } else if (o.atMs >= baseStart) {
        base += o.micros;
        baseCount++;
      }
    }
  }
  const baseline = divRound(base * BigInt(Math.round(windowMs)), BigInt(Math.round(baseSpanMs)));
  if (baseline <= 0n) return NONE;
  // Basis points computed in bigint: no float error, however large the amounts.
  const declinePct = Number(divRound((baseline - recent) * 10_000n, baseline)) / 100;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const eligible = baseSpanMs >= t.minBaselineDays * DAY_MS && baseCount >= t.minBaselineOrders;
  if (onlyIfFiring && !(eligible && declinePct >= t.medium)) return NONE;
  const level = levelFor(declinePct, bands, true);
  // Noise gate: how far below the baseline is "really" below, for this account's own rhythm.
  const spread = windowSpread(view.orders, series, baseStart, windowStart, windowMs) ?? Number(baseline) / Math.sqrt(Math.max(1, (baseCount * windowMs) / baseSpanMs));
  const deviation = Number(baseline - recent);
  const significant = deviation >= t.minDeviations * spread;
  if (onlyIfFiring && !significant) return NONE;
  // Hysteresis in deviations too: back within one deviation less than it took to fire counts as recovered.
  const withinNoise = deviation < (t.minDeviations - 1) * spread;
  const fireAt = divRound(baseline * BigInt(Math.round((100 - t.medium) * 100)), 10_000n);
  const baselineCount = (baseCount * windowMs) / baseSpanMs;
  // Orders are sorted, so the latest recent ones are the tail: no need to sort them all.
  const moved = view.orders
    .slice(Math.max(firstRecent, view.orders.length - maxEventIds))
    .map((o) => ({ atMs: o.atMs, id: o.eventId }));
  for (const c of view.cancellations.slice(-maxEventIds)) if (c.atMs > windowStart) moved.push({ atMs: c.atMs, id: c.eventId });

  return {
    kind: "measured",
    eligible,
    fires: declinePct >= t.medium && significant,
    recovered: declinePct < t.resolve || withinNoise,
    level,
    score: scoreFor(declinePct, bands, level),
    evidence: [
      {
        signal: "orders.value",
        unit: "money",
        value: formatMoney(recent),
        baseline: formatMoney(baseline),
        threshold: formatMoney(fireAt),
        windowDays: t.windowDays,
        changePct: round(-declinePct, 1) + 0,
      },
      {
        signal: "orders.count",
        unit: "count",
        value: String(recentCount),
        baseline: num(baselineCount),
        windowDays: t.windowDays,
        ...optionalPct(changePct(recentCount, baselineCount)),
      },
    ],
    eventIds: latestIds(moved, maxEventIds),
  };
}

const STEP_MS = 15 * DAY_MS;

/**
 * Standard deviation of order value over rolling windows (15-day steps) inside the baseline span, or
 * undefined with fewer than three windows. Statistics only, so floats are fine here; money sums are exact.
 */
function windowSpread(
  orders: ReadonlyArray<{ atMs: number; micros: bigint }>,
  series: OrderSeries,
  fromMs: number,
  toMs: number,
  windowMs: number,
): number | undefined {
  const sums: number[] = [];
  const prefixNum = series.sorted ? series.prefixNum : undefined;
  if (prefixNum !== undefined) {
    // Every partial sum is a safe integer, so these range sums equal the running float sums below exactly.
    for (let start = fromMs; start + windowMs <= toMs; start += STEP_MS) {
      const hi = lowerBound(series.times, start + windowMs);
      const lo = lowerBound(series.times, start);
      sums.push((prefixNum[hi] as number) - (prefixNum[lo] as number));
    }
  } else {
    let lo = 0;
    let hi = 0;
    let sum = 0;
    for (let start = fromMs; start + windowMs <= toMs; start += STEP_MS) {
      const end = start + windowMs;
      while (hi < orders.length && (orders[hi] as (typeof orders)[number]).atMs < end) sum += Number((orders[hi++] as (typeof orders)[number]).micros);
      while (lo < hi && (orders[lo] as (typeof orders)[number]).atMs < start) sum -= Number((orders[lo++] as (typeof orders)[number]).micros);
      sums.push(sum);
    }
  }
  if (sums.length < 3) return undefined;
  const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
  return Math.sqrt(sums.reduce((a, b) => a + (b - mean) ** 2, 0) / (sums.length - 1));
}
