/**
 * Splits wire events at a cut (pure): what predictors may see (the events before C, nothing else) and, kept
 * apart, the labels that judge them. Predictors get a `PredictorInput`, which holds no label and no event at or
 * after C.
 */
import type { ChurnEvent } from "@churnwatch/contracts";
import { orderRevenueBefore, tiersByRevenue } from "./cutTiers.ts";
import { labelAt, type AccountLabel } from "./cutLabels.ts";

export interface PredictorInput {
  cutMs: number;
  /** The horizon a prediction is for (not an outcome: every account shares it). */
  horizonMonths: number;
  /** Every event before the cut, in input order. */
  history: readonly ChurnEvent[];
  /** Per account seen before the cut: its uncancelled order instants before the cut, ascending. */
  ordersBefore: ReadonlyMap<string, readonly number[]>;
  /** The accounts to score: the eligible ones, sorted by id. */
  accounts: readonly string[];
}

export interface CutSplit {
  input: PredictorInput;
  labels: ReadonlyMap<string, AccountLabel>;
  /** Accounts with any event before the cut. */
  accountsSeen: number;
}

export interface SplitOptions {
  horizonMonths: number;
  /**
   * Replace every profile's tier with the rank of its revenue before the cut (default), so a file converted
   * with tiers ranked on another period does not hand the engine later revenue.
   */
  retier?: boolean;
}

export class LookAheadError extends Error {
  override readonly name = "LookAheadError";
}

/** Passes events through, throwing if one is at or after the cut: the guard in front of every model. */
export function* beforeCutOnly(events: Iterable<ChurnEvent>, cutMs: number): Generator<ChurnEvent> {
  for (const e of events) {
    if (!(Date.parse(e.occurredAt) < cutMs)) throw new LookAheadError(`event ${e.eventId} at ${e.occurredAt} is not before the cut ${new Date(cutMs).toISOString()}`);
    yield e;
  }
}

export function splitAtCut(events: readonly ChurnEvent[], cutMs: number, opts: SplitOptions): CutSplit {
  const before = events.filter((e) => Date.parse(e.occurredAt) < cutMs);
  const tiers = opts.retier === false ? undefined : tiersByRevenue(orderRevenueBefore(before, cutMs));
  const history = tiers === undefined ? before : before.map((e) => (e.type === "account.upserted" ? { ...e, data: { ...e.data, tier: tiers.get(e.accountId) ?? "ordinary" } } : e));

  // Labels look at every order in the file; a cancellation anywhere in it takes its order out (labels are
  // outcomes, so knowing a later cancellation is fine there). Predictors see only cancellations before C.
  const cancelled = new Set<string>();
  const zones = new Map<string, string>();
  const seen = new Set<string>();
  for (const e of events) {
    const ms = Date.parse(e.occurredAt);
    if (e.type === "order.cancelled") cancelled.add(`${e.accountId}\u0000${e.data.orderId}`);
    if (ms < cutMs) {
      seen.add(e.accountId);
      if (e.type === "account.upserted") zones.set(e.accountId, e.data.timezone);
    }
  }
  const cancelledBefore = new Set<string>();
  for (const e of before) if (e.type === "order.cancelled") cancelledBefore.add(`${e.accountId}\u0000${e.data.orderId}`);
  const allOrders = new Map<string, number[]>();
  const ordersBefore = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== "order.placed" || !seen.has(e.accountId)) continue;
    const key = `${e.accountId}\u0000${e.data.orderId}`;
    const ms = Date.parse(e.occurredAt);
    if (!cancelled.has(key)) push(allOrders, e.accountId, ms);
    if (ms < cutMs && !cancelledBefore.has(key)) push(ordersBefore, e.accountId, ms);
  }
  for (const list of ordersBefore.values()) list.sort((a, b) => a - b);

  const labels = new Map<string, AccountLabel>();
  for (const [id, orders] of allOrders) {
    const zone = zones.get(id);
    labels.set(id, labelAt(orders, cutMs, { horizonMonths: opts.horizonMonths, ...(zone === undefined ? {} : { zone }) }));
  }
  const accounts = [...labels.entries()].filter(([, l]) => l.eligible).map(([id]) => id).sort();
  return { input: { cutMs, horizonMonths: opts.horizonMonths, history, ordersBefore, accounts }, labels, accountsSeen: seen.size };
}

function push(map: Map<string, number[]>, key: string, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
