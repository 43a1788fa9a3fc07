import type { AccountState } from "../state.ts";
import { DAY_MS, localDay, parseInstant } from "../time.ts";
import { MICROS_PER_UNIT } from "../money.ts";
import type { View } from "../view.ts";

/** The window the volume features sum over, and the one before it for their trend. */
export const VOLUME_DAYS = 180;

/**
 * What the purchase model reads from one account at one instant. Buying occasions are local calendar days
 * with an order (several invoices minutes apart are one occasion, not a one-minute rhythm), in the
 * account's timezone. Times are in days.
 */
export interface PurchaseFeatures {
  /** Occasions after the first (BG/NBD's x), counting those already pruned from the history. */
  repeats: number;
  /** Days from the first order to the latest (BG/NBD's t_x). */
  spanDays: number;
  /** Days from the first order to now (BG/NBD's T). */
  ageDays: number;
  /** Days since the latest order placed, cancelled or not (the customer was still ordering). */
  recencyDays: number;
  occasionsRecent: number;
  occasionsPrior: number;
  /** Order value in the account's currency, major units, in the last VOLUME_DAYS and the ones before. */
  spendRecent: number;
  spendPrior: number;
  /** Median days between consecutive occasions; undefined with fewer than two. */
  usualGapDays: number | undefined;
  /** The latest order's event id, for the evidence. */
  latestEventId: string | undefined;
}

/** An account's buying occasions: local days with an order, each with its first order's instant and value. */
interface Occasions {
  timezone: string | undefined;
  days: Int32Array;
  firstMs: Float64Array;
  micros: Float64Array;
  /** Median days between consecutive occasions' first orders; undefined with fewer than two. */
  usualGapDays: number | undefined;
}

// Per orders array: the view's arrays are memoised per record array, so a tick reuses them.
const occasionsOf = new WeakMap<View["orders"], Occasions>();

/**
 * Several invoices of one customer minutes apart on one day are one buying occasion, not a rhythm of one
 * minute (UCI Online Retail II has thousands): the purchase model and the silence rule count occasions.
 */
export function occasions(view: View, timezone: string | undefined): Occasions {
  const hit = occasionsOf.get(view.orders);
  if (hit && hit.timezone === timezone) return hit;
  const days: number[] = [];
  const firstMs: number[] = [];
  const micros: number[] = [];
  for (const o of view.orders) {
    const day = localDay(o.atMs, timezone);
    const amount = Number(o.micros);
    if (days.length > 0 && days[days.length - 1] === day) micros[micros.length - 1] = (micros[micros.length - 1] as number) + amount;
    else {
      days.push(day);
      firstMs.push(o.atMs);
      micros.push(amount);
    }
  }
  const value: Occasions = {
    timezone,
    days: Int32Array.from(days),
    firstMs: Float64Array.from(firstMs),
    micros: Float64Array.from(micros),
    usualGapDays: medianGap(firstMs),
  };
  occasionsOf.set(view.orders, value);
  return value;
}

/** Undefined before the account's first order: there is nothing to model yet. */
export function purchaseFeatures(state: AccountState, view: View, asOfMs: number): PurchaseFeatures | undefined {
  const timezone = state.profile?.timezone;
  const { days, micros, usualGapDays } = occasions(view, timezone);
  const lastOrder = view.orders[view.orders.length - 1];
  if (days.length === 0 || lastOrder === undefined) return undefined;
  const today = localDay(asOfMs, timezone);
  // The first order survives pruning (firstOrderAt), so an old account stays old.
  const firstMs = Math.min((view.orders[0] as { atMs: number }).atMs, state.firstOrderAt === undefined ? Number.POSITIVE_INFINITY : parseInstant(state.firstOrderAt));
  let occasionsRecent = 0;
  let occasionsPrior = 0;
  let spendRecent = 0;
  let spendPrior = 0;
  for (let i = days.length - 1; i >= 0; i--) {
    const age = today - (days[i] as number);
    if (age >= 2 * VOLUME_DAYS) break;
    if (age < VOLUME_DAYS) {
      occasionsRecent++;
      spendRecent += micros[i] as number;
    } else {
      occasionsPrior++;
      spendPrior += micros[i] as number;
    }
  }
  const lastCancelled = view.cancellations[view.cancellations.length - 1];
  const latestMs = Math.max(lastOrder.atMs, lastCancelled?.atMs ?? Number.NEGATIVE_INFINITY);
  return {
    repeats: days.length - 1 + (state.prunedOccasions ?? 0),
    spanDays: Math.max(0, (lastOrder.atMs - firstMs) / DAY_MS),
    ageDays: Math.max(0, (asOfMs - firstMs) / DAY_MS),
    recencyDays: Math.max(0, (asOfMs - latestMs) / DAY_MS),
    occasionsRecent,
    occasionsPrior,
    spendRecent: spendRecent / Number(MICROS_PER_UNIT),
    spendPrior: spendPrior / Number(MICROS_PER_UNIT),
    usualGapDays,
    latestEventId: lastCancelled !== undefined && lastCancelled.atMs > lastOrder.atMs ? lastCancelled.eventId : lastOrder.eventId,
  };
}

function medianGap(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  const gaps = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) gaps[i - 1] = ((times[i] as number) - (times[i - 1] as number)) / DAY_MS;
  gaps.sort();
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? (gaps[mid] as number) : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
}

/**
 * The same account `days` later with no new event: only the clock-driven features move, as long as no
 * occasion crosses a volume window's edge (see nextWindowEdgeMs).
 */
export function featuresLater(f: PurchaseFeatures, days: number): PurchaseFeatures {
  return { ...f, recencyDays: f.recencyDays + days, ageDays: f.ageDays + days };
}

/** The first instant after asOf at which an occasion leaves the recent or the prior volume window. */
function nextWindowEdgeMs(state: AccountState, view: View, asOfMs: number): number {
  const timezone = state.profile?.timezone;
  const { days } = occasions(view, timezone);
  const today = localDay(asOfMs, timezone);
  let edgeDay = Number.POSITIVE_INFINITY;
  for (let i = days.length - 1; i >= 0; i--) {
    const day = days[i] as number;
    if (today - day >= 2 * VOLUME_DAYS) break;
    for (const width of [VOLUME_DAYS, 2 * VOLUME_DAYS]) if (day + width > today) edgeDay = Math.min(edgeDay, day + width);
  }
  if (!Number.isFinite(edgeDay)) return Number.POSITIVE_INFINITY;
  // Local midnight of that day, found from today's: within a zone's offset change of it, so a day early at most.
  return asOfMs + (edgeDay - today - 1) * DAY_MS;
}
