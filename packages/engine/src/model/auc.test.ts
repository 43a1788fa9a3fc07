import { describe, expect, it } from "vitest";
import { rocAuc } from "./auc.ts";

describe("rocAuc", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one", () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
  });

  it("counts the share of positive-negative pairs ranked right", () => {
    // Positives 0.8, 0.6 against negatives 0.7, 0.9, 0.1: 0.8 beats 0.7 and 0.1, 0.6 beats 0.1: 3 of 6 pairs.
    expect(rocAuc([0.8, 0.6, 0.7, 0.9, 0.1], [true, true, false, false, false])).toBeCloseTo(3 / 6, 12);
    expect(rocAuc([0.8, 0.75, 0.7, 0.9, 0.1], [true, true, false, false, false])).toBeCloseTo(4 / 6, 12);
  });

  it("counts a tie between a positive and a negative as one half", () => {
    expect(rocAuc([1, 1, 1, 1], [true, false, true, false])).toBe(0.5);
    expect(rocAuc([2, 1, 1], [true, true, false])).toBeCloseTo(0.75, 12);
  });

  it("needs both classes and equal lengths", () => {
    expect(() => rocAuc([1, 2], [true, true])).toThrow(RangeError);
    expect(() => rocAuc([1], [true, false])).toThrow(RangeError);
    expect(() => rocAuc([Number.NaN, 1], [true, false])).toThrow(RangeError);
  });
});
