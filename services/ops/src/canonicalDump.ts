import type { Redis } from "ioredis";

/**
 * Every durable key under the given SCAN patterns, as sorted text lines: hash fields, set members and sorted-
 * set members in a stable order, so two dumps of the same state are byte-identical and a diff shows exactly
 * what differs. TTLs are left out (a rebuild sets fresh ones).
 */
export async function canonicalDump(redis: Redis, patterns: readonly string[]): Promise<string> {
  const keys = new Set<string>();
  for (const match of patterns) {
    for await (const batch of redis.scanStream({ match, count: 500 }) as AsyncIterable<string[]>) for (const k of batch) keys.add(k);
  }
  const lines: string[] = [];
  for (const key of [...keys].sort()) {
    const type = await redis.type(key);
    if (type === "hash") {
      const h = await redis.hgetall(key);
      for (const f of Object.keys(h).sort()) lines.push(`${key}\thash\t${f}\t${h[f]}`);
    } else if (type === "set") {
      for (const m of (await redis.smembers(key)).sort()) lines.push(`${key}\tset\t${m}`);
    } else if (type === "zset") {
      const flat = await redis.zrange(key, 0, -1, "WITHSCORES");
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i + 1]}\t${flat[i]}`);
      for (const p of pairs.sort()) lines.push(`${key}\tzset\t${p}`);
    } else if (type === "string") {
      lines.push(`${key}\tstring\t${await redis.get(key)}`);
    } else if (type === "list") {
      for (const m of await redis.lrange(key, 0, -1)) lines.push(`${key}\tlist\t${m}`);
    }
  }
  return lines.map((l) => `${l}\n`).join("");
}
