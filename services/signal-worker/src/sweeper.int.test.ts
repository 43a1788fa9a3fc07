import { afterEach, describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig, nextWakeMs, type EngineConfig } from "@churnwatch/engine";
import { createLogger } from "@churnwatch/platform";
import { accountUpserted, orderPlaced } from "../../../test/support/events.ts";
import { batch, sharedAccounts } from "./sharedAccounts.ts";
import { createSweeper } from "./sweeper.ts";

const DAY = 86_400_000;
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** Weekly orders for half a year, the last one `daysAgo` before `now`. */
function weekly(accountId: string, now: number, daysAgo: number): ChurnEvent[] {
  const events: ChurnEvent[] = [accountUpserted(accountId, now - 200 * DAY)];
  for (let day = daysAgo + 26 * 7; day >= daysAgo; day -= 7) events.push(orderPlaced(accountId, now - day * DAY, "1000.00"));
  return events;
}

describe("sweeps on real Redis", () => {
  it("tick only the accounts whose wake has come; every account on the first sweep, after a rules change and now and then", async () => {
    const accounts = sharedAccounts("sweep-wake", cleanups);
    let config: EngineConfig = defaultConfig;
    const w = accounts.worker({ live: true, config: () => config });
    let clock = Date.now();
    const sweep = createSweeper({
      store: w.store,
      processor: w.processor,
      redis: accounts.redis,
      lockKey: accounts.keys.sweepLock,
      leaseMs: 60_000,
      now: () => new Date(clock),
      logger: createLogger("sweep-test", "silent"),
      fullEveryMs: 100 * DAY, // far apart here: the test's clock moves by weeks
      configVersion: () => config.version,
    });
    const now = clock;
    // "quiet" ordered 3 days ago, "recent" today: silence comes for "quiet" first.
    await w.processor.applyBatch(batch(...weekly("quiet", now, 3), ...weekly("recent", now, 0)));
    const wakeOf = async (id: string) => Number(await accounts.redis.zscore(accounts.keys.wake, id));
    const quietState = (await accounts.load("quiet")).state;
    expect(quietState).toBeDefined();
    const quietWake = await wakeOf("quiet");
    expect(quietWake).toBe(Math.ceil(nextWakeMs(quietState as NonNullable<typeof quietState>, config)));
    expect(quietWake).toBeGreaterThan(now + 7 * DAY); // weekly buyer: silence is weeks away, not due now
    expect(await wakeOf("recent")).toBeGreaterThan(quietWake);

    expect(await sweep()).toMatchObject({ full: true, accounts: 2, notifications: 0 }); // the process's first
    expect(await sweep()).toMatchObject({ full: false, accounts: 0 });

    clock = quietWake - 1; // not yet
    expect(await sweep()).toMatchObject({ full: false, accounts: 0 });
    clock = quietWake + 2 * 60_000; // the bound is at most a minute early: silence fires now
    expect(await sweep()).toMatchObject({ full: false, accounts: 1, notifications: 1 });
    expect((await accounts.load("quiet")).state?.alerts["purchases.silence"]).toBeDefined();
    // An open alert moves with the clock (its evidence), so the account is due at every later sweep; "recent" is not.
    clock += 60_000;
    expect(await sweep()).toMatchObject({ full: false, accounts: 1, notifications: 0 });

    config = { ...config, version: `${config.version}-changed` };
    expect(await sweep()).toMatchObject({ full: true, accounts: 2 });
    clock += 60_000;
    expect(await sweep()).toMatchObject({ full: false, accounts: 1 });
    clock += 100 * DAY;
    expect(await sweep()).toMatchObject({ full: true, accounts: 2 });
  });

  it("moves the wake of an account a tick left unwritten, but not over a state written since", async () => {
    const accounts = sharedAccounts("sweep-quiet", cleanups);
    const w = accounts.worker({ live: false }); // history: recorded without judging, so due at once
    const now = Date.now();
    await w.processor.applyBatch(batch(...weekly("acc", now, 0)));
    expect(Number(await accounts.redis.zscore(accounts.keys.wake, "acc"))).toBe(0);
    const { version } = await accounts.load("acc");

    await w.store.setWakes([{ accountId: "acc", version: version - 1, wakeMs: now + 5 * DAY }]); // stale: refused
    expect(Number(await accounts.redis.zscore(accounts.keys.wake, "acc"))).toBe(0);
    await w.store.setWakes([{ accountId: "acc", version, wakeMs: now + 5 * DAY }]);
    expect(Number(await accounts.redis.zscore(accounts.keys.wake, "acc"))).toBe(now + 5 * DAY);
    await w.store.setWakes([{ accountId: "acc", version, wakeMs: Number.POSITIVE_INFINITY }]);
    expect(await accounts.redis.zscore(accounts.keys.wake, "acc")).toBeNull();
  });
});
