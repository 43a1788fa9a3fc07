import { levelFor, scoreFor } from "../score.ts";
import { changePct, mean, median, num, optionalPct } from "../stats.ts";
import { DAY_MS } from "../time.ts";
import { latestIds } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * payments.slipping: mean days late of invoices paid in the last `windowDays` against the median of
 * those paid before (the account's habit, robust to one odd invoice).
 */
export function paymentsSlipping({ view, asOfMs, thresholds, maxEventIds }: RuleContext): RuleOutcome {
  const t = thresholds["payments.slipping"];
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  const recent: number[] = [];
  const earlier: number[] = [];
  const moved: Array<{ atMs: number; id: string | undefined }> = [];
  for (const p of view.paid) {
    if (p.paidAtMs > windowStart) {
      recent.push(p.daysLate);
      moved.push({ atMs: p.paidAtMs, id: p.paidEventId }, { atMs: p.paidAtMs, id: p.eventId });
    } else {
      earlier.push(p.daysLate);
    }
  }
  const recentMean = mean(recent);
  const usual = median(earlier);
  if (recentMean === undefined || usual === undefined) return NONE;
  const delta = recentMean - usual;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(delta, bands, true);
  return {
    kind: "measured",
    eligible: earlier.length >= t.minBaselineInvoices && recent.length >= t.minRecentInvoices,
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
      { signal: "payments.invoicesPaid", unit: "count", value: String(recent.length), windowDays: t.windowDays },
    ],
    eventIds: latestIds(moved, maxEventIds),
  };
}
