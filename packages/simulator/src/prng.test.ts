import { describe, expect, it } from "vitest";
import { Rng } from "./prng.ts";

const draws = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe("Rng", () => {
  it("gives the same stream for the same seed and path, and another for a different one", () => {
    expect(draws(Rng.derive(1, "orders", 3), 50)).toEqual(draws(Rng.derive("1", "orders", 3), 50));
    expect(draws(Rng.derive(1, "orders", 3), 50)).not.toEqual(draws(Rng.derive(1, "orders", 4), 50));
    expect(draws(Rng.derive(1, "orders", 3), 50)).not.toEqual(draws(Rng.derive(2, "orders", 3), 50));
  });

  it("stays in range and is roughly uniform", () => {
    const rng = Rng.derive("range");
    const xs = draws(rng, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
    const ints = Array.from({ length: 5_000 }, () => rng.int(2, 6));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4, 5, 6]));
  });

  it("samples distinct items and draws lognormals around their median", () => {
    const rng = Rng.derive("sample");
    const picked = rng.sample(["a", "b", "c", "d", "e"], 3);
    expect(new Set(picked).size).toBe(3);
    const xs = Array.from({ length: 4_001 }, () => rng.lognormal(100, 0.3)).sort((a, b) => a - b);
    expect(xs[2000]).toBeGreaterThan(95);
    expect(xs[2000]).toBeLessThan(105);
  });
});
