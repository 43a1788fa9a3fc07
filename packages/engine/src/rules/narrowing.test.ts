import { describe, expect, it } from "vitest";
import { defaultConfig, thresholdsFor } from "../config.ts";
import { emptyState } from "../state.ts";
import type { OrderView, View } from "../view.ts";
import { atLeast, purchasesNarrowing } from "./narrowing.ts";

const DAY = 86_400_000;
const LINES = ["a", "b", "c", "d", "e"];

function order(day: number, units: number, categories: string[]): OrderView {
  return { atMs: day * DAY, micros: BigInt(units) * 1_000_000n, categories, eventId: `o-${day}` };
}

function judge(orders: OrderView[]) {
  const view: View = { orders, cancellations: [], paid: [], open: [], complaints: [] };
  const asOfMs = (orders[orders.length - 1] as OrderView).atMs + DAY;
  const thresholds = thresholdsFor(defaultConfig, "ordinary");
  return purchasesNarrowing({ state: emptyState("acc"), view, asOfMs, thresholds, maxEventIds: 20 });
}

/** 20 baseline orders, two lines each, cycling through all five lines, at 100 a piece. */
const baseline = Array.from({ length: 20 }, (_, i) => order(i * 10, 100, [LINES[i % 5] as string, LINES[(i + 1) % 5] as string]));

describe("purchases.narrowing", () => {
  it("fires when the latest orders keep to one line and are smaller, with the numbers in its evidence", () => {
    const recent = Array.from({ length: 5 }, (_, i) => order(200 + i * 10, 60, ["a"]));
    const out = judge([...baseline, ...recent]);
    expect(out.kind).toBe("measured");
    if (out.kind !== "measured") return;
    expect(out.fires).toBe(true);
    expect(out.level).toBe("critical"); // 4 of 5 regular lines gone: 80%
    expect(out.evidence[0]).toMatchObject({ signal: "orders.categories", value: "1", baseline: "5", changePct: -80 });
    expect(out.evidence[1]).toMatchObject({ signal: "orders.averageValue", value: "60.00", baseline: "100.00", changePct: -40 });
    expect(out.evidence[2]).toMatchObject({ signal: "orders.linesMissing", value: "4" });
    expect(out.eventIds).toEqual(recent.map((o) => o.eventId));
  });

  it("does not fire when the account buys fewer lines but spends as much per order", () => {
    const recent = Array.from({ length: 5 }, (_, i) => order(200 + i * 10, 100, ["a"]));
    const out = judge([...baseline, ...recent]);
    expect(out.kind === "measured" && out.fires).toBe(false);
  });

  it("does not fire when a buyer of one line per order skips lines by chance", () => {
    // Each line is on a fifth of the orders: missing two of them in five orders is ordinary luck.
    const sparse = Array.from({ length: 20 }, (_, i) => order(i * 10, 100, [LINES[i % 5] as string]));
    const recent = ["a", "b", "c", "a", "b"].map((c, i) => order(200 + i * 10, 60, [c]));
    const out = judge([...sparse, ...recent]);
    expect(out.kind).toBe("measured");
    if (out.kind !== "measured") return;
    expect(out.evidence[0]).toMatchObject({ value: "3", baseline: "5" });
    expect(out.fires).toBe(false);
  });

  it("judges nothing without categories on the orders", () => {
    const untagged = [...baseline, ...baseline].map((o, i) => ({ ...o, atMs: i * 5 * DAY, categories: undefined }));
    expect(judge(untagged).kind).toBe("none");
  });
});

describe("atLeast", () => {
  it("equals the brute-force tail of independent events", () => {
    const p = [0.1, 0.5, 0.33, 0.9, 0.02];
    for (let k = 0; k <= p.length + 1; k++) {
      let total = 0;
      for (let mask = 0; mask < 1 << p.length; mask++) {
        const happened = p.filter((_, i) => mask & (1 << i)).length;
        if (happened < k) continue;
        total += p.reduce((acc, pi, i) => acc * (mask & (1 << i) ? pi : 1 - pi), 1);
      }
      expect(atLeast(p, k)).toBeCloseTo(total, 12);
    }
  });
});
