import type { Evidence } from "@churnwatch/contracts";
import type { DeclineThresholds } from "../config.ts";
import { num } from "../stats.ts";
import { DAY_MS } from "../time.ts";
import type { View } from "../view.ts";

/** A margin baseline needs a few orders that carried one; a single order's margin is a price, not a level. */
const MIN_BASELINE_MARGINS = 3;

/**
 * What the purchases carry besides their value, over the decline rule's window and the baseline days
 * before it: the gross margin the account buys at (a customer pressing for price, or buying only the cheap
 * lines, shows it before it leaves) and the orders it cancels. Evidence for the manager, not triggers: the
 * rule fires on value and order size alone. Returns nothing the history cannot say.
 */
export function purchaseMix(view: View, firstOrderMs: number, asOfMs: number, t: DeclineThresholds): Evidence[] {
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  const baseStart = Math.max(windowStart - t.baselineDays * DAY_MS, firstOrderMs - 1);
  let recentMargin = 0;
  let recentMargins = 0;
  let baseMargin = 0;
  let baseMargins = 0;
  for (const o of view.orders) {
    if (o.grossMargin === undefined || o.atMs <= baseStart) continue;
    if (o.atMs > windowStart) {
      recentMargin += o.grossMargin;
      recentMargins++;
    } else {
      baseMargin += o.grossMargin;
      baseMargins++;
    }
  }
  let recentCancelled = 0;
  let baseCancelled = 0;
  for (const c of view.cancellations) {
    if (c.atMs <= baseStart) continue;
    if (c.atMs > windowStart) recentCancelled++;
    else baseCancelled++;
  }

  const out: Evidence[] = [];
  if (recentMargins > 0 && baseMargins >= MIN_BASELINE_MARGINS) {
    out.push({
      signal: "orders.grossMargin",
      unit: "percent",
      value: num((recentMargin / recentMargins) * 100),
      baseline: num((baseMargin / baseMargins) * 100),
      windowDays: t.windowDays,
    });
  }
  if (recentCancelled > 0) {
    const spanDays = (windowStart - baseStart) / DAY_MS;
    out.push({
      signal: "orders.cancelled",
      unit: "count",
      value: String(recentCancelled),
      // The account's own rate, scaled to the window, where it has a baseline to speak of.
      ...(spanDays >= t.minBaselineDays ? { baseline: num((baseCancelled * t.windowDays) / spanDays) } : {}),
      windowDays: t.windowDays,
    });
  }
  return out;
}
