import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config.ts";
import { DAY_MS } from "../time.ts";
import type { OrderView, View } from "../view.ts";
import { purchaseMix } from "./purchaseMix.ts";

const t = defaultConfig.rules["purchases.decline"]; // a 90-day window after a 360-day baseline
const DAY = DAY_MS;
const asOf = 1000 * DAY;

function view(orders: Array<[day: number, margin?: number]>, cancelledDays: number[] = []): View {
  const list: OrderView[] = orders.map(([day, margin]) => ({ atMs: day * DAY, micros: 1_000_000n, categories: undefined, grossMargin: margin, eventId: `o-${day}` }));
  return { orders: list, cancellations: cancelledDays.map((day) => ({ atMs: day * DAY, eventId: `x-${day}` })), paid: [], open: [], complaints: [] };
}

describe("purchaseMix", () => {
  it("reports the margin of the window's orders against the baseline's, in percent", () => {
    // Baseline (550, 910]: 20%, 25%, 30% and one order without a margin; before it, 60% is not counted.
    const v = view([[500, 0.6], [700, 0.2], [750, 0.25], [800], [850, 0.3], [950, 0.1], [990, 0.15]]);
    expect(purchaseMix(v, 500 * DAY, asOf, t)).toEqual([{ signal: "orders.grossMargin", unit: "percent", value: "12.5", baseline: "25", windowDays: 90 }]);
  });

  it("says nothing of margin without three baseline orders that carry one, or without one in the window", () => {
    expect(purchaseMix(view([[700, 0.2], [750, 0.25], [950, 0.1]]), 700 * DAY, asOf, t)).toEqual([]);
    expect(purchaseMix(view([[700, 0.2], [750, 0.25], [800, 0.3], [950]]), 700 * DAY, asOf, t)).toEqual([]);
  });

  it("counts cancellations in the window against the account's own rate, scaled to the window", () => {
    // One cancellation in the 310 baseline days since the first order is 0.29 per 90 days; two in the window.
    const v = view([[600], [950]], [700, 960, 980]);
    expect(purchaseMix(v, 600 * DAY, asOf, t)).toEqual([{ signal: "orders.cancelled", unit: "count", value: "2", baseline: "0.3", windowDays: 90 }]);
    // A baseline shorter than minBaselineDays gives no rate; no cancellation in the window, no evidence.
    expect(purchaseMix(view([[880]], [960]), 880 * DAY, asOf, t)).toEqual([{ signal: "orders.cancelled", unit: "count", value: "1", windowDays: 90 }]);
    expect(purchaseMix(view([[600]], [700]), 600 * DAY, asOf, t)).toEqual([]);
  });
});
