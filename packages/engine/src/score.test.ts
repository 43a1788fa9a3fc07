import { describe, expect, it } from "vitest";
import { levelFor, scoreFor } from "./score.ts";

const bands = { resolve: 25, medium: 40, high: 60, critical: 85 };

describe("scoreFor", () => {
  it("maps the thresholds to fixed anchor scores", () => {
    expect(scoreFor(0, bands, "medium")).toBe(0);
    expect(scoreFor(25, bands, "medium")).toBe(10);
    expect(scoreFor(40, bands, "medium")).toBe(40);
    expect(scoreFor(50, bands, "medium")).toBe(53);
    expect(scoreFor(60, bands, "high")).toBe(65);
    expect(scoreFor(85, bands, "critical")).toBe(85);
    expect(scoreFor(110, bands, "critical")).toBe(100);
    expect(scoreFor(1000, bands, "critical")).toBe(100);
  });

  it("lifts the score to the floor of a level reached by a non-numeric condition", () => {
    expect(scoreFor(41, bands, "critical")).toBe(85);
    expect(scoreFor(41, bands, "high")).toBe(65);
  });
});

describe("levelFor", () => {
  it("honours inclusive and exclusive comparisons", () => {
    expect(levelFor(60, bands, true)).toBe("high");
    expect(levelFor(60, bands, false)).toBe("medium");
    expect(levelFor(85, bands, true)).toBe("critical");
    expect(levelFor(84.99, bands, true)).toBe("high");
  });
});
