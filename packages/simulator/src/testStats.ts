/** Per-account summaries of a simulated history, used by the realism tests and handy for tuning. */
import type { ChurnEvent } from "@churnwatch/contracts";
import { DAY } from "./time.ts";

export interface AccountStats {
  /** non-cancelled order value in the last 90 days before `end` */
  recentValue: number;
  /** the same, per 90 days, over the 360 days before that */
  baselineValue: number;
  /** high or critical complaints opened in the last 90 days */
  severeRecent: number;
  /** invoices more than 14 days past due and not fully paid at `end` */
  overdue: number;
  /** mean days between due date and payment, for payments in the last 90 days / in the baseline year */
  recentLateness: number;
  baselineLateness: number;
  /** distinct categories ordered in the last 90 days / in the baseline year */
  recentCategories: number;
  baselineCategories: number;
  lastOrderMs: number;
}

interface Work {
  orders: Map<string, { ms: number; cents: number; categories: string[] }>;
  cancelled: Set<string>;
  invoices: Map<string, { dueMs: number; cents: number; paid: number }>;
  severeRecent: number;
  late: { recent: number[]; base: number[] };
}

const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const cents = (amount: number | string): number => Math.round(Number(amount) * 100);

export function accountStats(events: Iterable<ChurnEvent>, endMs: number): Map<string, AccountStats> {
  const work = new Map<string, Work>();
  const recentFrom = endMs - 90 * DAY;
  const baseFrom = recentFrom - 360 * DAY;
  for (const e of events) {
    const ms = Date.parse(e.occurredAt);
    if (ms > endMs) continue;
    let w = work.get(e.accountId);
    if (!w) work.set(e.accountId, (w = { orders: new Map(), cancelled: new Set(), invoices: new Map(), severeRecent: 0, late: { recent: [], base: [] } }));
    if (e.type === "order.placed") {
      w.orders.set(e.data.orderId, { ms, cents: cents(e.data.amount), categories: e.data.categories ?? [] });
    } else if (e.type === "order.cancelled") w.cancelled.add(e.data.orderId);
    else if (e.type === "invoice.issued") {
      w.invoices.set(e.data.invoiceId, { dueMs: Date.parse(e.data.dueAt), cents: cents(e.data.amount), paid: 0 });
    } else if (e.type === "payment.received") {
      const inv = w.invoices.get(e.data.invoiceId);
      if (!inv) continue;
      inv.paid += cents(e.data.amount);
      const days = (ms - inv.dueMs) / DAY;
      if (ms > recentFrom) w.late.recent.push(days);
      else if (ms > baseFrom) w.late.base.push(days);
    } else if (e.type === "complaint.opened" && ms > recentFrom && (e.data.severity === "high" || e.data.severity === "critical")) {
      w.severeRecent++;
    }
  }
  const stats = new Map<string, AccountStats>();
  for (const [id, w] of work) {
    let recent = 0;
    let base = 0;
    let lastOrderMs = -Infinity;
    const recentCats = new Set<string>();
    const baseCats = new Set<string>();
    for (const [orderId, o] of w.orders) {
      if (w.cancelled.has(orderId)) continue;
      lastOrderMs = Math.max(lastOrderMs, o.ms);
      if (o.ms > recentFrom) {
        recent += o.cents;
        o.categories.forEach((c) => recentCats.add(c));
      } else if (o.ms > baseFrom) {
        base += o.cents;
        o.categories.forEach((c) => baseCats.add(c));
      }
    }
    let overdue = 0;
    for (const inv of w.invoices.values()) if (inv.paid < inv.cents && inv.dueMs < endMs - 14 * DAY) overdue++;
    stats.set(id, {
      recentValue: recent / 100,
      baselineValue: base / 100 / 4,
      severeRecent: w.severeRecent,
      overdue,
      recentLateness: mean(w.late.recent),
      baselineLateness: mean(w.late.base),
      recentCategories: recentCats.size,
      baselineCategories: baseCats.size,
      lastOrderMs,
    });
  }
  return stats;
}
