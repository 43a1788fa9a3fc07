import type { NarrowingThresholds } from "../config.ts";
import { formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { num } from "../stats.ts";
import { DAY_MS } from "../time.ts";
import type { OrderView } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * purchases.narrowing: the account still buys, but no longer across its usual product lines. The
 * regular lines are the categories on at least `regularShare` of the orders in the baseline (the orders
 * before the last `recentOrders`, within `baselineDays`); the signal is the percentage of those lines
 * missing from the last `recentOrders` orders.
 *
 * A sparse buyer skips lines by chance, so the rule also asks how likely the observed gap is for a steady
 * account: each regular line appears on an order with its baseline share, independently, and the chance
 * of missing at least as many lines as were missed must be below `maxChance`. Measured per order rather
 * than per calendar window, so an account that orders every few weeks is judged as soon as it has
 * ordered enough times, and one that stops ordering is left to purchases.silence.
 */
export function purchasesNarrowing({ view, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["purchases.narrowing"];
  // The outcome depends on the orders alone (never on the clock), and a tick changes no order: memoised.
  let byThresholds = memo.get(view.orders);
  if (byThresholds === undefined) {
    byThresholds = new WeakMap();
    memo.set(view.orders, byThresholds);
  }
  let out = byThresholds.get(t);
  if (out === undefined || out.maxEventIds !== maxEventIds) {
    out = { maxEventIds, outcome: judge(view.orders, t, maxEventIds) };
    byThresholds.set(t, out);
  }
  const o = out.outcome;
  if (onlyIfFiring && !(o.kind === "measured" && o.eligible && o.fires)) return NONE;
  return o;
}

const memo = new WeakMap<readonly OrderView[], WeakMap<NarrowingThresholds, { maxEventIds: number; outcome: RuleOutcome }>>();

function judge(orders: readonly OrderView[], t: NarrowingThresholds, maxEventIds: number): RuleOutcome {
  const tagged: OrderView[] = [];
  for (const o of orders) if (o.categories !== undefined && o.categories.length > 0) tagged.push(o);
  if (tagged.length <= t.recentOrders) return NONE;
  const recent = tagged.slice(-t.recentOrders);
  const baseFrom = (recent[0] as OrderView).atMs - t.baselineDays * DAY_MS;
  const base = tagged.slice(0, -t.recentOrders).filter((o) => o.atMs >= baseFrom);
  if (base.length === 0) return NONE;

  const counts = new Map<string, number>();
  for (const o of base) for (const c of new Set(o.categories)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const regular = [...counts].filter(([, n]) => n / base.length >= t.regularShare);
  if (regular.length === 0) return NONE;
  const bought = new Set(recent.flatMap((o) => o.categories ?? []));
  const missing = regular.filter(([c]) => !bought.has(c));
  const lostPct = (missing.length / regular.length) * 100;
  // Chance a steady account skips every one of at least `missing.length` lines in `recentOrders` orders.
  const skip = regular.map(([, n]) => (1 - n / base.length) ** t.recentOrders);
  const chance = atLeast(skip, missing.length);
  // Customers moving lines to a competitor also spend less per order; a steady buyer that merely skipped
  // a few lines does not. Requiring both keeps chance gaps from firing.
  const recentAvg = sum(recent) / BigInt(recent.length);
  const baseAvg = sum(base) / BigInt(base.length);
  const avgChange = baseAvg > 0n ? Number(((recentAvg - baseAvg) * 10_000n) / baseAvg) / 100 : 0;
  const eligible = base.length >= t.minBaselineOrders;
  const fires = lostPct >= t.medium && chance <= t.maxChance && -avgChange >= t.minAverageDecline;

  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(lostPct, bands, true);
  const kept = regular.length - missing.length;
  return {
    kind: "measured",
    eligible,
    fires,
    recovered: lostPct < t.resolve,
    level,
    score: scoreFor(lostPct, bands, level),
    evidence: [
      {
        signal: "orders.categories",
        unit: "count",
        value: String(kept),
        baseline: String(regular.length),
        // The most lines the last orders may cover and still be past the medium threshold.
        threshold: num(Math.floor(regular.length * (1 - t.medium / 100) + 1e-9), 0),
        changePct: Math.round(-lostPct * 10) / 10 + 0,
      },
      {
        signal: "orders.averageValue",
        unit: "money",
        value: formatMoney(recentAvg),
        baseline: formatMoney(baseAvg),
        changePct: avgChange + 0,
      },
      {
        signal: "orders.linesMissing",
        unit: "count",
        value: String(missing.length),
        baseline: num(skip.reduce((a, b) => a + b, 0)),
      },
    ],
    eventIds: recent
      .slice(-maxEventIds)
      .map((o) => o.eventId)
      .filter((id): id is string => id !== undefined),
  };
}

function sum(orders: readonly OrderView[]): bigint {
  let total = 0n;
  for (const o of orders) total += o.micros;
  return total;
}

/** P(at least k of independent events happen), event i with probability p[i] (Poisson-binomial tail). */
export function atLeast(p: readonly number[], k: number): number {
  if (k <= 0) return 1;
  // dist[j]: probability that exactly j of the events so far happened.
  let dist = [1];
  for (const pi of p) {
    const next = new Array<number>(dist.length + 1).fill(0);
    for (let j = 0; j < dist.length; j++) {
      next[j] = (next[j] as number) + (dist[j] as number) * (1 - pi);
      next[j + 1] = (next[j + 1] as number) + (dist[j] as number) * pi;
    }
    dist = next;
  }
  return dist.slice(k).reduce((a, b) => a + b, 0);
}
