/**
 * Tiers from revenue rank, the README's rule for data sets that have none: the top 5% of accounts by revenue
 * before a cut are strategic, the next 20% partner, the rest ordinary (pure). Revenue must come from before the
 * cut being judged: a tier ranked on later revenue tells the model who keeps buying.
 */
import type { ChurnEvent, Tier } from "@churnwatch/contracts";
import { parseAmount } from "@churnwatch/engine";

export const STRATEGIC_SHARE = 0.05;
export const PARTNER_SHARE = 0.2;

/**
 * Ranks by revenue (micro-units), highest first, ties by account id so the result never depends on input
 * order. Accounts with no revenue are ordinary whatever their rank.
 */
export function tiersByRevenue(revenue: ReadonlyMap<string, bigint>): Map<string, Tier> {
  const ranked = [...revenue.entries()].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const strategic = Math.round(ranked.length * STRATEGIC_SHARE);
  const partner = Math.round(ranked.length * (STRATEGIC_SHARE + PARTNER_SHARE));
  const out = new Map<string, Tier>();
  ranked.forEach(([id, value], i) => {
    out.set(id, value <= 0n ? "ordinary" : i < strategic ? "strategic" : i < partner ? "partner" : "ordinary");
  });
  return out;
}

/** Placed, uncancelled order value per account from wire events before `cutMs` (cancellations before it too). */
export function orderRevenueBefore(events: Iterable<ChurnEvent>, cutMs: number): Map<string, bigint> {
  const placed = new Map<string, { accountId: string; micros: bigint }>();
  const cancelled = new Set<string>();
  for (const e of events) {
    if (Date.parse(e.occurredAt) >= cutMs) continue;
    if (e.type === "order.placed") placed.set(`${e.accountId}\u0000${e.data.orderId}`, { accountId: e.accountId, micros: parseAmount(e.data.amount) });
    else if (e.type === "order.cancelled") cancelled.add(`${e.accountId}\u0000${e.data.orderId}`);
  }
  const revenue = new Map<string, bigint>();
  for (const [key, o] of placed) {
    if (cancelled.has(key)) continue;
    revenue.set(o.accountId, (revenue.get(o.accountId) ?? 0n) + o.micros);
  }
  return revenue;
}

export function tierCounts(tiers: Iterable<Tier>): Record<Tier, number> {
  const counts: Record<Tier, number> = { strategic: 0, partner: 0, ordinary: 0 };
  for (const t of tiers) counts[t]++;
  return counts;
}
