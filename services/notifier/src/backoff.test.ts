import { describe, expect, it } from "vitest";
import { jitteredBackoff } from "./backoff.ts";

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe("jitteredBackoff", () => {
  it("doubles the ceiling each attempt and stays within [ceiling/2, ceiling]", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      expect(jitteredBackoff(attempt, policy, () => 0)).toBe(ceiling / 2);
      expect(jitteredBackoff(attempt, policy, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      for (let i = 0; i < 50; i++) {
        const d = jitteredBackoff(attempt, policy);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("grows: the shortest delay of an attempt is never below the longest of two attempts before", () => {
    for (let attempt = 3; attempt <= 6; attempt++) {
      expect(jitteredBackoff(attempt, policy, () => 0)).toBeGreaterThanOrEqual(jitteredBackoff(attempt - 2, policy, () => 1));
    }
    expect(jitteredBackoff(2, policy, () => 0.5)).toBeGreaterThan(jitteredBackoff(1, policy, () => 0.5));
  });

  it("is jittered: repeated draws differ", () => {
    const draws = new Set(Array.from({ length: 50 }, () => jitteredBackoff(5, policy)));
    expect(draws.size).toBeGreaterThan(10);
  });

  it("is capped at maxMs even for huge attempt counts", () => {
    expect(jitteredBackoff(1_000, policy, () => 1)).toBe(policy.maxMs);
    expect(jitteredBackoff(0, policy, () => 1)).toBe(policy.baseMs);
  });
});
