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
  // One array, not three: this runs on every order, over the whole baseline.
  const sorted: bigint[] = [];
  for (const o of orders) if (o.micros > 0n) sorted.push(o.micros);
  sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return 0n;
  const mid = sorted[sorted.length >> 1] as bigint;
  return divRound(mid * BigInt(Math.round(multiple * 100)), 100n);
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
  let total = 0n;
  for (const o of orders) total += cap > 0n ? capped(o.micros, cap) : o.micros;
  return total;
}
