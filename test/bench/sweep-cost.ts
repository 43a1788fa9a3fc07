// `pnpm exec tsx test/bench/sweep-cost.ts [--accounts 10000] [--months 3] [--reps 3]`: what a silence sweep
// costs with the wake index (only the accounts whose wake has come) against a full sweep (every account, as
// every sweep did before), in the same run, on real Redis. Kafka is not needed: the worker's account processor
// and sweeper run in this process over a key prefix of the run's own, removed at the end.
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { deleteKeysByPrefix, redisUrl, uniqueName } from "@churnwatch/testing";
import { createAccountProcessor } from "../../services/signal-worker/src/accountProcessor.ts";
import { createRedisSignalStore } from "../../services/signal-worker/src/redisSignalStore.ts";
import { createStateCache } from "../../services/signal-worker/src/stateCache.ts";
import { createSweeper, type SweepResult } from "../../services/signal-worker/src/sweeper.ts";
import { benchLogger } from "./liveSupport.ts";
import { benchArgs, fmt, log, machineLine, progress, runBench, summarize } from "./support.ts";

const DAY = 86_400_000;
const MINUTE = 60_000;

const args = benchArgs(
  import.meta.url,
  {
    accounts: { type: "string", default: "10000" },
    months: { type: "string", default: "3" },
    seed: { type: "string", default: "42" },
    reps: { type: "string", default: "3" },
    "cache-mb": { type: "string", default: "32" },
  },
);

runBench(async () => {
  const accounts = Number(args.accounts);
  const reps = Number(args.reps);
  const prefix = `${uniqueName("bench-sweep")}:`;
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 3 });
  try {
    const startMs = Date.now();
    const store = createRedisSignalStore(redis, { prefix, seenTtlSeconds: 3_600, cache: createStateCache(Number(args["cache-mb"]) * 1024 * 1024) });
    // Loaded as history (recorded, not judged), then caught up: the sweeps judge, as a worker's do.
    let caughtUp = false;
    const processor = createAccountProcessor({ store, config: () => defaultConfig, isLive: () => caughtUp });
    let clock = startMs;
    let version = defaultConfig.version;
    const sweep = createSweeper({
      store,
      processor,
      redis,
      lockKey: store.keys.sweepLock,
      leaseMs: 10 * MINUTE,
      now: () => new Date(clock),
      logger: benchLogger(),
      fullEveryMs: 365 * DAY, // full sweeps only where this script forces them (a "rules change")
      configVersion: () => version,
    });

    log(machineLine());
    log(`loading ${fmt(accounts)} simulated accounts × ${args.months} months (seed ${args.seed}), ending now, as history`);
    const byAccount = new Map<string, ChurnEvent[]>();
    for (const e of simulate({ seed: Number(args.seed), accounts, months: Number(args.months), end: new Date(startMs).toISOString() })) {
      const list = byAccount.get(e.accountId);
      if (list) list.push(e);
      else byAccount.set(e.accountId, [e]);
    }
    const ids = [...byAccount.keys()];
    const bar = progress("loading", ids.length, "accounts");
    for (let i = 0; i < ids.length; i += 500) {
      await processor.applyBatch(new Map(ids.slice(i, i + 500).map((id) => [id, byAccount.get(id) as ChurnEvent[]])));
      bar.update(i + 500);
    }
    bar.stop();
    caughtUp = true;

    const timed = async (label: string): Promise<SweepResult & { ms: number }> => {
      const t0 = performance.now();
      const result = await sweep();
      if (!result) throw new Error("the sweep lease was taken: is another sweep running on this prefix?");
      const ms = performance.now() - t0;
      log(`${label}: ${result.full ? "full" : "due"}, ${fmt(result.accounts)} accounts ticked in ${fmt(ms)} ms, ${result.notifications} notifications`);
      return { ...result, ms };
    };
    // The first sweep judges the history and stores every account's wake, as a worker's first sweep does.
    await timed("first sweep (judges the loaded history)");

    const full: number[] = [];
    const due: number[] = [];
    const dueAccounts: number[] = [];
    for (let rep = 1; rep <= reps; rep++) {
      clock += MINUTE;
      version = `${defaultConfig.version}+rep${rep}`; // forces a full sweep: what every sweep was before
      full.push((await timed(`rep ${rep}, every account`)).ms);
      clock += MINUTE;
      const d = await timed(`rep ${rep}, wake index`);
      due.push(d.ms);
      dueAccounts.push(d.accounts);
    }
    const later: string[] = [];
    for (const days of [1, 7, 30]) {
      clock = startMs + days * DAY;
      const d = await timed(`${days} day(s) later`);
      later.push(`${days} d: ${fmt(d.accounts)} (${fmt((100 * d.accounts) / ids.length, 1)}%)`);
    }

    const f = summarize(full);
    const d = summarize(due);
    console.log(`sweep cost, ${fmt(ids.length)} accounts × ${args.months} months, ${reps} reps, state cache ${args["cache-mb"]} MB`);
    console.log(`  full sweep (every account, as before): median ${fmt(f.median)} ms (${fmt(f.min)} – ${fmt(f.max)}), ${fmt((ids.length / f.median) * 1000)} accounts/s`);
    console.log(`  wake-index sweep a minute later:        median ${fmt(d.median)} ms (${fmt(d.min)} – ${fmt(d.max)}), ${fmt(summarize(dueAccounts).median)} accounts due`);
    console.log(`  full ÷ wake-index time: ${fmt(f.median / d.median, 1)}×`);
    console.log(`  accounts due at later sweeps (nothing new arrived meanwhile): ${later.join(", ")}`);
  } finally {
    await deleteKeysByPrefix(redis, prefix);
    await redis.quit();
  }
});
