import type { Redis } from "ioredis";
import type { Logger } from "@churnwatch/platform";
import { EngineError } from "./accountEvaluation.ts";
import type { AccountProcessor } from "./accountProcessor.ts";
import type { SignalStore } from "./redisSignalStore.ts";

export interface SweepResult {
  /** Accounts ticked. */
  accounts: number;
  notifications: number;
  /** Whether every account was ticked, not only those whose wake had come. */
  full: boolean;
}

/**
 * Silence produces no event, so a wall-clock sweep ticks accounts. Each commit stores when time alone could
 * next change the account (its wake, engine `nextWakeMs`), so a sweep ticks only the accounts whose wake has
 * come: those with an open alert and the few nearing a threshold, not all of them every minute. Every
 * `fullEveryMs`, on the process's first sweep and after a rules change (wakes were worked out under the old
 * rules), a sweep ticks every account: a safety net for wakes missing (a rebuilt Redis) or stale.
 * A Redis lease keeps several worker instances from sweeping at once (harmless if they did: commits are
 * compare-and-set); it is released when the sweep ends, and only expires on its own if the sweeping process died.
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
  fullEveryMs: number;
  /** The rules' version now in force. */
  configVersion: () => string;
}) {
  let lastFull: { atMs: number; configVersion: string } | undefined;

  return async function sweep(): Promise<SweepResult | undefined> {
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const got = await deps.redis.set(deps.lockKey, owner, "PX", deps.leaseMs, "NX");
    if (got !== "OK") return undefined;
    try {
      const now = deps.now();
      const at = now.toISOString();
      const configVersion = deps.configVersion();
      const full = lastFull === undefined || lastFull.configVersion !== configVersion || now.getTime() - lastFull.atMs >= deps.fullEveryMs;
      let accounts = 0;
      let notifications = 0;
      for await (const ids of full ? deps.store.accountIds() : pages(await deps.store.dueAccounts(now.getTime()))) {
        // A page at a time: one load and one commit round trip for all of its accounts.
        for (const [accountId, outcome] of await deps.processor.tickMany(ids, at)) {
          accounts += 1;
          if (outcome instanceof EngineError) deps.logger.error({ err: outcome, accountId, at }, "the engine cannot tick this account");
          else notifications += outcome.notifications;
        }
      }
      if (full) lastFull = { atMs: now.getTime(), configVersion };
      deps.logger.info({ accounts, notifications, at, full }, "sweep done");
      return { accounts, notifications, full };
    } finally {
      await deps.redis.eval(RELEASE_SCRIPT, 1, deps.lockKey, owner);
    }
  };
}

async function* pages(ids: string[], size = 500): AsyncIterable<string[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}
