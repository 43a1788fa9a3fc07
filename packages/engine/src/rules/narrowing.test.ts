import { describe, expect, it } from "vitest";
import { defaultConfig, thresholdsFor, type RuleThresholds } from "../config.ts";
import { emptyState } from "../state.ts";
import type { OrderView, View } from "../view.ts";
import { atLeast, purchasesNarrowing } from "./narrowing.ts";
import type { RuleOutcome } from "./types.ts";

const DAY = 86_400_000;
const LINES = ["a", "b", "c", "d", "e"];

function order(day: number, units: number, categories: string[]): OrderView {
  return { atMs: day * DAY, micros: BigInt(units) * 1_000_000n, categories, grossMargin: undefined, eventId: `o-${day}` };
}

function judge(orders: OrderView[], thresholds: RuleThresholds = thresholdsFor(defaultConfig, "ordinary")) {
  const view: View = { orders, cancellations: [], paid: [], open: [], complaints: [] };
  const asOfMs = (orders[orders.length - 1] as OrderView).atMs + DAY;
  return purchasesNarrowing({ state: emptyState("acc"), view, asOfMs, thresholds, model: defaultConfig.model, maxEventIds: 20 });
}

const fires = (o: RuleOutcome): boolean => o.kind === "measured" && o.eligible && o.fires;

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
    // Its baseline is the orders before those three (the first two of the smaller ones among them).
    expect(out.evidence[1]).toMatchObject({ signal: "orders.averageValue", value: "60.00", baseline: "96.36", changePct: -37.73 });
    expect(out.evidence[2]).toMatchObject({ signal: "orders.linesMissing", value: "4" });
    // The shortest run of latest orders that proves it: three orders without four of five lines.
    expect(out.eventIds).toEqual(recent.slice(-3).map((o) => o.eventId));
  });

  it("catches lines given up one after another, which only a longer run of orders proves", () => {
    // Two of five lines (each on 40% of the baseline orders) gone for six orders: in the last five orders a
    // steady buyer misses two such lines 5% of the time, in the last six 2% of the time.
    const kept = ["a", "b", "c"];
    const recent = Array.from({ length: 6 }, (_, i) => order(200 + i * 10, 70, [kept[i % 3] as string, kept[(i + 1) % 3] as string]));
    const out = judge([...baseline, ...recent]);
    expect(out.kind === "measured" && out.fires).toBe(true);
    expect(out.kind === "measured" && out.evidence[0]).toMatchObject({ value: "3", baseline: "5", changePct: -40 });
    expect(out.kind === "measured" && out.eventIds).toEqual(recent.map((o) => o.eventId));
    // Judged on the last five orders only, as the rule used to, it stays quiet.
    const t = thresholdsFor(defaultConfig, "ordinary");
    const fiveOnly = { ...t, "purchases.narrowing": { ...t["purchases.narrowing"], recentOrders: 5 } };
    expect(fires(judge([...baseline, ...recent], fiveOnly))).toBe(false);
  });

  it("does not fire when lines are missing but the orders are within the account's usual spread of sizes", () => {
    // Orders of 60 and 140 in turn: the latest, at 78, are 22% under the average yet an ordinary size here.
    const lumpy = baseline.map((o, i) => ({ ...o, micros: BigInt(i % 2 === 0 ? 60 : 140) * 1_000_000n }));
    const recent = Array.from({ length: 5 }, (_, i) => order(200 + i * 10, 78, ["a"]));
    expect(fires(judge([...lumpy, ...recent]))).toBe(false);
    // Without the size test the same orders fire: the missing lines alone are past the chance threshold.
    const t = thresholdsFor(defaultConfig, "ordinary");
    expect(fires(judge([...lumpy, ...recent], { ...t, "purchases.narrowing": { ...t["purchases.narrowing"], sizeDeviations: 0 } }))).toBe(true);
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
    const t = thresholdsFor(defaultConfig, "ordinary");
    const lastFive = judge([...sparse, ...recent], { ...t, "purchases.narrowing": { ...t["purchases.narrowing"], minRecentOrders: 5, recentOrders: 5 } });
    expect(lastFive.kind === "measured" && lastFive.evidence[0]).toMatchObject({ value: "3", baseline: "5" });
    expect(fires(lastFive)).toBe(false);
    expect(fires(judge([...sparse, ...recent]))).toBe(false);
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
