import { afterAll, expect, inject, it } from "vitest";
import { uniqueName } from "./names.ts";
import { deleteKeysByPrefix, redisUrl, testRedis } from "./redis.ts";

const redis = testRedis();
afterAll(() => redis.quit());

it("deletes exactly the keys under a test's prefix", async () => {
  expect(redisUrl()).toBe(inject("REDIS_URL"));
  await redis.connect();
  const mine = `${uniqueName("redis-fixture")}:`;
  const other = `${uniqueName("redis-fixture")}:`;
  await redis.mset(`${mine}a`, "1", `${mine}b`, "2", `${other}a`, "3");

  expect(await deleteKeysByPrefix(redis, mine)).toBe(2);
  expect(await redis.exists(`${mine}a`, `${mine}b`)).toBe(0);
  expect(await redis.get(`${other}a`)).toBe("3");
  await deleteKeysByPrefix(redis, other);
});

it("refuses an empty prefix", async () => {
  await expect(deleteKeysByPrefix(redis, "")).rejects.toThrow(/non-empty prefix/);
});
