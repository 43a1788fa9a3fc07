import { describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { UnsortedInputError } from "./order.ts";
import { replay, type ReplayOptions } from "./replayer.ts";
import { partitionOf, replayInThreads } from "./threadedReplay.ts";

describe("replay with its accounts split over worker threads", () => {
  const events = [...simulate({ seed: 5, accounts: 40, months: 15, end: "2026-06-01T00:00:00Z" })];
  // Duplicates (every 7th event again, 2 lines later) and late events (every 40th moved 5 lines later).
  const messy: ChurnEvent[] = [...events];
  for (let i = 0; i + 5 < messy.length; i += 40) messy.splice(i + 5, 0, ...messy.splice(i, 1));
  for (let i = messy.length - 3; i >= 0; i -= 7) messy.splice(i + 2, 0, structuredClone(messy[i] as ChurnEvent));
  const opts: ReplayOptions = { config: defaultConfig, onUnsorted: "apply" };

  it("gives what the replay in one thread gives: episodes, accounts in order, snapshot and counts", async () => {
    // The snapshot is taken a day after the middle episode fired, so that it holds something firing.
    const { episodes } = await replay(messy, opts);
    const middle = episodes[Math.floor(episodes.length / 2)];
    const withSnapshot = { ...opts, asOfMs: Date.parse(middle?.firedAt ?? "") + 86_400_000 };
    const one = await replay(messy, withSnapshot);
    // The input must exercise what could go wrong apart: late events, duplicates, alerts, a snapshot with risk.
    expect(one.stats.outOfOrder).toBeGreaterThan(0);
    expect(one.stats.duplicates).toBeGreaterThan(0);
    expect(one.episodes.length).toBeGreaterThan(5);
    expect(one.snapshot?.accounts.some((a) => a.level !== null)).toBe(true);
    for (const threads of [2, 3]) {
      const split = await replayInThreads(messy, withSnapshot, threads);
      expect(split.episodes).toEqual(one.episodes);
      expect(split.accounts).toEqual(one.accounts);
      expect(split.snapshot).toEqual(one.snapshot);
      expect(split.stats).toEqual(one.stats);
    }
  }, 60_000);

  it("spreads the accounts over every thread, each account always to the same one", () => {
    const ids = [...new Set(events.map((e) => e.accountId))];
    const counts = [0, 0, 0];
    for (const id of ids) counts[partitionOf(id, 3)] = (counts[partitionOf(id, 3)] ?? 0) + 1;
    expect(counts.every((c) => c >= ids.length / 6)).toBe(true);
    expect(ids.map((id) => partitionOf(id, 3))).toEqual(ids.map((id) => partitionOf(id, 3)));
  });

  it("stops its threads and reports a late event when asked to throw on one", async () => {
    await expect(replayInThreads(messy, { ...opts, onUnsorted: "throw" }, 2)).rejects.toBeInstanceOf(UnsortedInputError);
  }, 60_000);

  it("says what to do when a thread runs out of memory", async () => {
    await expect(replayInThreads(events, opts, 2, { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })).rejects.toThrow(
      /a replay thread ran out of memory .*more --threads/,
    );
  }, 60_000);

  it("fails with the thread's error instead of waiting for it forever", async () => {
    const bad = { ...defaultConfig, rules: undefined } as unknown as ReplayOptions["config"];
    await expect(replayInThreads(events, { config: bad }, 2)).rejects.toThrow(/replay thread \d/);
  }, 60_000);
});
