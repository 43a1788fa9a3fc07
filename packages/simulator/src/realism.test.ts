import { describe, expect, it } from "vitest";
import { simulate, type AccountTruth } from "./simulate.ts";
import { defectionPatterns, type DefectionPattern } from "./patterns.ts";
import { accountStats, type AccountStats } from "./testStats.ts";
import { DAY } from "./time.ts";

const sim = simulate({ seed: 7, accounts: 500, months: 24, end: "2026-11-01T00:00:00Z", until: "2027-03-01T00:00:00Z" });
const truth = [...sim.truth()];
const stats = accountStats(sim, sim.endMs);
const statsOf = (t: AccountTruth): AccountStats => {
  const s = stats.get(t.accountId);
  if (!s) throw new Error(`no events for ${t.accountId}`);
  return s;
};
const healthy = truth.filter((t) => !t.defection).map(statsOf);
const scaredLate = truth.filter((t) => !t.defection && t.scares.some((s) => s.atMs > sim.endMs - 120 * DAY && s.atMs < sim.endMs));
const defectors = truth.filter((t) => t.defection).map(statsOf);
const byPattern = (p: DefectionPattern): AccountStats[] => truth.filter((t) => t.defection?.pattern === p).map(statsOf);

const ratio = (s: AccountStats): number => s.recentValue / s.baselineValue;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
};
const share = <T>(xs: T[], test: (x: T) => boolean): number => xs.filter(test).length / xs.length;

/** A plain multi-signal detector a reasonable team would write first. */
const looksLikeDefection = (s: AccountStats): boolean =>
  ratio(s) < 0.6 || s.severeRecent >= 3 || s.overdue >= 2 || s.recentLateness - s.baselineLateness > 10;

describe("simulate: defectors and their patterns", () => {
  it("labels the requested share of accounts, every pattern present", () => {
    expect(sim.labels.length / truth.length).toBeCloseTo(0.2, 2);
    for (const p of defectionPatterns) expect(share(sim.labels, (l) => l.pattern === p)).toBeGreaterThan(0.15);
    expect(simulate({ seed: 7, accounts: 100, months: 12, end: "2026-11-01T00:00:00Z", defectorShare: 0 }).labels).toEqual([]);
    const half = simulate({ seed: 7, accounts: 200, months: 12, end: "2026-11-01T00:00:00Z", defectorShare: 0.5 });
    expect(half.labels.length / 200).toBeCloseTo(0.5, 1);
  });

  it("places churn around end, some still in progress, drift always visible before end", () => {
    const churn = sim.labels.map((l) => Date.parse(l.churnedAt));
    expect(share(churn, (ms) => ms > sim.endMs)).toBeGreaterThan(0.1);
    expect(share(churn, (ms) => ms < sim.endMs)).toBeGreaterThan(0.5);
    for (const l of sim.labels) expect(Date.parse(l.driftStartedAt)).toBeLessThan(sim.endMs - 14 * DAY);
  });

  it("places no orders after churnedAt, even when the stream continues past end", () => {
    const churnOf = new Map(sim.labels.map((l) => [l.accountId, Date.parse(l.churnedAt)]));
    for (const e of sim) {
      if (e.type === "order.placed") expect(Date.parse(e.occurredAt)).toBeLessThan(churnOf.get(e.accountId) ?? Infinity);
    }
  });

  it("drops defectors' last-90-day order value well below their own baseline; healthy accounts hold", () => {
    // Ratio of the last 90 days' order value to the 90-day average over the year before.
    expect(median(defectors.map(ratio))).toBeLessThan(0.55);
    expect(share(defectors, (s) => ratio(s) < 0.6)).toBeGreaterThan(0.6);
    for (const p of ["slow-decline", "abrupt-stop", "narrowing-categories"] as const) {
      expect(median(byPattern(p).map(ratio))).toBeLessThan(0.5);
    }
    expect(median(healthy.map(ratio))).toBeGreaterThan(0.9);
    expect(median(healthy.map(ratio))).toBeLessThan(1.15);
    expect(share(healthy, (s) => ratio(s) < 0.6)).toBeLessThan(0.06);
  });

  it("gives each pattern its own signature", () => {
    const storm = byPattern("complaint-storm");
    expect(median(storm.map((s) => s.severeRecent))).toBeGreaterThanOrEqual(4);
    expect(share(healthy, (s) => s.severeRecent >= 3)).toBeLessThan(0.02);

    const slip = byPattern("payment-slip");
    expect(median(slip.map((s) => s.recentLateness - s.baselineLateness))).toBeGreaterThan(7);
    expect(median(healthy.map((s) => s.recentLateness - s.baselineLateness))).toBeLessThan(2);

    const narrowing = byPattern("narrowing-categories");
    expect(median(narrowing.map((s) => s.recentCategories - s.baselineCategories))).toBeLessThanOrEqual(-2);
    expect(median(healthy.map((s) => s.recentCategories - s.baselineCategories))).toBe(0);

    const stopped = byPattern("abrupt-stop");
    expect(share(stopped, (s) => s.lastOrderMs < sim.endMs - 20 * DAY)).toBe(1);
  });

  it("makes a payment-slip defector pay late on invoices that fall due during the drift, whenever they were issued", () => {
    // How late each invoice was paid, by when it was issued and when it fell due.
    const invoices = new Map<string, { issuedMs: number; dueMs: number; late?: number }>();
    for (const e of sim) {
      if (e.type === "invoice.issued") invoices.set(e.data.invoiceId, { issuedMs: Date.parse(e.occurredAt), dueMs: Date.parse(e.data.dueAt) });
      if (e.type === "payment.received") {
        const inv = invoices.get(e.data.invoiceId);
        if (inv && inv.late === undefined) inv.late = (Date.parse(e.occurredAt) - inv.dueMs) / DAY;
      }
    }
    const slipping = truth.filter((t) => t.defection?.pattern === "payment-slip");
    const shifts: number[] = [];
    for (const t of slipping) {
      const d = t.defection;
      if (!d) continue;
      const drift = Date.parse(d.driftStartedAt);
      const laterDrift = drift + 0.4 * (Date.parse(d.churnedAt) - drift);
      const own = [...invoices].filter(([id]) => id.startsWith(`${t.accountId}-i`)).map(([, inv]) => inv);
      const before = own.filter((i) => i.dueMs < drift && i.late !== undefined).map((i) => i.late as number);
      // Issued before the drift began, due well into it: any extra lateness comes from the drift.
      const overlap = own.filter((i) => i.issuedMs < drift && i.dueMs > laterDrift && i.late !== undefined).map((i) => i.late as number);
      if (before.length > 0 && overlap.length > 0) shifts.push(median(overlap) - median(before));
    }
    expect(shifts.length).toBeGreaterThanOrEqual(3);
    expect(median(shifts)).toBeGreaterThan(15);
  });

  it("keeps healthy accounts' scares (dip, late invoice, one high complaint) from looking like defection", () => {
    expect(scaredLate.length).toBeGreaterThan(50);
    expect(share(scaredLate.map(statsOf), looksLikeDefection)).toBeLessThan(0.1);
    expect(share(healthy, looksLikeDefection)).toBeLessThan(0.1);
    expect(share(defectors, looksLikeDefection)).toBeGreaterThan(0.7);
  });
});
