import { describe, expect, it } from "vitest";
import { calibration, flagMetrics, liftAtRecall, rocAuc } from "./cutMetrics.ts";

const T = true;
const F = false;

describe("rocAuc", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one, null without both classes", () => {
    expect(rocAuc([1, 2, 3, 4], [F, F, T, T])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [F, F, T, T])).toBe(0);
    expect(rocAuc([1, 2], [T, T])).toBeNull();
  });

  it("counts ties as one half", () => {
    expect(rocAuc([5, 5, 5, 5], [T, F, T, F])).toBe(0.5);
    // Pairs (positive, negative): (2,1) win, (2,2) tie, (3,1) win, (3,2) win → 3.5 / 4.
    expect(rocAuc([1, 2, 2, 3], [F, F, T, T])).toBe(0.875);
  });
});

describe("flagMetrics", () => {
  it("gives precision, recall and lift over the base rate", () => {
    // 10 accounts, 4 defectors; flagged 3 of which 2 defected.
    const flags = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const pos = [T, T, F, T, T, F, F, F, F, F];
    const m = flagMetrics(flags, pos);
    expect(m).toMatchObject({ flagged: 3, truePositives: 2, recall: 0.5 });
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.lift).toBeCloseTo(2 / 3 / 0.4);
    expect(flagMetrics([0, 0], [T, F]).precision).toBeNull();
  });
});

describe("liftAtRecall", () => {
  it("takes the fewest top accounts that reach the recall", () => {
    // 5 defectors: 0.4 × 5 = 2 needed; the top two are both defectors.
    const r = liftAtRecall([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [T, T, F, T, F, T, F, T, F, F], 0.4);
    expect(r).toMatchObject({ k: 2, truePositives: 2, precision: 1, recall: 0.4 });
    expect(r.lift).toBe(2);
  });

  it("splits a tie group at the boundary in expectation", () => {
    // 4 defectors, need 1.6. Top score 9: one stayer. Then a tie of 8 accounts holding 4 defectors:
    // m = ceil(1.6 × 8 / 4) = 4 of them, bringing 2 defectors in expectation.
    const scores = [9, 1, 1, 1, 1, 1, 1, 1, 1];
    const pos = [F, T, T, T, T, F, F, F, F];
    const r = liftAtRecall(scores, pos, 0.4);
    expect(r).toMatchObject({ k: 5, truePositives: 2, recall: 0.5 });
    expect(r.precision).toBeCloseTo(0.4);
    expect(r.lift).toBeCloseTo(0.4 / (4 / 9));
  });

  it("of a constant score is the base rate (lift 1)", () => {
    const r = liftAtRecall([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [T, T, F, F, F, F, F, F, F, F], 0.4);
    expect(r.lift).toBeCloseTo(1);
  });
});

describe("calibration", () => {
  it("cuts deciles by rank and never splits a tie", () => {
    const scores = [0, 0, 0, 0, 0, 0, 10, 20, 30, 40];
    const pos = [F, F, F, F, F, T, F, T, T, T];
    const bins = calibration(scores, pos, (s) => s / 100, 10);
    expect(bins.map((b) => b.n)).toEqual([6, 1, 1, 1, 1]);
    expect(bins[0]).toMatchObject({ minScore: 0, maxScore: 0, meanProbability: 0 });
    expect(bins[0]?.observedRate).toBeCloseTo(1 / 6);
    expect(bins[4]).toMatchObject({ meanScore: 40, meanProbability: 0.4, observedRate: 1 });
    expect(calibration([1, 2, 3, 4], [F, F, T, T], undefined, 2).map((b) => [b.n, b.meanProbability, b.observedRate])).toEqual([
      [2, null, 0],
      [2, null, 1],
    ]);
  });
});
