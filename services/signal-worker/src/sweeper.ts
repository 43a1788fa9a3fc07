import type { Redis } from "ioredis";
import type { Logger } from "@churnwatch/platform";
import { EngineError } from "./accountEvaluation.ts";
import type { AccountProcessor } from "./accountProcessor.ts";
import type { SignalStore } from "./redisSignalStore.ts";

export interface SweepResult {
  accounts: number;
  notifications: number;
}

/**
 * Silence produces no event, so a wall-clock sweep ticks every account. A Redis lease keeps several
 * worker instances from sweeping at once (harmless if they did: commits are compare-and-set); it is
 * released when the sweep ends, and only expires on its own if the sweeping process died.
 */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createSweeper(deps: {
  store: SignalStore;
  processor: AccountProcessor;
  redis: Redis;
  lockKey: string;
  leaseMs: number;
  now: () => Date;
  logger: Logger;
}) {
  return async function sweep(): Promise<SweepResult | undefined> {
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const got = await deps.redis.set(deps.lockKey, owner, "PX", deps.leaseMs, "NX");
    if (got !== "OK") return undefined;
    try {
      const at = deps.now().toISOString();
      let accounts = 0;
      let notifications = 0;
      for await (const ids of deps.store.accountIds()) {
        // A scan page at a time: one load and one commit round trip for all of its accounts.
        for (const [accountId, outcome] of await deps.processor.tickMany(ids, at)) {
          accounts += 1;
          if (outcome instanceof EngineError) deps.logger.error({ err: outcome, accountId, at }, "the engine cannot tick this account");
          else notifications += outcome.notifications;
        }
      }
      deps.logger.info({ accounts, notifications, at }, "sweep done");
      return { accounts, notifications };
    } finally {
      await deps.redis.eval(RELEASE_SCRIPT, 1, deps.lockKey, owner);
    }
  };
}
