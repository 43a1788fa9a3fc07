import { median } from "./stats.ts";
import { DAY_MS } from "./time.ts";
import type { OrderView, PaidInvoiceView } from "./view.ts";

/**
 * Per-array memos of what the rules derive from the view's arrays alone (prefix sums, medians). The view's
 * arrays are themselves memoised per record array, so on a tick, which changes no record, these are O(1).
 * Pure caches: a miss recomputes the same value, so results never depend on them.
 */
export interface OrderSeries {
  /** Whether the orders are sorted by time (the state's invariant); the fast paths rely on it. */
  sorted: boolean;
  times: Float64Array;
  /** prefix[i]: sum of the first i orders' micros, exact. */
  prefix: bigint[];
}

const orderSeriesOf = new WeakMap<readonly OrderView[], OrderSeries>();

export function orderSeries(orders: readonly OrderView[]): OrderSeries {
  let s = orderSeriesOf.get(orders);
  if (s !== undefined) return s;
  const n = orders.length;
  const times = new Float64Array(n);
  const prefix: bigint[] = new Array<bigint>(n + 1);
  let sorted = true;
  let sum = 0n;
  prefix[0] = 0n;
  for (let i = 0; i < n; i++) {
    const o = orders[i] as OrderView;
    times[i] = o.atMs;
    if (i > 0 && o.atMs < (times[i - 1] as number)) sorted = false;
    sum += o.micros;
    prefix[i + 1] = sum;
  }
  s = { sorted, times, prefix };
  orderSeriesOf.set(orders, s);
  return s;
}

/** Index of the first time ≥ ms in sorted times. */
export function lowerBound(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time > ms in sorted times. */
export function upperBound(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const medianLateOf = new WeakMap<readonly PaidInvoiceView[], number | undefined>();

/** Median days late of the paid invoices (undefined without any). */
export function medianDaysLate(paid: readonly PaidInvoiceView[]): number | undefined {
  if (medianLateOf.has(paid)) return medianLateOf.get(paid);
  const value = median(paid.map((p) => p.daysLate));
  medianLateOf.set(paid, value);
  return value;
}

export interface PaidSeries {
  /** The paid invoices ordered by paid time (ties in view order). */
  byPaid: PaidInvoiceView[];
  times: Float64Array;
  /**
   * suffixDays[i]: sum of daysLate of byPaid[i..], present only when all days late are integers with a safe
   * total: then any order of summation gives the same (exact) sum.
   */
  suffixDays: Float64Array | undefined;
  /** Median days late of the first k by paid time, by k. */
  medians: Map<number, number | undefined>;
  /** Days late of the first `sorted.length` by paid time, in ascending order: medians of longer prefixes grow from it. */
  sorted: number[];
}

const paidSeriesOf = new WeakMap<readonly PaidInvoiceView[], PaidSeries>();

export function paidSeries(paid: readonly PaidInvoiceView[]): PaidSeries {
  let s = paidSeriesOf.get(paid);
  if (s !== undefined) return s;
  const byPaid = paid.map((p, i) => ({ p, i })).sort((a, b) => a.p.paidAtMs - b.p.paidAtMs || a.i - b.i).map((x) => x.p);
  const n = byPaid.length;
  const times = new Float64Array(n);
  let exact = true;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const p = byPaid[i] as PaidInvoiceView;
    times[i] = p.paidAtMs;
    if (!Number.isSafeInteger(p.daysLate)) exact = false;
    abs += Math.abs(p.daysLate);
  }
  let suffixDays: Float64Array | undefined;
  if (exact && abs <= Number.MAX_SAFE_INTEGER) {
    suffixDays = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) suffixDays[i] = (suffixDays[i + 1] as number) + (byPaid[i] as PaidInvoiceView).daysLate;
  }
  s = { byPaid, times, suffixDays, medians: new Map(), sorted: [] };
  paidSeriesOf.set(paid, s);
  return s;
}

/** Median days late of the first `k` paid invoices by paid time. */
export function earlierMedian(s: PaidSeries, k: number): number | undefined {
  if (s.medians.has(k)) return s.medians.get(k);
  // Longer prefixes are asked in turn (the slipping rule's bound walks the window's exits): each adds its
  // invoices to the sorted prefix and memoises every shorter median on the way, read off the same middle
  // values as median() sorts (days late are whole days: no NaN, no −0).
  const sorted = s.sorted;
  while (sorted.length < k) {
    const v = (s.byPaid[sorted.length] as PaidInvoiceView).daysLate;
    let at = sorted.length;
    while (at > 0 && (sorted[at - 1] as number) > v) at--;
    sorted.splice(at, 0, v);
    const mid = sorted.length >> 1;
    const hi = sorted[mid] as number;
    s.medians.set(sorted.length, sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2);
  }
  return k === 0 ? undefined : s.medians.get(k);
}
