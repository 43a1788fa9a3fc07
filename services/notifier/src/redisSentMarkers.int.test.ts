// Sent markers on the real Redis: keyed by a digest of the email's id (which names its recipient), and
// markers written before, under the id itself, still honoured until they expire.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisSentMarkers } from "./redisSentMarkers.ts";
import { REDIS_URL } from "./testSupport/harness.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const prefix = `test:sent-markers:${randomUUID()}:`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("sent markers", () => {
  it("writes no address into a key name, and still honours a marker written under the id itself", async () => {
    const markers = createRedisSentMarkers(redis, { keyPrefix: prefix, ttlSeconds: 60 });
    const id = "li.wei@seller.example|acc-1:purchases.decline:medium:1:owner";
    expect(await markers.isSent(id)).toBe(false);
    await markers.markSent(id, "<m@churnwatch>");
    expect(await markers.isSent(id)).toBe(true);
    expect((await redis.keys(`${prefix}*`)).filter((k) => k.includes("@"))).toEqual([]);

    const before = "wang.fang@seller.example|acc-2:payments.overdue:high:1:owner";
    await redis.set(`${prefix}sent:${before}`, "{}", "EX", 60); // as a notifier wrote it before the upgrade
    expect(await markers.isSent(before)).toBe(true);
  });
});
