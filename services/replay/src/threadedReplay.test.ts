import type { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { UnsortedInputError } from "./order.ts";
import { drive, replay, type PartitionSink, type ReplayOptions } from "./replayer.ts";
import { partitionOf, replayInThreads } from "./threadedReplay.ts";

// Every worker the replay starts, with a promise of its exit: to see that a failed run leaves none running.
const started = vi.hoisted(() => [] as Array<{ worker: Worker; exited: Promise<unknown> }>);
vi.mock("./workerThread.ts", async (original) => {
  const real = await original<typeof import("./workerThread.ts")>();
  return {
    ...real,
    startWorker: (...args: Parameters<typeof real.startWorker>) => {
      const worker = real.startWorker(...args);
      // Not events.once: it would reject on the thread's "error" event, which some tests cause on purpose.
      started.push({ worker, exited: new Promise((resolve) => worker.once("exit", resolve)) });
      return worker;
    },
  };
});

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

  it("gives the same with hourly ticks at every boundary, and with the snapshot before the first and after the last event", async () => {
    const first = Date.parse(events[0]?.occurredAt ?? "");
    const last = Date.parse(events.at(-1)?.occurredAt ?? "");
    const variants: ReplayOptions[] = [
      { ...opts, tickMs: 3_600_000, everyTick: true },
      { ...opts, asOfMs: first - 86_400_000 },
      { ...opts, asOfMs: last + 86_400_000 },
    ];
    for (const v of variants) {
      const one = await replay(messy, v);
      const split = await replayInThreads(messy, v, 2);
      expect({ e: split.episodes, a: split.accounts, s: split.snapshot, st: split.stats }).toEqual({ e: one.episodes, a: one.accounts, s: one.snapshot, st: one.stats });
    }
    // Lazy ticks on threads against every account ticked at every boundary in one thread: the reference that
    // does not depend on the partitions' wake bookkeeping.
    const everyBoundary = await replay(messy, { ...opts, everyTick: true });
    expect((await replayInThreads(messy, opts, 2)).episodes).toEqual(everyBoundary.episodes);
  }, 60_000);

  it("waits for the partitions between the boundaries of a long gap, not only between events", async () => {
    const seen: string[] = [];
    let acks = 0;
    const sink: PartitionSink = {
      tick: () => seen.push("tick"),
      apply: () => seen.push("apply"),
      capture: () => seen.push("capture"),
      // Always behind: the driver must wait after every message it queues.
      backlog: () => {
        seen.push("wait");
        return Promise.resolve().then(() => void acks++);
      },
      finish: async () => ({ results: [{ episodes: [], accounts: [{ accountId: "a", tier: null, firstEventMs: 0, firstEventAt: undefined }], ticks: 0 }], snapshot: undefined }),
    };
    const at = (iso: string) => ({ ...(events[0] as ChurnEvent), accountId: "a", eventId: iso, occurredAt: iso });
    await drive([at("2026-01-01T00:30:00Z"), at("2026-01-01T12:30:00Z")], { config: defaultConfig, tickMs: 3_600_000 }, sink);
    const ticks = seen.filter((x) => x === "tick").length;
    expect(ticks).toBe(12);
    // Every tick is followed by a wait before anything else is queued.
    seen.forEach((x, i) => {
      if (x === "tick") expect(seen[i + 1]).toBe("wait");
    });
    expect(acks).toBe(seen.filter((x) => x === "wait").length);
  });

  it("spreads the accounts over every thread, each account always to the same one", () => {
    const ids = [...new Set(events.map((e) => e.accountId))];
    const counts = [0, 0, 0];
    for (const id of ids) counts[partitionOf(id, 3)] = (counts[partitionOf(id, 3)] ?? 0) + 1;
    expect(counts.every((c) => c >= ids.length / 6)).toBe(true);
    expect(ids.map((id) => partitionOf(id, 3))).toEqual(ids.map((id) => partitionOf(id, 3)));
  });

  it("stops its threads and reports a late event when asked to throw on one", async () => {
    started.length = 0;
    await expect(replayInThreads(messy, { ...opts, onUnsorted: "throw" }, 2)).rejects.toBeInstanceOf(UnsortedInputError);
    expect(started.length).toBe(2);
    await Promise.all(started.map((s) => s.exited)); // resolves only once every thread has stopped
  }, 60_000);

  it("says what to do when a thread runs out of memory", async () => {
    await expect(replayInThreads(events, opts, 2, { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })).rejects.toThrow(
      /a replay thread ran out of memory .*more --threads/,
    );
  }, 60_000);

  it("fails with the thread's error instead of waiting for it forever", async () => {
    const bad = { ...defaultConfig, rules: undefined } as unknown as ReplayOptions["config"];
    started.length = 0;
    const failed = replayInThreads(events, { config: bad }, 2);
    await expect(failed).rejects.toThrow(/^replay thread \d: TypeError: /);
    await expect(failed).rejects.toHaveProperty("cause.name", "TypeError");
    await Promise.all(started.map((s) => s.exited));
  }, 60_000);
});
