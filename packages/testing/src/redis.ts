// Redis fixtures: tests namespace their keys with uniqueName() and remove exactly those afterwards.
import { Redis } from "ioredis";
import { DEFAULT_REDIS_URL } from "../../../infra/dev/redis.ts";

/** The URL the global setup made available (it sets REDIS_URL). */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** A client that fails fast instead of queueing commands while Redis is unreachable. */
export function testRedis(url: string = redisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
}

/** UNLINK every key starting with `prefix` (SCAN, so a busy shared Redis is never blocked). Returns the count. */
export async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  if (!prefix) throw new Error("deleteKeysByPrefix needs a non-empty prefix; refusing to delete every key");
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`; // the prefix is literal, not a glob
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}
