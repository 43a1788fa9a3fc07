import { levelFor, scoreFor } from "../score.ts";
import { changePct, mean, median, num, optionalPct } from "../stats.ts";
import { earlierMedian, paidSeries, upperBound } from "../series.ts";
import { DAY_MS } from "../time.ts";
import { latestIds } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * payments.slipping: mean days late of invoices paid in the last `windowDays` against the median of
 * those paid before (the account's habit, robust to one odd invoice).
 */
export function paymentsSlipping({ view, asOfMs, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["payments.slipping"];
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  let recentMean: number | undefined;
  let usual: number | undefined;
  let recentCount: number;
  let earlierCount: number;
  let moved: Array<{ atMs: number; id: string | undefined }>;
  const series = paidSeries(view.paid);
  if (series.suffixDays !== undefined) {
    // By paid time, "recent" is a suffix and "earlier" a prefix: exact sums and memoised medians.
    const n = series.byPaid.length;
    const k = upperBound(series.times, windowStart);
    recentCount = n - k;
    earlierCount = k;
    if (recentCount === 0 || earlierCount === 0) return NONE;
    recentMean = (series.suffixDays[k] as number) / recentCount;
    usual = earlierMedian(series, k);
    if (usual === undefined) return NONE;
    if (onlyIfFiring && !(earlierCount >= t.minBaselineInvoices && recentCount >= t.minRecentInvoices && recentMean - usual >= t.medium)) {
      return NONE;
    }
    moved = [];
    for (let i = k; i < n; i++) {
      const p = series.byPaid[i] as (typeof series.byPaid)[number];
      moved.push({ atMs: p.paidAtMs, id: p.paidEventId }, { atMs: p.paidAtMs, id: p.eventId });
    }
  } else {
    const recent: number[] = [];
    const earlier: number[] = [];
    moved = [];
    for (const p of view.paid) {
      if (p.paidAtMs > windowStart) {
        recent.push(p.daysLate);
        moved.push({ atMs: p.paidAtMs, id: p.paidEventId }, { atMs: p.paidAtMs, id: p.eventId });
      } else {
        earlier.push(p.daysLate);
      }
    }
    recentMean = mean(recent);
    usual = median(earlier);
    recentCount = recent.length;
    earlierCount = earlier.length;
  }
  if (recentMean === undefined || usual === undefined) return NONE;
  const delta = recentMean - usual;
  const eligible = earlierCount >= t.minBaselineInvoices && recentCount >= t.minRecentInvoices;
  if (onlyIfFiring && !(eligible && delta >= t.medium)) return NONE;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(delta, bands, true);
  return {
    kind: "measured",
    eligible,
    fires: delta >= t.medium,
    recovered: delta < t.resolve,
    level,
    score: scoreFor(delta, bands, level),
    evidence: [
      {
        signal: "payments.meanDaysLate",
        unit: "days",
        value: num(recentMean),
        baseline: num(usual),
        threshold: num(usual + t.medium),
        windowDays: t.windowDays,
        ...optionalPct(usual > 0 ? changePct(recentMean, usual) : undefined),
      },
      { signal: "payments.daysLaterThanUsual", unit: "days", value: num(delta), threshold: num(t.medium) },
      { signal: "payments.invoicesPaid", unit: "count", value: String(recentCount), windowDays: t.windowDays },
    ],
    eventIds: latestIds(moved, maxEventIds),
  };
}

/**
 * The rule reads the clock only through its window: between two instants at which a payment leaves it,
 * its outcome stays put. So each of those instants is judged in turn, and the first that fires is the bound.
 */
export function slippingQuietUntil(ctx: RuleContext): number {
  const windowMs = ctx.thresholds["payments.slipping"].windowDays * DAY_MS;
  const exits: number[] = [];
  for (const p of ctx.view.paid) if (p.paidAtMs + windowMs > ctx.asOfMs) exits.push(p.paidAtMs + windowMs);
  exits.sort((a, b) => a - b);
  for (const at of exits) {
    const o = paymentsSlipping({ ...ctx, asOfMs: at, onlyIfFiring: true });
    if (o.kind === "measured" && o.eligible && o.fires) return at;
  }
  return Number.POSITIVE_INFINITY;
}
