import { divRound } from "../money.ts";
import { DAY_MS } from "../time.ts";
import type { OrderView } from "../view.ts";

/** What the order-size measures read of an order. */
export type SizedOrder = Pick<OrderView, "micros">;

/** An order's value counted at most `cap` (bulk orders). */
export const capped = (micros: bigint, cap: bigint): bigint => (micros < cap ? micros : cap);

/**
 * `multiple` times the median order (the upper of the two middle ones), in exact micros. Orders in another
 * currency count as 0 and are left out of the median; without any priced order nothing is capped.
 */
export function capOf(orders: readonly SizedOrder[], multiple: number): bigint {
  const mid = medianMicros(orders);
  return mid === undefined ? 0n : divRound(mid * BigInt(Math.round(multiple * 100)), 100n);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The upper middle of the positive amounts. Runs on every order over the whole baseline, so it sorts doubles natively when they are exact. */
function medianMicros(orders: readonly SizedOrder[]): bigint | undefined {
  const exact = new Float64Array(orders.length);
  let n = 0;
  for (const o of orders) {
    if (o.micros <= 0n) continue;
    if (o.micros > MAX_SAFE) return medianOfBigints(orders);
    exact[n++] = Number(o.micros);
  }
  if (n === 0) return undefined;
  return BigInt(exact.subarray(0, n).sort()[n >> 1] as number);
}

function medianOfBigints(orders: readonly SizedOrder[]): bigint | undefined {
  const sorted: bigint[] = [];
  for (const o of orders) if (o.micros > 0n) sorted.push(o.micros);
  sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[sorted.length >> 1];
}

const MIN_LOG_SPREAD = 0.05;

/**
 * How much smaller the recent orders are than the baseline's, as a z-score of the mean log order value
 * (order sizes are roughly log-normal). Bulk orders (above the cap) and orders in another currency are
 * left out. Undefined with fewer than two orders on either side.
 */
export function sizeShift(base: readonly SizedOrder[], recent: readonly SizedOrder[], cap: bigint): number | undefined {
  const logs = (orders: readonly SizedOrder[]): number[] => {
    const out: number[] = [];
    for (const o of orders) if (o.micros > 0n && o.micros <= cap) out.push(Math.log(Number(o.micros)));
    return out;
  };
  const b = logs(base);
  const r = logs(recent);
  if (b.length < 2 || r.length < 2) return undefined;
  const bMean = b.reduce((a, x) => a + x, 0) / b.length;
  const rMean = r.reduce((a, x) => a + x, 0) / r.length;
  // Real orders never repeat to the cent: a spread below 5% is taken as 5%, so an account that always
  // ordered the same amount is not infinitely sure of itself.
  const sd = Math.max(MIN_LOG_SPREAD, Math.sqrt(b.reduce((a, x) => a + (x - bMean) ** 2, 0) / (b.length - 1)));
  return (rMean - bMean) / (sd * Math.sqrt(1 / r.length + 1 / b.length));
}

/** The latest orders and the account's usual orders before them. */
export interface Split {
  recent: readonly OrderView[];
  base: readonly OrderView[];
}

/** How the latest orders compare in size with the usual ones. */
export interface SizeComparison {
  /** Average order value, bulk orders counted at most the cap (on both sides). */
  recentAvg: bigint;
  baseAvg: bigint;
  /** Percent change of recentAvg against baseAvg. */
  avgChange: number;
  /** sizeShift of the recent orders against the base (0 when it cannot be measured). */
  sizeZ: number;
}

export type LatestOrders = Split & SizeComparison;

/**
 * The latest `k` of `orders` (sorted by time) and those within `baselineDays` before them. Undefined
 * without a baseline (or for k < 1).
 */
export function splitLatest(orders: readonly OrderView[], k: number, baselineDays: number): Split | undefined {
  if (k < 1 || orders.length <= k) return undefined;
  const recent = orders.slice(-k);
  const baseFrom = (recent[0] as OrderView).atMs - baselineDays * DAY_MS;
  // Filtered in one pass, without first copying everything before the recent orders.
  const base: OrderView[] = [];
  for (let i = 0; i < orders.length - k; i++) {
    const o = orders[i] as OrderView;
    if (o.atMs >= baseFrom) base.push(o);
  }
  return base.length === 0 ? undefined : { recent, base };
}

/** The sizes of `recent` against `base`, with the cap at `bulkCap` times the base's median order. */
export function compareSizes({ recent, base }: Split, bulkCap: number): SizeComparison {
  const cap = capOf(base, bulkCap);
  const recentAvg = cappedSum(recent, cap) / BigInt(recent.length);
  const baseAvg = cappedSum(base, cap) / BigInt(base.length);
  const avgChange = baseAvg > 0n ? Number(((recentAvg - baseAvg) * 10_000n) / baseAvg) / 100 : 0;
  return { recentAvg, baseAvg, avgChange, sizeZ: sizeShift(base, recent, cap) ?? 0 };
}

/** splitLatest and compareSizes together. */
export function latestOrders(orders: readonly OrderView[], k: number, baselineDays: number, bulkCap: number): LatestOrders | undefined {
  const split = splitLatest(orders, k, baselineDays);
  return split === undefined ? undefined : { ...split, ...compareSizes(split, bulkCap) };
}

function cappedSum(orders: readonly SizedOrder[], cap: bigint): bigint {
  // Summed as doubles while every partial sum is a safe integer (then exact, and no bigint is allocated per
  // order); in bigints from the first that might not be.
  let total = 0;
  for (let i = 0; i < orders.length; i++) {
    const m = (orders[i] as SizedOrder).micros;
    const v = cap > 0n && m > cap ? cap : m;
    if (v < 0n || v > MAX_SAFE || total > Number.MAX_SAFE_INTEGER - Number(v)) return bigSum(orders, cap, i, BigInt(total));
    total += Number(v);
  }
  return BigInt(total);
}

function bigSum(orders: readonly SizedOrder[], cap: bigint, from: number, start: bigint): bigint {
  let total = start;
  for (let i = from; i < orders.length; i++) {
    const m = (orders[i] as SizedOrder).micros;
    total += cap > 0n ? capped(m, cap) : m;
  }
  return total;
}
