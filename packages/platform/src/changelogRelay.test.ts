import { describe, expect, it } from "vitest";
import { byBytes } from "./changelogRelay.ts";

const entry = (key: string, bytes: number) => ({ key, version: 1, value: "x".repeat(bytes - key.length) });

describe("byBytes", () => {
  it("keeps each produce request under the byte limit, in order, with nothing lost", () => {
    const entries = [entry("a", 400), entry("b", 400), entry("c", 400), entry("d", 100)];
    const chunks = byBytes(entries, 900);
    expect(chunks.map((c) => c.map((e) => e.key))).toEqual([["a", "b"], ["c", "d"]]);
    expect(chunks.flat()).toEqual(entries);
  });

  it("sends an entry larger than the limit on its own rather than dropping it", () => {
    expect(byBytes([entry("a", 10), entry("big", 2_000), entry("b", 10)], 1_000).map((c) => c.map((e) => e.key))).toEqual([["a"], ["big"], ["b"]]);
    expect(byBytes([], 1_000)).toEqual([]);
  });
});
