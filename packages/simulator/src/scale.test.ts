import { describe, expect, it } from "vitest";
import { simulate } from "./simulate.ts";

describe("simulate: scale", () => {
  it("streams 1,000 accounts × 24 months without holding the history", () => {
    const sim = simulate({ seed: 1, accounts: 1_000, months: 24, end: "2026-11-01T00:00:00Z" });
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let events = 0;
    let lastId = "";
    for (const event of sim) {
      if (++events % 1_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      lastId = event.eventId;
    }
    expect(events).toBeGreaterThan(150_000);
    expect(lastId).not.toBe("");
    // Holding these ~170k events costs about 140 MB of heap; streaming them peaks near 25 MB.
    expect(peak - before).toBeLessThan(80e6);
  });
});
