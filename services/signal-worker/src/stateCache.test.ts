import { describe, expect, it } from "vitest";
import { emptyState } from "@churnwatch/engine";
import { createStateCache } from "./stateCache.ts";

const entry = (accountId: string, version: number, size = 10) => ({ version, writeId: `w${version}`, state: emptyState(accountId), size });

describe("state cache", () => {
  it("evicts the least recently used states once their JSON passes the budget", () => {
    const cache = createStateCache(30);
    cache.put("a", entry("a", 1));
    cache.put("b", entry("b", 1));
    cache.put("c", entry("c", 1));
    expect(cache.get("a")?.version).toBe(1); // a is now the most recently used
    cache.put("d", entry("d", 1));
    expect(cache.get("b")).toBeUndefined();
    expect(["a", "c", "d"].map((id) => cache.get(id)?.version)).toEqual([1, 1, 1]);
    expect(cache.stats()).toEqual({ entries: 3, bytes: 30 });
  });

  it("never lets an older version replace a newer one (batches of one account can finish out of order)", () => {
    const cache = createStateCache(100);
    cache.put("a", entry("a", 5, 20));
    cache.put("a", entry("a", 4, 30));
    expect(cache.get("a")?.version).toBe(5);
    cache.put("a", entry("a", 6, 30));
    expect(cache.get("a")?.version).toBe(6);
    expect(cache.stats()).toEqual({ entries: 1, bytes: 30 });
  });

  it("drops a state only if what it holds is not newer than the version found stale", () => {
    const cache = createStateCache(100);
    cache.put("a", entry("a", 7));
    cache.drop("a", 6);
    expect(cache.get("a")?.version).toBe(7);
    cache.drop("a", 7);
    expect(cache.get("a")).toBeUndefined();
    cache.put("b", entry("b", 3));
    cache.drop("b");
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it("holds nothing larger than its budget, and nothing at all with a budget of 0", () => {
    const cache = createStateCache(15);
    cache.put("a", entry("a", 1, 10));
    cache.put("a", entry("a", 2, 16));
    expect(cache.get("a")).toBeUndefined();
    const off = createStateCache(0);
    off.put("a", entry("a", 1, 1));
    expect(off.get("a")).toBeUndefined();
    expect(off.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});
