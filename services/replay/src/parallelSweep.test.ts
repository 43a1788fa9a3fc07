import { describe, expect, it } from "vitest";
import { defaultConfig } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { scoreInWorkers } from "./parallelSweep.ts";
import { configFor, sweepPoints } from "./sweep.ts";
import { scorePoint, type PointContext } from "./sweepPoint.ts";

describe("sweep on worker threads", () => {
  const sim = simulate({ seed: 3, accounts: 30, months: 15, end: "2026-06-01T00:00:00Z" });
  const events = [...sim];
  const labels = sim.labels.map((l) => ({ accountId: l.accountId, churnedAt: l.churnedAt, churnedMs: Date.parse(l.churnedAt), pattern: l.pattern }));
  const ctx: PointContext = { tickMs: 86_400_000, locale: "en", labels, periodEndMs: Date.parse(events.at(-1)?.occurredAt ?? ""), lookbackMs: 365 * 86_400_000 };
  // Points that differ in what they find: decline at 40, 50 and 60 %, and the complaint signs off.
  const configs = sweepPoints(defaultConfig)
    .filter((p) => p.declineMinDeviations === 2 && p.complaintsMediumFloor === 14 && p.overdueMedium === 30)
    .map((p) => configFor(defaultConfig, p));

  it("scores every point as one replay after another would, in the same order", async () => {
    expect(configs.length).toBe(4);
    const sequential = [];
    for (const c of configs) sequential.push(await scorePoint(events, c, ctx));
    // Not all the same, or the order of the results would go unchecked.
    expect(new Set(sequential.map((s) => JSON.stringify(s))).size).toBeGreaterThan(1);
    let replayed = 0;
    const threaded = await scoreInWorkers(events, ctx, configs, 3, (n) => (replayed += n));
    expect(threaded).toEqual(sequential);
    expect(replayed).toBe(events.length * configs.length);
  }, 60_000);

  it("says what to do when a thread runs out of memory", async () => {
    await expect(scoreInWorkers(events, ctx, configs, 2, undefined, { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })).rejects.toThrow(
      /a sweep thread ran out of memory .*fewer --threads/,
    );
  }, 60_000);

  it("fails with the point's error and stops every thread", async () => {
    await expect(scoreInWorkers(events, { ...ctx, tickMs: 0 }, configs, 2)).rejects.toThrow(/sweep point \d: tickMs must be positive/);
  }, 60_000);
});
