import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { opsKeys } from "./env.ts";

/** The Redis record of letters already re-sent, and a lock so two operators cannot replay at once. */
export interface ReplayLedger {
  /** The ids among `ids` already replayed by an earlier run. */
  replayed(ids: string[]): Promise<Set<string>>;
  record(ids: string[]): Promise<void>;
  /** false when another replay holds the lock. */
  lock(ttlMs: number): Promise<boolean>;
  unlock(): Promise<void>;
}

// Delete the lock only if it is still ours: an expired lock may since belong to someone else.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createRedisReplayLedger(redis: Redis, prefix: string): ReplayLedger {
  const keys = opsKeys(prefix);
  const token = randomUUID();
  return {
    async replayed(ids) {
      if (ids.length === 0) return new Set();
      const flags = await redis.smismember(keys.replayed, ...ids);
      return new Set(ids.filter((_, i) => flags[i] === 1));
    },
    async record(ids) {
      if (ids.length > 0) await redis.sadd(keys.replayed, ...ids);
    },
    async lock(ttlMs) {
      return (await redis.set(keys.replayLock, token, "PX", ttlMs, "NX")) === "OK";
    },
    async unlock() {
      await redis.eval(UNLOCK, 1, keys.replayLock, token);
    },
  };
}
