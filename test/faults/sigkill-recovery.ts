// SIGKILL recovery time: a signal worker under steady load is SIGKILLed and started again at once; how long
// from the restart until the group's lag is back to normal (at most one second of events behind), for each
// session timeout asked for. Then the load stops and the oracle checks the run: every produced event applied
// exactly once (applied count and event-derived state per account).
//
//   pnpm exec tsx test/faults/sigkill-recovery.ts [--session-timeouts 30000,10000] [--reps 2] [--rate 100]
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { defaultConfig } from "@churnwatch/engine";
import { redisUrl, waitFor } from "@churnwatch/testing";
import { benchArgs, cleanupAll, fmt, log, machineLine, runBench, summarize, useKafka } from "../bench/support.ts";
import { benchKafka, benchLogger, benchProducer, cleanupWorkerState, createBenchTopics, deleteBenchTopics, deleteGroups, eventTopicNames, workerConfig, workerEnv } from "../bench/liveSupport.ts";
import { spawnWorker } from "../bench/workerProcess.ts";
import { repoRoot } from "../support/processes.ts";
import { steadyLoad } from "./load.ts";
import { diffAgainstOracle, offsetsWith, oracleStates, storedStates } from "./support.ts";

const args = benchArgs(import.meta.filename, {
  "session-timeouts": { type: "string", default: "30000,10000" },
  reps: { type: "string", default: "2" },
  rate: { type: "string", default: "100" },
  accounts: { type: "string", default: "20" },
});

interface Run {
  sessionTimeoutMs: number;
  /** restart → the new worker's "signal worker started" (process start, connect, subscribe) */
  startedMs: number;
  /** restart → lag at most one second of events again */
  recoveredMs: number;
  peakLag: number;
  produced: number;
  diffs: number;
}

async function once(brokers: string[], sessionTimeoutMs: number, rep: number): Promise<Run> {
  const rate = Number(args.rate);
  const { id, topics } = await createBenchTopics(brokers, `f-kill-${sessionTimeoutMs}-${rep}`);
  const env = workerEnv(brokers, topics, id, { KAFKA_SESSION_TIMEOUT_MS: String(sessionTimeoutMs), LAG_CHECK_INTERVAL_MS: "1000" });
  const config = workerConfig(brokers, topics, id, env);
  const kafka = benchKafka(brokers, benchLogger());
  const producer = benchProducer(kafka);
  const admin = kafka.admin();
  const redis = new Redis(redisUrl());
  const logDir = join(repoRoot, ".run/test-logs");
  mkdirSync(logDir, { recursive: true });
  const workers: Array<ReturnType<typeof spawnWorker>> = [];
  try {
    await producer.connect();
    await admin.connect();
    const load = steadyLoad(producer, topics, { accounts: Number(args.accounts), ratePerSecond: rate, tag: id });
    const first = spawnWorker(env, join(logDir, `${id}-a.log`));
    workers.push(first);
    await first.ready;
    load.start();
    const lag = async () => (await offsetsWith(admin, config.CONSUMER_GROUP, eventTopicNames(topics))).reduce((sum, r) => sum + r.high - Math.max(r.committed, r.low), 0);
    const normal = rate; // one second of events
    // Steady state first: the worker keeps up.
    await waitFor(lag, { until: (l) => l <= normal && load.produced.length > rate * 3, timeoutMs: 60_000, intervalMs: 200, description: "steady state" });
    await first.kill();
    const restartAt = Date.now();
    const second = spawnWorker(env, join(logDir, `${id}-b.log`));
    workers.push(second);
    const started = second.ready.then(() => Date.now() - restartAt);
    let peakLag = 0;
    // Behind first (nothing consumes while the group waits), then back to normal.
    await waitFor(lag, { until: (l) => l > normal, timeoutMs: 30_000, intervalMs: 100, description: "lag growing after the kill" });
    const recovered = await waitFor(
      async () => {
        const l = await lag();
        peakLag = Math.max(peakLag, l);
        return l <= normal ? Date.now() - restartAt : false;
      },
      { timeoutMs: 180_000, intervalMs: 100, description: "lag back to normal" },
    );
    process.stderr.write(`[bench] session ${sessionTimeoutMs} ms rep ${rep}: recovered ${fmt(recovered / 1000, 1)} s after the restart, peak lag ${peakLag}\n`);
    await load.stop();
    await waitFor(lag, { until: (l) => l === 0, timeoutMs: 60_000, intervalMs: 200, description: "lag 0 after the load" });
    const events = load.produced.map((p) => p.event);
    const oracle = oracleStates(events, defaultConfig);
    const diffs = diffAgainstOracle(oracle, await storedStates(redis, config.KEY_PREFIX, load.accounts));
    if (diffs.length > 0) log(`oracle differs on ${diffs.length} account(s): ${JSON.stringify(diffs.slice(0, 3))}`);
    return { sessionTimeoutMs, startedMs: await started, recoveredMs: recovered, peakLag, produced: events.length, diffs: diffs.length };
  } finally {
    await cleanupAll([
      ["workers", () => Promise.all(workers.map((w) => w.stop()))],
      ["producer", () => producer.disconnect()],
      ["groups", () => deleteGroups(admin, [config.CONSUMER_GROUP])],
      ["admin", () => admin.disconnect()],
      ["topics", () => deleteBenchTopics(brokers, topics)],
      ["worker state", () => cleanupWorkerState(config)],
      ["redis", () => redis.quit()],
    ]);
  }
}

runBench(async () => {
  const kafka = await useKafka();
  const runs: Run[] = [];
  try {
    const timeouts = args["session-timeouts"].split(",").map(Number);
    for (let rep = 1; rep <= Number(args.reps); rep++) {
      for (const t of timeouts) {
        log(`session timeout ${t} ms, repetition ${rep}/${args.reps}`);
        runs.push(await once(kafka.brokers, t, rep));
      }
    }
  } finally {
    await kafka.release();
  }
  console.log(`sigkill-recovery · ${machineLine()} · ${args.rate} events/s over ${args.accounts} accounts, 6 partitions`);
  for (const t of new Set(runs.map((r) => r.sessionTimeoutMs))) {
    const mine = runs.filter((r) => r.sessionTimeoutMs === t);
    const rec = summarize(mine.map((r) => r.recoveredMs / 1000));
    const st = summarize(mine.map((r) => r.startedMs / 1000));
    console.log(
      `session ${t} ms: restart → lag ≤ 1 s of events: median ${fmt(rec.median, 1)} s (min ${fmt(rec.min, 1)}, max ${fmt(rec.max, 1)}); restart → worker started ${fmt(st.median, 1)} s; peak lag ${Math.max(...mine.map((r) => r.peakLag))}; events ${mine.map((r) => r.produced).join(", ")}; accounts differing from the oracle ${mine.map((r) => r.diffs).join(", ")}`,
    );
  }
});
