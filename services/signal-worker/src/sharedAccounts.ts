// Test support: signal-worker processors on real Redis, several "workers" sharing one key prefix.
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig, type EngineConfig } from "@churnwatch/engine";
import { deleteKeysByPrefix, redisUrl, uniqueName } from "@churnwatch/testing";
import { createAccountProcessor } from "./accountProcessor.ts";
import { createRedisSignalStore, type SignalStore } from "./redisSignalStore.ts";
import { createStateCache } from "./stateCache.ts";

/** Several workers' processors over one key prefix: each its own connection and its own state cache. */
export function sharedAccounts(tag: string, cleanups: Array<() => Promise<unknown>>) {
  const prefix = `${uniqueName(tag)}:`;
  const admin = new Redis(redisUrl());
  cleanups.push(async () => {
    await deleteKeysByPrefix(admin, prefix);
    await admin.quit();
  });
  const store = createRedisSignalStore(admin, { prefix, seenTtlSeconds: 3_600 });
  return {
    redis: admin,
    keys: store.keys,
    load: (accountId: string) => store.load(accountId),
    /** Every key of these workers gone, as after a Redis restart with nothing kept on disk. */
    lose: () => deleteKeysByPrefix(admin, prefix),
    worker(opts: { live: boolean; wrap?: (store: SignalStore) => SignalStore; accountsPerRound?: number; config?: () => EngineConfig }) {
      const redis = new Redis(redisUrl());
      cleanups.push(() => redis.quit());
      const cache = createStateCache(16 * 1024 * 1024);
      const own = createRedisSignalStore(redis, { prefix, seenTtlSeconds: 3_600, cache });
      const loads = { accounts: 0, cached: 0, rounds: [] as number[] };
      const processor = createAccountProcessor({
        store: opts.wrap ? opts.wrap(own) : own,
        config: opts.config ?? (() => defaultConfig),
        isLive: () => opts.live,
        accountsPerRound: opts.accountsPerRound,
        onLoaded: (s) => {
          loads.rounds.push(s.accounts);
          loads.accounts += s.accounts;
          loads.cached += s.cached;
        },
      });
      return { processor, store: own, cache, loads };
    },
  };
}

export const batch = (...events: ChurnEvent[]) => {
  const groups = new Map<string, ChurnEvent[]>();
  for (const e of events) groups.set(e.accountId, [...(groups.get(e.accountId) ?? []), e]);
  return groups;
};
