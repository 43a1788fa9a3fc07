import { divRound, formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { changePct, num, optionalPct } from "../stats.ts";
import { DAY_MS, parseInstant } from "../time.ts";
import { lowerBound, orderSeries, upperBound } from "../series.ts";
import { latestIds, orderEventIds } from "../view.ts";
import type { Evidence } from "@churnwatch/contracts";
import type { DeclineThresholds } from "../config.ts";
import type { OrderView } from "../view.ts";
import { capOf, capped, latestOrders, sizeShift, type LatestOrders } from "./orderSize.ts";
import { purchaseMix } from "./purchaseMix.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

type BaseOrder = Pick<OrderView, "atMs" | "micros">;

const YEAR_MS = 365 * DAY_MS;

/** What the decline rule measures at one instant. */
interface Measure {
  recent: bigint;
  recentCount: number;
  firstRecent: number;
  baseline: bigint;
  baselineCount: number;
  declinePct: number;
  eligible: boolean;
  /** Past medium, beyond chance (see measure) and not explained by the season. */
  pastMedium: boolean;
  withinNoise: boolean;
}

/** The recent window and the baseline span before it, for an evaluation at `asOfMs`. */
function spans(firstOrderMs: number, asOfMs: number, t: DeclineThresholds) {
  const windowMs = t.windowDays * DAY_MS;
  const windowStart = asOfMs - windowMs;
  const baseStart = Math.max(asOfMs - t.baselineDays * DAY_MS, firstOrderMs);
  return { windowMs, windowStart, baseStart, baseSpanMs: windowStart - baseStart };
}

/** Index ranges of sorted orders: baseline [base, recent), recent window [recent, end). */
function ranges(times: Float64Array, s: ReturnType<typeof spans>, asOfMs: number) {
  return { base: lowerBound(times, s.baseStart), recent: upperBound(times, s.windowStart), end: upperBound(times, asOfMs) };
}

/**
 * Order value in the `windowDays` before `asOfMs` against the account's own average for a window of that
 * length over the prior history (days windowDays..baselineDays before, or since the first order when the
 * account is younger), in exact money. Undefined when there is nothing to compare with.
 */
function measure(view: RuleContext["view"], firstOrderMs: number, asOfMs: number, t: DeclineThresholds): Measure | undefined {
  const s = spans(firstOrderMs, asOfMs, t);
  const { windowMs, windowStart, baseStart, baseSpanMs } = s;
  if (baseSpanMs <= 0) return undefined;

  let recent = 0n;
  let recentCount = 0;
  let firstRecent = view.orders.length;
  const baseOrders: BaseOrder[] = [];
  let recentOrders: BaseOrder[] = [];
  const series = orderSeries(view.orders);
  if (series.sorted) {
    // Sorted (the state's invariant): the windows are index ranges, the recent sum a memoised prefix sum.
    const { base: b, recent: r, end: e } = ranges(series.times, s, asOfMs);
    recent = (series.prefix[e] as bigint) - (series.prefix[r] as bigint);
    recentCount = e - r;
    firstRecent = r;
    recentOrders = view.orders.slice(r, e);
    for (let i = b; i < r; i++) baseOrders.push(view.orders[i] as OrderView);
  } else {
    for (let i = 0; i < view.orders.length; i++) {
      const o = view.orders[i] as OrderView;
      if (o.atMs > asOfMs) continue;
      if (o.atMs > windowStart) {
        recent += o.micros;
        recentCount++;
        recentOrders.push(o);
        firstRecent = Math.min(firstRecent, i);
      } else if (o.atMs >= baseStart) baseOrders.push(o);
    }
    baseOrders.sort((a, b) => a.atMs - b.atMs);
  }
  const baseCount = baseOrders.length;
  if (baseCount === 0) return undefined;
  // A one-off bulk order would lift the baseline for a year and make ordinary months look like a decline:
  // the baseline counts each order at most `bulkCap` times the account's median order.
  const cap = capOf(baseOrders, t.bulkCap);
  let base = 0n;
  for (const { micros } of baseOrders) base += capped(micros, cap);
  const baseline = divRound(base * BigInt(Math.round(windowMs)), BigInt(Math.round(baseSpanMs)));
  if (baseline <= 0n) return undefined;
  // Basis points computed in bigint: no float error, however large the amounts.
  const declinePct = Number(divRound((baseline - recent) * 10_000n, baseline)) / 100;
  // Noise gate: how far below the baseline is "really" below, for this account's own rhythm.
  const expectedCount = (baseCount * windowMs) / baseSpanMs;
  // Rolling windows over a short baseline are few and overlap, so their spread can come out far too small;
  // it is never taken below what the randomness of the order count alone gives (compound Poisson:
  // √(expected orders × mean square of the capped order)). A window that expects four orders sees two
  // often enough by chance.
  const countNoise = t.countNoise > 0 ? t.countNoise * Math.sqrt(expectedCount * meanSquare(baseOrders, cap)) : 0;
  const spread = Math.max(countNoise, windowSpread(baseOrders, cap, baseStart, windowStart, windowMs) ?? Number(baseline) / Math.sqrt(Math.max(1, expectedCount)));
  const deviation = Number(baseline - recent);
  return {
    recent,
    recentCount,
    firstRecent,
    baseline,
    baselineCount: (baseCount * windowMs) / baseSpanMs,
    declinePct,
    eligible: baseSpanMs >= t.minBaselineDays * DAY_MS && baseCount >= t.minBaselineOrders,
    // Beyond chance: more than the account's own rhythm explains, or the orders themselves got smaller; and,
    // where a year of history exists, well below the same weeks last year too: a dip the account also had a
    // year ago (the Spring Festival, a customer's own slow quarter) is its season, not a defection. The
    // costlier checks run only when the decline is past medium, the only case where they matter.
    pastMedium:
      declinePct >= t.medium &&
      (deviation >= t.minDeviations * spread || (sizeShift(baseOrders, recentOrders, cap) ?? 0) <= -t.sizeDeviations) &&
      !isSeason(view.orders, firstOrderMs, asOfMs, windowMs, cap, recent, t.seasonalDecline),
    // Hysteresis in deviations too: back within one deviation less than it took to fire counts as recovered.
    withinNoise: deviation < (t.minDeviations - 1) * spread,
  };
}


/**
 * Whether the recent window is less than `minDecline` percent below the same window a year earlier
 * (bulk-capped like the baseline). False when the account's first order came after that window began:
 * no full season to compare with.
 */
function isSeason(orders: readonly OrderView[], firstOrderMs: number, asOfMs: number, windowMs: number, cap: bigint, recent: bigint, minDecline: number): boolean {
  const end = asOfMs - YEAR_MS;
  const start = end - windowMs;
  if (firstOrderMs > start || minDecline === -Infinity) return false;
  const series = orderSeries(orders);
  let lastYear = 0n;
  if (series.sorted) {
    for (let i = upperBound(series.times, start), e = upperBound(series.times, end); i < e; i++) lastYear += capped((orders[i] as OrderView).micros, cap);
  } else {
    for (const o of orders) if (o.atMs > start && o.atMs <= end) lastYear += capped(o.micros, cap);
  }
  if (lastYear <= 0n) return false;
  // Basis points in bigint, like the decline itself.
  return Number(divRound((lastYear - recent) * 10_000n, lastYear)) / 100 < minDecline;
}

/**
 * A cheap bound from memoised prefix sums: capping bulk orders only lowers the baseline, so when even the
 * uncapped baseline shows less than the medium decline, the rule cannot fire. Most ticks stop here.
 */
function mayFire(view: RuleContext["view"], firstOrderMs: number, asOfMs: number, t: DeclineThresholds): boolean {
  const series = orderSeries(view.orders);
  if (!series.sorted) return true;
  const s = spans(firstOrderMs, asOfMs, t);
  const { windowMs, baseSpanMs } = s;
  if (baseSpanMs <= 0) return false;
  const { base: b, recent: r, end: e } = ranges(series.times, s, asOfMs);
  const recent = (series.prefix[e] as bigint) - (series.prefix[r] as bigint);
  const base = (series.prefix[r] as bigint) - (series.prefix[b] as bigint);
  // recent ≤ (1 − medium) × baseline, with baseline = base × window / span; compared in integers, with a
  // basis point of slack for the rounding measure() does.
  return recent * BigInt(Math.round(baseSpanMs)) * 10_000n <= base * BigInt(Math.round(windowMs)) * BigInt(Math.round((100 - t.medium) * 100) + 1);
}

/**
 * The rule fires only where the account is eligible (a long enough baseline span, enough orders in it)
 * and, unless `shrunkOrders` (which reads the orders alone) fires, where `mayFire` holds. Between the
 * instants an order leaves the window or the baseline, the sums and counts stay put while the baseline span
 * only grows, which only makes `mayFire` harder: so each of those instants (and the one at which the span
 * becomes long enough) is judged in turn, and the first at which all could hold is the bound.
 */
export function declineQuietUntil({ state, view, asOfMs, thresholds }: RuleContext): number {
  const t = thresholds["purchases.decline"];
  if (state.firstOrderAt === undefined) return Number.POSITIVE_INFINITY;
  const firstOrderMs = parseInstant(state.firstOrderAt);
  const series = orderSeries(view.orders);
  const { times } = series;
  if (!series.sorted || upperBound(times, asOfMs) < times.length) return asOfMs;
  const shrunkFires = shrunkOrders(view.orders, t)?.fires ?? false;
  const windowMs = t.windowDays * DAY_MS;
  const baselineMs = t.baselineDays * DAY_MS;
  const minSpanMs = t.minBaselineDays * DAY_MS;
  // An order leaves the window a window after it (upperBound edge), and the baseline once it is more than
  // baselineDays old (lowerBound edge: one millisecond later). The span turns positive once the first
  // order is more than a window old, and long enough minBaselineDays later.
  let w = upperBound(times, asOfMs - windowMs);
  let b = lowerBound(times, asOfMs - baselineMs);
  const spanEdges = [firstOrderMs + windowMs + 1, firstOrderMs + windowMs + minSpanMs].filter((at) => at > asOfMs);
  let at = asOfMs;
  for (let judged = 0; at < Number.POSITIVE_INFINITY; judged++) {
    if (judged === MAX_JUDGED_EDGES) return at;
    const s = spans(firstOrderMs, at, t);
    const { base, recent: r, end: e } = ranges(times, s, at);
    const eligible = s.baseSpanMs >= minSpanMs && r - base >= t.minBaselineOrders;
    if (eligible && (shrunkFires || mayFire(view, firstOrderMs, at, t))) return at;
    // Nothing left in the window: mayFire holds as soon as the span is positive.
    if (s.baseSpanMs > 0 && !((series.prefix[e] as bigint) - (series.prefix[r] as bigint) > 0n)) return at;
    const leavesWindow = w < times.length ? (times[w] as number) + windowMs : Number.POSITIVE_INFINITY;
    const leavesBase = b < times.length ? (times[b] as number) + baselineMs + 1 : Number.POSITIVE_INFINITY;
    at = Math.min(leavesWindow, leavesBase, spanEdges[0] ?? Number.POSITIVE_INFINITY);
    if (at === leavesWindow) w++;
    else if (at === leavesBase) b++;
    else spanEdges.shift();
  }
  return at;
}

/** Edges judged at most per bound (then the bound is the next one); an account that stops ordering passes medium within a few. */
const MAX_JUDGED_EDGES = 1000;

const firesAt = (m: Measure | undefined): boolean => m !== undefined && m.eligible && m.pastMedium;

interface Shrunk extends LatestOrders {
  /** Percent the latest orders' average is below the usual order. */
  pct: number;
  fires: boolean;
}

const shrunkMemo = new WeakMap<readonly OrderView[], WeakMap<DeclineThresholds, Shrunk | undefined>>();

/**
 * The latest `recentOrders` orders against the account's usual order (those within `baselineDays` before
 * them): past medium when their average is that much smaller and the shift is `sizeDeviations` standard
 * errors. A 90-day window dilutes the last few orders of a customer that has started buying elsewhere
 * with the normal ones before; three orders at half their usual size say it on their own. Depends on the
 * orders alone, so it is memoised per order array (a tick changes none).
 */
function shrunkOrders(orders: readonly OrderView[], t: DeclineThresholds): Shrunk | undefined {
  let byT = shrunkMemo.get(orders);
  if (byT === undefined) {
    byT = new WeakMap();
    shrunkMemo.set(orders, byT);
  }
  if (byT.has(t)) return byT.get(t);
  const latest = latestOrders(orders, t.recentOrders, t.baselineDays, t.bulkCap);
  const out =
    latest === undefined
      ? undefined
      : {
          ...latest,
          pct: -latest.avgChange,
          fires: latest.base.length >= t.minBaselineOrders && -latest.avgChange >= t.medium && latest.sizeZ <= -t.sizeDeviations,
        };
  byT.set(t, out);
  return out;
}

/**
 * purchases.decline: order value in the recent window against the account's own baseline (see measure).
 * A new alert needs the decline to have held for `sustainDays` already: a window that merely misses one
 * order at its edge recovers within days, a customer buying elsewhere does not. The check reads history,
 * not alert state, so it holds the same whether the history was evaluated live or loaded in bulk.
 */
export function purchasesDecline({ state, view, asOfMs, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["purchases.decline"];
  if (state.firstOrderAt === undefined) return NONE;
  const firstOrderMs = parseInstant(state.firstOrderAt);
  const shrunk = shrunkOrders(view.orders, t);
  const shrunkFires = shrunk?.fires ?? false;
  if (onlyIfFiring && !shrunkFires && !mayFire(view, firstOrderMs, asOfMs, t)) return NONE;
  const now = measure(view, firstOrderMs, asOfMs, t);
  if (now === undefined) return NONE;
  if (onlyIfFiring && !shrunkFires && !firesAt(now)) return NONE;
  // Smaller orders need no waiting: they are whole orders, not a window missing one at its edge.
  // Measured only when the window fires now: the earlier window is a second pass over the history.
  const sustained = () => t.sustainDays <= 0 || firesAt(measure(view, firstOrderMs, asOfMs - t.sustainDays * DAY_MS, t));
  const fires = (firesAt(now) && sustained()) || (now.eligible && shrunkFires && now.declinePct >= t.recentMinDecline);
  if (onlyIfFiring && !fires) return NONE;
  const { recent, recentCount, firstRecent, baseline, baselineCount, declinePct } = now;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  // The worse of the two measures sets the level, and both must be back for the alert to resolve.
  const worst = Math.max(declinePct, shrunk?.pct ?? -Infinity);
  const level = levelFor(worst, bands, true);
  const fireAt = divRound(baseline * BigInt(Math.round((100 - t.medium) * 100)), 10_000n);
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  // Orders are sorted, so the latest recent ones (and the latest orders judged alone) are the tail.
  const moved: Array<{ atMs: number; id: string | undefined }> = view.orders
    .slice(Math.max(Math.min(firstRecent, view.orders.length - (shrunk?.recent.length ?? 0)), view.orders.length - maxEventIds))
    .flatMap((o) => orderEventIds(o).map((id) => ({ atMs: o.atMs, id })));
  for (const c of view.cancellations.slice(-maxEventIds)) if (c.atMs > windowStart) moved.push({ atMs: c.atMs, id: c.eventId });

  const evidence: Evidence[] = [
    {
      signal: "orders.value",
      unit: "money",
      value: formatMoney(recent),
      baseline: formatMoney(baseline),
      threshold: formatMoney(fireAt),
      windowDays: t.windowDays,
      // From the exact sums (declinePct is already rounded to basis points: rounding it again could be off).
      changePct: Number(divRound((recent - baseline) * 1000n, baseline)) / 10 + 0,
    },
    {
      signal: "orders.count",
      unit: "count",
      value: String(recentCount),
      baseline: num(baselineCount),
      windowDays: t.windowDays,
      ...optionalPct(changePct(recentCount, baselineCount)),
    },
  ];
  if (shrunk !== undefined) {
    evidence.push({
      signal: "orders.averageValue",
      unit: "money",
      value: formatMoney(shrunk.recentAvg),
      baseline: formatMoney(shrunk.baseAvg),
      changePct: shrunk.avgChange + 0,
    });
  }
  evidence.push(...purchaseMix(view, firstOrderMs, asOfMs, t));
  return {
    kind: "measured",
    eligible: now.eligible,
    fires,
    recovered: (declinePct < t.resolve || now.withinNoise) && (shrunk === undefined || shrunk.pct < t.resolve),
    level,
    score: scoreFor(worst, bands, level),
    evidence,
    eventIds: latestIds(moved, maxEventIds),
  };
}

const STEP_MS = 15 * DAY_MS;

function meanSquare(orders: readonly BaseOrder[], cap: bigint): number {
  let sum = 0;
  for (const o of orders) {
    const v = Number(capped(o.micros, cap));
    sum += v * v;
  }
  return orders.length === 0 ? 0 : sum / orders.length;
}

/**
 * Standard deviation of (bulk-capped) order value over rolling windows (15-day steps) inside the baseline
 * span, or undefined with fewer than three windows. `orders` are the baseline's, sorted by time.
 * Statistics only, so floats are fine here; money sums are exact.
 */
function windowSpread(orders: readonly BaseOrder[], cap: bigint, fromMs: number, toMs: number, windowMs: number): number | undefined {
  const sums: number[] = [];
  const values = orders.map((o) => Number(capped(o.micros, cap)));
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (let start = fromMs; start + windowMs <= toMs; start += STEP_MS) {
    const end = start + windowMs;
    while (hi < orders.length && (orders[hi] as BaseOrder).atMs < end) sum += values[hi++] as number;
    while (lo < hi && (orders[lo] as BaseOrder).atMs < start) sum -= values[lo++] as number;
    sums.push(sum);
  }
  if (sums.length < 3) return undefined;
  const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
  return Math.sqrt(sums.reduce((a, b) => a + (b - mean) ** 2, 0) / (sums.length - 1));
}
