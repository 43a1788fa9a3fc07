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
const order = (day: number, units: number): OrderView => ({ atMs: day * DAY, micros: BigInt(units) * 1_000_000n, categories: undefined, grossMargin: undefined, eventId: `o-${day}` });
const ctx = (v: View, asOfDay: number, thresholds: RuleThresholds = thresholdsFor(defaultConfig, "ordinary")) => ({
  state: { ...emptyState("acc"), firstOrderAt: new Date(0).toISOString() },
  view: v,
  asOfMs: asOfDay * DAY,
  thresholds,
  model: defaultConfig.model,
  maxEventIds: 20,
});
const fires = (o: RuleOutcome) => o.kind === "measured" && o.eligible && o.fires;

describe("payments.overdue", () => {
  const paid: PaidInvoiceView[] = [1, 2, 3, 4].map((i) => ({ paidAtMs: i * 30 * DAY, daysLate: 0, eventId: `i${i}`, paidEventId: `p${i}` }));
  const open = (dueDay: number, id: string, partPaid = false): OpenInvoiceView => ({ dueAtMs: dueDay * DAY, openMicros: 5_000_000n, partPaid, eventIds: [id] });

  it("lets one invoice a month and a half late pass, and fires when a second one is overdue too", () => {
    const one = paymentsOverdue(ctx(view({ paid, open: [open(200, "late")] }), 245));
    expect(one.kind === "measured" && one.evidence[0]?.value).toBe("45");
    expect(fires(one)).toBe(false);
    expect(fires(paymentsOverdue(ctx(view({ paid, open: [open(200, "late"), open(220, "later")] }), 245)))).toBe(true);
  });

  it("does not count the open rest of a part-paid invoice as the second one, unless it is a month overdue too", () => {
    // 45 days overdue, and the rest of a part-paid invoice 25 days overdue: a payment plan beside one late bill.
    expect(fires(paymentsOverdue(ctx(view({ paid, open: [open(200, "late"), open(220, "plan", true)] }), 245)))).toBe(false);
    // The same rest 35 days overdue is past the medium threshold itself.
    expect(fires(paymentsOverdue(ctx(view({ paid, open: [open(200, "late"), open(210, "plan", true)] }), 245)))).toBe(true);
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

describe("purchases.decline against chance and the season", () => {
  const t = thresholdsFor(defaultConfig, "ordinary");
  const withDecline = (patch: Partial<RuleThresholds["purchases.decline"]>): RuleThresholds => ({
    ...t,
    "purchases.decline": { ...t["purchases.decline"], ...patch },
  });
  /** The first day in [from, to) on which the rule fires, if any. */
  const firstFiring = (orders: OrderView[], from: number, to: number, th: RuleThresholds = t): number | undefined => {
    for (let day = from; day < to; day++) if (fires(purchasesDecline(ctx(view({ orders }), day, th)))) return day;
    return undefined;
  };
  // Order sizes vary a little, as real ones do (±10%).
  const size = (k: number): number => Math.round(100 * (1 + 0.1 * Math.sin(k * 2.3)));

  it("lets a buyer that orders every three weeks skip two orders: the count alone is that noisy", () => {
    // Every 21 days, then the two orders due around days 300 and 321 do not come; the sizes stay the same.
    const orders = Array.from({ length: 18 }, (_, k) => order(k * 21, size(k))).filter((o) => o.atMs !== 294 * DAY && o.atMs !== 315 * DAY);
    expect(firstFiring(orders, 300, 357)).toBeUndefined();
  });

  it("fires when the same buyer's orders also shrink to under half: the orders got smaller, not just fewer", () => {
    const orders = Array.from({ length: 18 }, (_, k) => order(k * 21, k * 21 >= 270 ? Math.round(size(k) * 0.45) : size(k))).filter(
      (o) => o.atMs !== 294 * DAY,
    );
    expect(firstFiring(orders, 300, 357)).toBeDefined();
    // Without the order-size test the same history stays within the count's noise.
    expect(firstFiring(orders, 300, 357, withDecline({ sizeDeviations: Number.MAX_VALUE }))).toBeUndefined();
  });

  it("fires on three orders at under half the usual size, before the 90-day value shows it", () => {
    // Every 14 days; the last three orders (days 336, 350, 364) are 40% of the usual size.
    const orders = Array.from({ length: 27 }, (_, k) => order(k * 14, k >= 24 ? Math.round(size(k) * 0.4) : size(k)));
    const out = purchasesDecline(ctx(view({ orders }), 365));
    expect(out.kind === "measured" && out.evidence[0]?.changePct).toBeGreaterThan(-50); // the window: about -30%
    expect(fires(out)).toBe(true);
    expect(out.kind === "measured" && out.evidence[2]?.signal).toBe("orders.averageValue");
    expect(out.kind === "measured" && out.evidence[2]?.changePct).toBeLessThan(-55);
    expect(out.kind === "measured" && out.eventIds.slice(-3)).toEqual(["o-336", "o-350", "o-364"]);
    // Two small orders are not yet three, and with the latest orders not judged alone nothing fires.
    expect(fires(purchasesDecline(ctx(view({ orders: orders.slice(0, -1) }), 351)))).toBe(false);
    expect(fires(purchasesDecline(ctx(view({ orders }), 365, withDecline({ recentOrders: 0 }))))).toBe(false);
  });

  it("does not take smaller orders placed more often, the window's value steady, for a decline", () => {
    // Every 14 days; from day 329 weekly at 45% of the usual size: the last three orders are under half the
    // usual order, but the 90 days hold about as much as ever (a customer splitting its orders).
    const orders = [
      ...Array.from({ length: 24 }, (_, k) => order(k * 14, size(k))),
      ...Array.from({ length: 6 }, (_, k) => order(329 + k * 7, Math.round(size(24 + k) * 0.45))),
    ];
    const out = purchasesDecline(ctx(view({ orders }), 365));
    expect(out.kind === "measured" && out.evidence[0]?.changePct).toBeGreaterThanOrEqual(0);
    expect(out.kind === "measured" && out.evidence[2]?.changePct).toBeLessThan(-50);
    expect(fires(out)).toBe(false);
    // Judged on the latest orders whatever the window says, it would fire.
    expect(fires(purchasesDecline(ctx(view({ orders }), 365, withDecline({ recentMinDecline: -1000 }))))).toBe(true);
  });

  it("resolves once orders of the usual size come back", () => {
    const small = (k: number): boolean => k >= 24 && k < 27;
    const orders = Array.from({ length: 33 }, (_, k) => order(k * 14, small(k) ? Math.round(size(k) * 0.4) : size(k)));
    const at = (day: number) => purchasesDecline(ctx(view({ orders: orders.filter((o) => o.atMs <= day * DAY) }), day));
    expect(fires(at(365))).toBe(true);
    const back = at(449); // three orders of the usual size since
    expect(back.kind === "measured" && back.recovered).toBe(true);
  });

  it("does not take a dip the account also had the same weeks last year for a defection", () => {
    // Weekly orders for two years; each year days 300..390 (and 665..755) bring a third of the usual value.
    const seasonal = (day: number): boolean => (day >= 300 && day < 390) || (day >= 665 && day < 755);
    const orders = Array.from({ length: 108 }, (_, w) => order(w * 7, seasonal(w * 7) ? Math.round(size(w) / 3) : size(w)));
    expect(firstFiring(orders, 700, 760)).toBeUndefined();
    // The same history judged without the seasonal comparison fires: the baseline year missed the dip.
    expect(firstFiring(orders, 700, 760, withDecline({ seasonalDecline: -Infinity }))).toBeDefined();
    // And a dip that last year did not have fires.
    const newDip = orders.map((o, w) => (o.atMs >= 300 * DAY && o.atMs < 390 * DAY ? order(w * 7, size(w)) : o));
    expect(firstFiring(newDip, 700, 760)).toBeDefined();
  });
});
