// Rebalance churn: 3 signal workers share one group on 6 partitions under steady load; every few seconds one
// more is started and the oldest is SIGKILLed (so the group rebalances all the time, and a dead member's
// partitions wait for its session timeout), while accounts that alert live are produced in the middle. Then the
// churn stops, 3 workers drain the rest, and the oracle checks: state diff 0, nothing lost or counted twice,
// no duplicate alert job.
//
//   pnpm exec tsx test/faults/rebalance-churn.ts [--seconds 40] [--every 4] [--rate 100] [--workers 3]
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { ALERT_JOB, type AlertNotification } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { redisUrl, waitFor } from "@churnwatch/testing";
import { benchArgs, cleanupAll, fmt, log, machineLine, percentile, runBench, useKafka } from "../bench/support.ts";
import { benchKafka, benchLogger, benchProducer, cleanupWorkerState, createBenchTopics, deleteBenchTopics, deleteGroups, eventTopicNames, workerConfig, workerEnv } from "../bench/liveSupport.ts";
import { spawnWorker, type WorkerProcess } from "../bench/workerProcess.ts";
import { decliningHistory } from "../support/events.ts";
import { repoRoot } from "../support/processes.ts";
import { appliedSampler, steadyLoad } from "./load.ts";
import { diffAgainstOracle, offsetsWith, oracleStates, storedStates } from "./support.ts";

const args = benchArgs(import.meta.filename, {
  seconds: { type: "string", default: "40" },
  every: { type: "string", default: "4" },
  rate: { type: "string", default: "100" },
  accounts: { type: "string", default: "30" },
  workers: { type: "string", default: "3" },
});

runBench(async () => {
  const kafka0 = await useKafka();
  const brokers = kafka0.brokers;
  const rate = Number(args.rate);
  const { id, topics } = await createBenchTopics(brokers, "f-churn");
  const env = workerEnv(brokers, topics, id, { LAG_CHECK_INTERVAL_MS: "1000", SWEEP_INTERVAL_MS: "5000" });
  const config = workerConfig(brokers, topics, id, env);
  const kafka = benchKafka(brokers, benchLogger());
  const producer = benchProducer(kafka);
  const admin = kafka.admin();
  const redis = new Redis(redisUrl());
  const queue = new Queue(config.ALERT_QUEUE, { connection: redis.duplicate() });
  const all: WorkerProcess[] = [];
  let n = 0;
  const spawn = () => {
    const w = spawnWorker(env, join(repoRoot, ".run/test-logs", `${id}-w${++n}.log`));
    all.push(w);
    return w;
  };
  try {
    await producer.connect();
    await admin.connect();
    let live: WorkerProcess[] = [];
    for (let i = 0; i < Number(args.workers); i++) live.push(spawn());
    await Promise.all(live.map((w) => w.ready));
    const load = steadyLoad(producer, topics, { accounts: Number(args.accounts), ratePerSecond: rate, tag: id });
    const sampler = appliedSampler(redis, config.KEY_PREFIX, load);
    load.start();
    const lag = async () => (await offsetsWith(admin, config.CONSUMER_GROUP, eventTopicNames(topics))).reduce((s, r) => s + r.high - Math.max(r.committed, r.low), 0);
    await waitFor(lag, { until: (l) => l <= rate && load.produced.length > rate * 3, timeoutMs: 60_000, intervalMs: 250, description: "steady state" });
    const churnFrom = Date.now();
    const churnUntil = churnFrom + Number(args.seconds) * 1000;
    let kills = 0;
    let alerting: ReturnType<typeof decliningHistory> = [];
    let maxLag = 0;
    for (let round = 1; Date.now() < churnUntil; round++) {
      live.push(spawn());
      const victim = live.shift();
      if (victim) {
        await victim.kill();
        kills++;
      }
      if (round === 2) {
        const now = Date.now();
        alerting = Array.from({ length: 5 }, (_, i) => decliningHistory(`${id}-alert-${i}`, now, { weekly: 10_000, recentShare: 0.2 })).flat();
        await producer.send({ topic: topics.accounts, messages: alerting.filter((e) => e.type === "account.upserted").map((e) => ({ key: e.accountId, value: JSON.stringify(e) })) });
        await producer.send({ topic: topics.orders, messages: alerting.filter((e) => e.type !== "account.upserted").map((e) => ({ key: e.accountId, value: JSON.stringify(e) })) });
      }
      const next = churnFrom + round * Number(args.every) * 1000;
      await waitFor(
        async () => {
          maxLag = Math.max(maxLag, await lag());
          return Date.now() >= next;
        },
        { timeoutMs: 60_000, intervalMs: 250, description: "the next churn round" },
      );
      process.stderr.write(`[bench] churn ${fmt((Date.now() - churnFrom) / 1000)} / ${args.seconds} s: ${kills} killed, ${n} started, lag ${await lag()}\n`);
    }
    const churnTo = Date.now();
    await waitFor(lag, { until: (l) => l <= rate, timeoutMs: 180_000, intervalMs: 250, description: "lag ≤ 1 s of events after the churn" });
    const recoverS = (Date.now() - churnTo) / 1000;
    await load.stop();
    await waitFor(lag, { until: (l) => l === 0, timeoutMs: 120_000, intervalMs: 250, description: "lag 0" });
    const events = [...load.produced.map((p) => p.event), ...alerting];
    const accounts = [...new Set(events.map((e) => e.accountId))];
    await sampler.stop();
    // The alerting accounts' notifications reach the queue through a sweep (their history is judged once the
    // group has caught up) and the outbox relay: wait for one per account, then for the outbox to be empty.
    const alertedAccounts = async () => new Set((await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "prioritized"])).filter((j) => j.name === ALERT_JOB).map((j) => (j.data as AlertNotification).accountId)).size;
    await waitFor(alertedAccounts, { until: (k) => k >= 5, timeoutMs: 60_000, intervalMs: 250, description: "an alert job per alerting account" }).catch((err: unknown) => log(String(err)));
    await waitFor(() => redis.llen(`${config.KEY_PREFIX}outbox`), { until: (l) => l === 0, timeoutMs: 30_000, description: "outbox relayed" });
    const diffs = diffAgainstOracle(oracleStates(events, defaultConfig), await storedStates(redis, config.KEY_PREFIX, accounts));
    const lost = diffs.reduce((s, d) => s + Math.max(0, d.applied[1] - d.applied[0]), 0);
    const doubled = diffs.reduce((s, d) => s + Math.max(0, d.applied[0] - d.applied[1]), 0);
    const jobs = (await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "prioritized"])).filter((j) => j.name === ALERT_JOB);
    const keys = jobs.map((j) => {
      const d = j.data as AlertNotification;
      return `${d.alertId}|${d.kind}|${d.level}`;
    });
    const during = sampler.latencies(churnFrom, churnTo);
    console.log(`rebalance-churn · ${machineLine()} · ${rate} events/s over ${args.accounts} accounts + 5 alerting, 6 partitions, ${args.workers} workers, one started and the oldest SIGKILLed every ${args.every} s for ${args.seconds} s (session timeout ${config.KAFKA_SESSION_TIMEOUT_MS} ms)`);
    console.log(
      `${kills} kills, ${n} workers started; accounts differing from the oracle ${diffs.length} (state ${diffs.filter((d) => d.stateDiffers).length}); lost ${lost}, counted twice ${doubled}; alert jobs ${jobs.length}, duplicates ${keys.length - new Set(keys).size}; produce→applied during the churn p50 ${fmt(percentile(during, 50))} ms, p99 ${fmt(percentile(during, 99))} ms; max lag ${maxLag}; churn end → lag ≤ 1 s of events ${fmt(recoverS, 1)} s; events ${events.length}`,
    );
    if (diffs.length > 0) log(`differences: ${JSON.stringify(diffs.slice(0, 5))}`);
  } finally {
    await cleanupAll([
      ["workers", () => Promise.all(all.map((w) => w.stop()))],
      ["producer", () => producer.disconnect()],
      ["groups", () => deleteGroups(admin, [config.CONSUMER_GROUP])],
      ["admin", () => admin.disconnect()],
      ["queue", () => queue.close()],
      ["topics", () => deleteBenchTopics(brokers, topics)],
      ["worker state", () => cleanupWorkerState(config)],
      ["redis", () => redis.quit()],
      ["kafka", () => kafka0.release()],
    ]);
  }
});
