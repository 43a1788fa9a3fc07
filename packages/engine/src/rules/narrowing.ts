import type { NarrowingThresholds } from "../config.ts";
import { formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { num } from "../stats.ts";
import { orderEventIds, type OrderView } from "../view.ts";
import { lowerBound } from "../series.ts";
import { DAY_MS } from "../time.ts";
import { compareSizes, type SizeComparison, type Split } from "./orderSize.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * purchases.narrowing: the account still buys, but no longer across its usual product lines, and its
 * orders got smaller. The regular lines are the categories on at least `regularShare` of the baseline
 * orders (those within `baselineDays` before the orders judged); the signal is the percentage of them
 * missing from the latest orders.
 *
 * A sparse buyer skips lines by chance, so the rule asks how likely the gap is for a steady account: each
 * regular line appears on an order with its baseline share, independently, and the chance of missing at
 * least as many lines as were missed must be at most `maxChance`. A line given up a few orders ago shows
 * in the last few orders, one given up months ago in the last ten as well, so the latest
 * `minRecentOrders`..`recentOrders` orders are each judged, shortest first, and the first that is past
 * every threshold fires. A customer moving lines to a competitor also spends less per order, so the
 * latest orders must be smaller too: by `sizeDeviations` standard errors of the mean log order value and
 * by `minAverageDecline` percent on average. Measured per order rather than per calendar window, so an
 * account that orders every few weeks is judged as soon as it has ordered enough times, and one that stops
 * ordering is left to purchases.silence.
 */
export function purchasesNarrowing({ view, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["purchases.narrowing"];
  // The outcome depends on the orders alone (never on the clock), and a tick changes no order: memoised.
  let byThresholds = memo.get(view.orders);
  if (byThresholds === undefined) {
    byThresholds = new WeakMap();
    memo.set(view.orders, byThresholds);
  }
  // What counts as a bulk order is the account's own, one definition for every purchase rule.
  const bulkCap = thresholds["purchases.decline"].bulkCap;
  let out = byThresholds.get(t);
  if (out === undefined || out.maxEventIds !== maxEventIds) {
    out = { maxEventIds, ...judge(view.orders, t, bulkCap, maxEventIds) };
    byThresholds.set(t, out);
  }
  if (out.firing !== undefined) return onlyIfFiring && !out.firing.eligible ? NONE : out.firing;
  if (onlyIfFiring) return NONE;
  // Nothing fires: the longest window's outcome (which never fires) is only worked out for an alert to update.
  out.quiet ??= out.longest === undefined ? NONE : outcome(withSizes(out.longest, t, bulkCap), t, maxEventIds);
  return out.quiet;
}

interface Judgement {
  /** The outcome of the first window that fires, if one does. */
  firing?: RuleOutcome & { kind: "measured" };
  /** Otherwise the longest window judged, and its outcome once asked for. */
  longest?: Lines;
  quiet?: RuleOutcome;
}

/** The outcome never reads the clock: only a new order can make the rule fire. */
export const narrowingQuietUntil = (): number => Number.POSITIVE_INFINITY;

const memo = new WeakMap<readonly OrderView[], WeakMap<NarrowingThresholds, Judgement & { maxEventIds: number }>>();

function judge(orders: readonly OrderView[], t: NarrowingThresholds, bulkCap: number, maxEventIds: number): Judgement {
  const tagged: OrderView[] = [];
  for (const o of orders) if (o.categories !== undefined && o.categories.length > 0) tagged.push(o);
  const index = indexCategories(tagged);
  // While nothing fires, the longest window judged speaks for the account: it has the most evidence, and a
  // line that is back in it has come back.
  let longest: Lines | undefined;
  for (let k = Math.max(1, t.minRecentOrders); k <= t.recentOrders; k++) {
    const w = linesOf(tagged, index, k, t);
    if (w === undefined) continue;
    // The order sizes cost more than the lines: only measured where the lines could fire.
    if (w.linesFire) {
      const judged = withSizes(w, t, bulkCap);
      if (judged.fires) return { firing: outcome(judged, t, maxEventIds) };
    }
    longest = w;
  }
  return longest === undefined ? {} : { longest };
}

interface Lines {
  /** The tagged orders: the latest are tagged[hi..], their baseline tagged[lo..hi) (sliced only when needed). */
  tagged: readonly OrderView[];
  lo: number;
  hi: number;
  regular: number;
  missing: number;
  lostPct: number;
  /** Expected number of missing lines for a steady account. */
  expectedMissing: number;
  eligible: boolean;
  /** Eligible, past medium and past the chance threshold: all but the order sizes. */
  linesFire: boolean;
}

type Judged = Lines & Split & SizeComparison & { fires: boolean };

/**
 * Per category, how many of the first i tagged orders carry it (prefix counts), so that every run of
 * latest orders and its baseline are counted in O(categories) rather than by walking the orders again.
 */
interface CategoryIndex {
  times: Float64Array;
  prefix: Map<string, Int32Array>;
}

function indexCategories(tagged: readonly OrderView[]): CategoryIndex {
  const n = tagged.length;
  const times = new Float64Array(n);
  const prefix = new Map<string, Int32Array>();
  tagged.forEach((o, i) => {
    times[i] = o.atMs;
    for (const c of o.categories ?? []) if (!prefix.has(c)) prefix.set(c, new Int32Array(n + 1));
  });
  // Mark each order's categories (once each, as `includes` counted them), then run the prefix sums.
  const all = [...prefix.values()];
  tagged.forEach((o, i) => {
    for (const c of o.categories ?? []) (prefix.get(c) as Int32Array)[i + 1] = 1;
  });
  for (const counts of all) for (let i = 1; i <= n; i++) counts[i] = (counts[i] as number) + (counts[i - 1] as number);
  return { times, prefix };
}

/** The lines of the latest `k` tagged orders against the baseline before them; undefined when there is nothing to compare. */
function linesOf(tagged: readonly OrderView[], index: CategoryIndex, k: number, t: NarrowingThresholds): Lines | undefined {
  const n = tagged.length;
  if (k < 1 || n <= k) return undefined;
  // The same split as splitLatest: the last k orders, and those within baselineDays before the first of them.
  const hi = n - k;
  const lo = lowerBound(index.times, (index.times[hi] as number) - t.baselineDays * DAY_MS);
  const baseCount = hi - lo;
  if (baseCount === 0) return undefined;
  // Chance a steady account skips every one of at least `missing` lines in `k` orders.
  const skip: number[] = [];
  let missing = 0;
  for (const counts of index.prefix.values()) {
    const share = ((counts[hi] as number) - (counts[lo] as number)) / baseCount;
    if (share < t.regularShare) continue;
    skip.push((1 - share) ** k);
    if ((counts[n] as number) === (counts[hi] as number)) missing++;
  }
  if (skip.length === 0) return undefined;
  const lostPct = (missing / skip.length) * 100;
  const eligible = baseCount >= t.minBaselineOrders;
  return {
    tagged,
    lo,
    hi,
    regular: skip.length,
    missing,
    lostPct,
    expectedMissing: skip.reduce((a, b) => a + b, 0),
    eligible,
    linesFire: eligible && lostPct >= t.medium && atLeast(skip, missing) <= t.maxChance,
  };
}

/** The order sizes beside the lines: fires when the lines do and the latest orders are smaller. */
function withSizes(w: Lines, t: NarrowingThresholds, bulkCap: number): Judged {
  // Up to ten windows are judged per order and few get here: only these copy their orders.
  const split: Split = { recent: w.tagged.slice(w.hi), base: w.tagged.slice(w.lo, w.hi) };
  const sizes = compareSizes(split, bulkCap);
  const smaller = -sizes.avgChange >= t.minAverageDecline && sizes.sizeZ <= -t.sizeDeviations;
  return { ...w, ...split, ...sizes, fires: w.linesFire && smaller };
}

function outcome(w: Judged, t: NarrowingThresholds, maxEventIds: number): RuleOutcome & { kind: "measured" } {
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(w.lostPct, bands, true);
  return {
    kind: "measured",
    eligible: w.eligible,
    fires: w.fires,
    recovered: w.lostPct < t.resolve,
    level,
    score: scoreFor(w.lostPct, bands, level),
    evidence: [
      {
        signal: "orders.categories",
        unit: "count",
        value: String(w.regular - w.missing),
        baseline: String(w.regular),
        // The most lines the last orders may cover and still be past the medium threshold.
        threshold: num(Math.floor(w.regular * (1 - t.medium / 100) + 1e-9), 0),
        changePct: Math.round(-w.lostPct * 10) / 10 + 0,
      },
      {
        signal: "orders.averageValue",
        unit: "money",
        value: formatMoney(w.recentAvg),
        baseline: formatMoney(w.baseAvg),
        changePct: w.avgChange + 0,
      },
      {
        signal: "orders.linesMissing",
        unit: "count",
        value: String(w.missing),
        baseline: num(w.expectedMissing),
      },
    ],
    eventIds: w.recent.flatMap(orderEventIds).slice(-maxEventIds),
  };
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
