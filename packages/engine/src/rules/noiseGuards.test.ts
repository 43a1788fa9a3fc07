import { describe, expect, it } from "vitest";
import { defaultConfig, thresholdsFor, type RuleThresholds } from "../config.ts";
import { emptyState } from "../state.ts";
import type { OpenInvoiceView, OrderView, PaidInvoiceView, View } from "../view.ts";
import { purchasesDecline } from "./decline.ts";
import { paymentsOverdue } from "./overdue.ts";
import type { RuleOutcome } from "./types.ts";

/** The guards the default thresholds add against the scares healthy accounts go through (docs/backtest.md). */
const DAY = 86_400_000;
const view = (v: Partial<View>): View => ({ orders: [], cancellations: [], paid: [], open: [], complaints: [], ...v });
const order = (day: number, units: number): OrderView => ({ atMs: day * DAY, micros: BigInt(units) * 1_000_000n, categories: undefined, eventId: `o-${day}` });
const ctx = (v: View, asOfDay: number, thresholds: RuleThresholds = thresholdsFor(defaultConfig, "ordinary")) => ({
  state: { ...emptyState("acc"), firstOrderAt: new Date(0).toISOString() },
  view: v,
  asOfMs: asOfDay * DAY,
  thresholds,
  maxEventIds: 20,
});
const fires = (o: RuleOutcome) => o.kind === "measured" && o.eligible && o.fires;

describe("payments.overdue", () => {
  const paid: PaidInvoiceView[] = [1, 2, 3, 4].map((i) => ({ paidAtMs: i * 30 * DAY, daysLate: 0, eventId: `i${i}`, paidEventId: `p${i}` }));
  const open = (dueDay: number, id: string): OpenInvoiceView => ({ dueAtMs: dueDay * DAY, openMicros: 5_000_000n, eventIds: [id] });

  it("lets one invoice a month and a half late pass, and fires when a second one is overdue too", () => {
    const one = paymentsOverdue(ctx(view({ paid, open: [open(200, "late")] }), 245));
    expect(one.kind === "measured" && one.evidence[0]?.value).toBe("45");
    expect(fires(one)).toBe(false);
    expect(fires(paymentsOverdue(ctx(view({ paid, open: [open(200, "late"), open(220, "later")] }), 245)))).toBe(true);
  });

  it("still fires on a single invoice once it is past the high threshold", () => {
    const out = paymentsOverdue(ctx(view({ paid, open: [open(200, "late")] }), 265));
    expect(fires(out)).toBe(true);
    expect(out.kind === "measured" && out.level).toBe("high");
  });
});

describe("purchases.decline", () => {
  // A steady 100 a week for a year, one bulk order of 5,000 in the baseline, then 80 a week.
  const orders = [...Array.from({ length: 52 }, (_, w) => order(w * 7, w >= 40 ? 80 : 100))];
  orders.splice(10, 0, order(71, 5000));

  it("counts a bulk order in the baseline at 2.5 times the median order", () => {
    const out = purchasesDecline(ctx(view({ orders }), 364));
    expect(out.kind).toBe("measured");
    if (out.kind !== "measured") return;
    const windowed = orders.filter((o) => o.atMs > 274 * DAY && o.atMs <= 364 * DAY);
    const base = orders.filter((o) => o.atMs <= 274 * DAY && o.atMs >= 4 * DAY);
    const capped = base.reduce((sum, o) => sum + Math.min(Number(o.micros), 250_000_000), 0);
    expect(out.evidence[0]?.value).toBe(windowed.reduce((s, o) => s + Number(o.micros) / 1e6, 0).toFixed(2));
    expect(Number(out.evidence[0]?.baseline)).toBeCloseTo(((capped / 1e6) * 90) / 270, 1);
    expect(fires(out)).toBe(false);
  });

  it("needs the decline to have held for sustainDays before it fires", () => {
    const steady = Array.from({ length: 60 }, (_, w) => order(w * 7, w >= 40 ? 10 : 100));
    const t = thresholdsFor(defaultConfig, "ordinary");
    const noWait: RuleThresholds = { ...t, "purchases.decline": { ...t["purchases.decline"], sustainDays: 0 } };
    const first = (th: RuleThresholds) => {
      for (let day = 280; day < 420; day++) if (fires(purchasesDecline(ctx(view({ orders: steady }), day, th)))) return day;
      return undefined;
    };
    const immediate = first(noWait);
    expect(immediate).toBeDefined();
    expect(first(t)).toBe((immediate as number) + t["purchases.decline"].sustainDays);
  });
});
