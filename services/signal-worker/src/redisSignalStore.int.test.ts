import { afterEach, describe, expect, it } from "vitest";
import { emptyState } from "@churnwatch/engine";
import { Redis } from "ioredis";
import { deleteKeysByPrefix, redisUrl, uniqueName } from "@churnwatch/testing";
import { createRedisSignalStore, type Commit } from "./redisSignalStore.ts";
import { seenKeyAccount } from "./signalKeys.ts";

let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function store(readLegacySeen?: boolean) {
  const prefix = `${uniqueName("store-seen")}:`;
  const redis = new Redis(redisUrl());
  cleanups.push(async () => {
    await deleteKeysByPrefix(redis, prefix);
    await redis.quit();
  });
  return { prefix, redis, store: createRedisSignalStore(redis, { prefix, seenTtlSeconds: 3_600, readLegacySeen }) };
}

const commit = (accountId: string, eventIds: string[]): Commit => ({
  accountId,
  expectedVersion: 0,
  state: emptyState(accountId),
  eventIds,
  notifications: [],
  transitions: [],
  wakeMs: Number.POSITIVE_INFINITY,
});

describe("dedupe markers on real Redis: one per account and event", () => {
  it("judges each account's event ids by that account's markers, in one load", async () => {
    const { store: s, redis, prefix } = store();
    expect(await s.commitMany([commit("acc-1", ["e-1"])])).toEqual([true]);
    const [one, two] = await s.loadMany([
      { accountId: "acc-1", eventIds: ["e-1", "e-2"] },
      { accountId: "acc-2", eventIds: ["e-1"] },
    ]);
    expect([...(one?.unseen ?? [])]).toEqual(["e-2"]);
    expect([...(two?.unseen ?? [])]).toEqual(["e-1"]);
    // Marked for as long as before (SEEN_TTL_DAYS), under the account.
    const key = s.keys.seen("acc-1", "e-1");
    expect(await redis.ttl(key)).toBeGreaterThan(3_500);
    expect(seenKeyAccount(prefix, key)).toBe("acc-1");
  });

  it("keeps account ids with ':' apart from event ids with ':'", async () => {
    const { store: s, prefix } = store();
    await s.commitMany([commit("a:b", ["c"])]);
    const [other] = await s.loadMany([{ accountId: "a", eventIds: ["b:c"] }]);
    expect([...(other?.unseen ?? [])]).toEqual(["b:c"]);
    expect(s.keys.seen("a:b", "c")).not.toBe(s.keys.seen("a", "b:c"));
    expect(seenKeyAccount(prefix, s.keys.seen("a:b%3A", "c"))).toBe("a:b%3A");
  });

  it("honours an old global marker only while reading them (the upgrade's transition)", async () => {
    const transition = store(true);
    await transition.redis.set(transition.store.keys.legacySeen("e-old"), "1", "EX", 3_600);
    const [during] = await transition.store.loadMany([{ accountId: "acc-1", eventIds: ["e-old", "e-new"] }]);
    expect([...(during?.unseen ?? [])]).toEqual(["e-new"]);

    const after = store(false);
    await after.redis.set(after.store.keys.legacySeen("e-old"), "1", "EX", 3_600);
    const [later] = await after.store.loadMany([{ accountId: "acc-1", eventIds: ["e-old"] }]);
    expect([...(later?.unseen ?? [])]).toEqual(["e-old"]);
  });
});
