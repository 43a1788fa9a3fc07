import { divRound, formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { changePct, num, optionalPct, round } from "../stats.ts";
import { DAY_MS, parseInstant } from "../time.ts";
import { latestIds } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * purchases.decline: order value in the last `windowDays` against the account's own average for a
 * window of that length over the prior history (days windowDays..baselineDays before asOf, or since
 * the first order when the account is younger), compared in exact money.
 */
export function purchasesDecline({ state, view, asOfMs, thresholds, maxEventIds }: RuleContext): RuleOutcome {
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
  // Orders are sorted, so the latest recent ones are the tail: no need to sort them all.
  const moved = view.orders
    .slice(Math.max(firstRecent, view.orders.length - maxEventIds))
    .map((o) => ({ atMs: o.atMs, id: o.eventId }));
  for (const c of view.cancellations.slice(-maxEventIds)) if (c.atMs > windowStart) moved.push({ atMs: c.atMs, id: c.eventId });

  const baseline = divRound(base * BigInt(Math.round(windowMs)), BigInt(Math.round(baseSpanMs)));
  if (baseline <= 0n) return NONE;
  // Basis points computed in bigint: no float error, however large the amounts.
  const declinePct = Number(divRound((baseline - recent) * 10_000n, baseline)) / 100;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(declinePct, bands, true);
  const fireAt = divRound(baseline * BigInt(Math.round((100 - t.medium) * 100)), 10_000n);
  const baselineCount = (baseCount * windowMs) / baseSpanMs;

  return {
    kind: "measured",
    eligible: baseSpanMs >= t.minBaselineDays * DAY_MS && baseCount >= t.minBaselineOrders,
    fires: declinePct >= t.medium,
    recovered: declinePct < t.resolve,
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
