/** Pure draws for one order, payment plan or complaint, given an account and its effects at that instant. */
import type { Severity } from "@churnwatch/contracts";
import type { Rng } from "./prng.ts";
import type { AccountPlan } from "./plan.ts";
import type { Effects } from "./patterns.ts";
import { complaintCategories, complaintText, type ComplaintCategory } from "./pools.ts";
import { DAY, HOUR, MINUTE, officeHours } from "./time.ts";

export interface OrderDraw {
  cents: number;
  grossMargin: number;
  categories: string[];
}

export function drawOrder(rng: Rng, plan: AccountPlan, e: Effects): OrderDraw {
  const all = plan.categories;
  // Narrowing drops product lines from the end of the account's list, a few at a time.
  const kept = Math.max(1, Math.round(all.length * e.categoryShare));
  const active = all.slice(0, kept);
  const bulk = rng.chance(plan.bulkChance);
  const lines = bulk ? kept : rng.int(1, Math.min(3, kept));
  const breadth = (kept / all.length) ** 0.8;
  const amount = rng.lognormal(plan.sizeMedian, plan.sizeSigma) * e.size * breadth * (bulk ? rng.float(...plan.bulkFactor) : 1);
  const margin = plan.marginMean + 0.03 * rng.normal() - (bulk ? 0.05 : 0);
  return {
    cents: Math.max(100, Math.round(amount * 100)),
    grossMargin: Math.round(Math.min(0.6, Math.max(-0.2, margin)) * 1000) / 1000,
    categories: rng.sample(active, lines),
  };
}

/**
 * One buying occasion placed as 2-4 orders minutes apart (as wholesale buyers' invoices often are), the
 * amount shared out at random and each with some of the lines: the same occasion, more orders.
 */
export function splitOccasion(rng: Rng, ms: number, order: OrderDraw): { ms: number; order: OrderDraw }[] {
  const count = rng.int(2, 4);
  const weights = Array.from({ length: count }, () => rng.float(0.2, 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let left = order.cents;
  let at = ms;
  return weights.map((w, i) => {
    const cents = i === count - 1 ? left : Math.max(100, Math.round((order.cents * w) / total));
    left = Math.max(100, left - cents);
    if (i > 0) at += rng.float(2, 40) * MINUTE;
    const categories = order.categories.length > 1 ? rng.sample(order.categories, rng.int(1, order.categories.length)) : order.categories;
    return { ms: at, order: { ...order, cents, categories } };
  });
}

export interface PaymentDraw {
  ms: number;
  cents: number;
}

/** When (and whether) an invoice gets paid: the account's habit, the drift, and rare splits. */
export function drawPayments(
  rng: Rng,
  plan: AccountPlan,
  e: Effects,
  invoice: { ms: number; dueMs: number; cents: number },
  extraLateDays: number,
): PaymentDraw[] {
  if (e.unpaid > 0 && rng.chance(e.unpaid)) return [];
  const late = plan.latenessMean + plan.latenessSd * rng.normal() + e.lateDays + extraLateDays;
  const payMs = officeHours(Math.max(invoice.dueMs + late * DAY, invoice.ms + DAY), plan.profile.timezone, rng);
  if (!rng.chance(plan.partialChance + e.partial) || invoice.cents < 200) return [{ ms: payMs, cents: invoice.cents }];
  const first = Math.round(invoice.cents * rng.float(0.3, 0.7));
  const restMs = officeHours(payMs + rng.float(7, 30) * DAY, plan.profile.timezone, rng);
  return [
    { ms: payMs, cents: first },
    { ms: restMs, cents: invoice.cents - first },
  ];
}

export interface ComplaintDraw {
  severity: Severity;
  category: ComplaintCategory;
  text: string;
  /** undefined: never resolved (it ages) */
  resolution?: { afterMs: number; satisfaction?: number };
}

const resolveMedianDays: Record<Severity, number> = { low: 2, medium: 4, high: 7, critical: 10 };
const calmScores = [0.02, 0.06, 0.17, 0.4, 0.35]; // satisfaction 1..5 of a content account
const angryScores = [0.35, 0.4, 0.18, 0.05, 0.02];

function satisfaction(rng: Rng, escalation: number): number {
  const weights = calmScores.map((w, i) => [i + 1, w * (1 - escalation) + (angryScores[i] ?? 0) * escalation] as const);
  return rng.weighted(weights);
}

export function drawComplaint(
  rng: Rng,
  plan: AccountPlan,
  e: Effects,
  refs: { po: string; inv: string; repeatCategory: ComplaintCategory },
): ComplaintDraw {
  const esc = e.escalation;
  const severity = rng.weighted<Severity>([
    ["low", 0.5 * (1 - 0.95 * esc)],
    ["medium", 0.35 * (1 - 0.5 * esc)],
    ["high", 0.12 + 0.45 * esc],
    ["critical", 0.03 + 0.25 * esc],
  ]);
  // An escalating account complains about the same problem again and again.
  const category = rng.chance(0.7 * esc) ? refs.repeatCategory : rng.pick(complaintCategories);
  const text = complaintText(rng, plan.profile.locale, category, esc > 0.5 && rng.chance(0.5), refs);
  if (rng.chance(0.35 * esc)) return { severity, category, text };
  const days = rng.lognormal(resolveMedianDays[severity] * (1 + 2 * esc), 0.6);
  const afterMs = Math.max(2 * HOUR, Math.round(days * DAY));
  return rng.chance(0.7)
    ? { severity, category, text, resolution: { afterMs, satisfaction: satisfaction(rng, esc) } }
    : { severity, category, text, resolution: { afterMs } };
}

/** The healthy account's one bad day: a single high complaint, handled well. */
export function drawScareComplaint(rng: Rng, plan: AccountPlan, refs: { po: string; inv: string }): ComplaintDraw {
  const category = rng.pick(["delivery", "quality", "service"] as const);
  return {
    severity: "high",
    category,
    text: complaintText(rng, plan.profile.locale, category, false, refs),
    resolution: { afterMs: Math.round(rng.float(2, 6) * DAY), satisfaction: rng.int(3, 4) },
  };
}
