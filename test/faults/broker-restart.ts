// Broker restart under steady load, on a broker of this script's own (never the shared one): a signal worker
// consumes a steady load (plus accounts that alert live, just before the fault) from a private broker, which is
// killed and started again on the same data dir. Figures: events lost and counted twice (the oracle: the log of
// acknowledged events, replayed by the engine's record), duplicate alert jobs, p99 produce → applied latency in
// steady state and for the events sent around the fault, seconds from the broker's return to lag ≤ 1 s of
// events, and whether the worker process survived the outage.
//
//   pnpm exec tsx test/faults/broker-restart.ts [--reps 2] [--rate 100] [--down-seconds 5] [--signal SIGKILL]
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { ALERT_JOB, type AlertNotification } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { redisUrl, waitFor } from "@churnwatch/testing";
import { startPrivateKafka, type PrivateKafka } from "../../infra/dev/kafka.ts";
import { benchArgs, cleanupAll, fmt, log, machineLine, percentile, runBench } from "../bench/support.ts";
import { benchKafka, benchLogger, benchProducer, cleanupWorkerState, createBenchTopics, eventTopicNames, workerConfig, workerEnv } from "../bench/liveSupport.ts";
import { spawnWorker } from "../bench/workerProcess.ts";
import { decliningHistory } from "../support/events.ts";
import { repoRoot } from "../support/processes.ts";
import { appliedSampler, steadyLoad } from "./load.ts";
import { diffAgainstOracle, offsetsWith, oracleStates, storedStates } from "./support.ts";

const args = benchArgs(
  import.meta.filename,
  {
    reps: { type: "string", default: "2" },
    rate: { type: "string", default: "100" },
    accounts: { type: "string", default: "20" },
    "down-seconds": { type: "string", default: "5" },
    signal: { type: "string", default: "SIGKILL" },
  },
  { signal: ["SIGKILL", "SIGTERM"] },
);

async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => {
        const a = s.address();
        const p = typeof a === "object" && a ? a.port : 0;
        s.close(() => resolve(p));
      });
    });
    const next = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (next && port < 65_000) return port;
  }
}

interface Run {
  lost: number;
  doubled: number;
  duplicateAlertJobs: number;
  alertJobs: number;
  steadyP50: number;
  steadyP99: number;
  faultP50: number;
  faultP99: number;
  faultMax: number;
  recoverS: number;
  workerSurvived: boolean;
  produced: number;
  producerRetries: number;
}

async function once(rep: number): Promise<Run> {
  const rate = Number(args.rate);
  const port = await freePortPair();
  const dir = join(repoRoot, ".run", "faults", `kafka-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let broker: PrivateKafka = await startPrivateKafka({ port, dir });
  log(`rep ${rep}: private broker on ${port} (pid ${broker.pid})`);
  const brokers = broker.brokers;
  const { id, topics } = await createBenchTopics(brokers, `f-broker-${rep}`);
  const env = workerEnv(brokers, topics, id, { LAG_CHECK_INTERVAL_MS: "1000", SWEEP_INTERVAL_MS: "5000" });
  const config = workerConfig(brokers, topics, id, env);
  const kafka = benchKafka(brokers, benchLogger());
  const producer = benchProducer(kafka);
  const admin = kafka.admin();
  const redis = new Redis(redisUrl());
  const queue = new Queue(config.ALERT_QUEUE, { connection: redis.duplicate() });
  const worker = spawnWorker(env, join(repoRoot, ".run/test-logs", `${id}.log`));
  try {
    await producer.connect();
    await admin.connect();
    await worker.ready;
    const load = steadyLoad(producer, topics, { accounts: Number(args.accounts), ratePerSecond: rate, tag: id });
    const sampler = appliedSampler(redis, config.KEY_PREFIX, load);
    load.start();
    const lag = async () => (await offsetsWith(admin, config.CONSUMER_GROUP, eventTopicNames(topics))).reduce((s, r) => s + r.high - Math.max(r.committed, r.low), 0);
    const steadyFrom = Date.now();
    await waitFor(lag, { until: (l) => l <= rate && Date.now() - steadyFrom > 8_000, timeoutMs: 60_000, intervalMs: 250, description: "steady state" });
    // Accounts that alert live, produced just before the fault: their notifications are in flight during it.
    const now = Date.now();
    const alerting = Array.from({ length: 5 }, (_, i) => decliningHistory(`${id}-alert-${i}`, now, { weekly: 10_000, recentShare: 0.2 })).flat();
    await producer.send({ topic: topics.accounts, messages: alerting.filter((e) => e.type === "account.upserted").map((e) => ({ key: e.accountId, value: JSON.stringify(e) })) });
    await producer.send({ topic: topics.orders, messages: alerting.filter((e) => e.type !== "account.upserted").map((e) => ({ key: e.accountId, value: JSON.stringify(e) })) });
    const steadyTo = Date.now();
    await admin.disconnect();
    const killedAt = Date.now();
    await broker.stop(args.signal === "SIGTERM" ? "SIGTERM" : "SIGKILL");
    log(`rep ${rep}: broker stopped (${args.signal}); down for ${args["down-seconds"]} s`);
    const downUntil = killedAt + Number(args["down-seconds"]) * 1000;
    await waitFor(() => Date.now() >= downUntil, { timeoutMs: 120_000, intervalMs: 100, description: "the outage" });
    broker = await startPrivateKafka({ port, dir });
    const backAt = Date.now();
    log(`rep ${rep}: broker back after ${fmt((backAt - killedAt) / 1000, 1)} s (pid ${broker.pid})`);
    await admin.connect();
    await waitFor(lag, { until: (l) => l <= rate, timeoutMs: 180_000, intervalMs: 200, description: "lag ≤ 1 s of events after the restart" });
    const recoveredAt = Date.now();
    await load.stop();
    await waitFor(lag, { until: (l) => l === 0, timeoutMs: 120_000, intervalMs: 250, description: "lag 0" });
    const events = [...load.produced.map((p) => p.event), ...alerting];
    const accounts = [...new Set(events.map((e) => e.accountId))];
    await waitFor(async () => [...(await storedStates(redis, config.KEY_PREFIX, accounts)).values()].reduce((s, a) => s + a.applied, 0), { until: (n) => n >= new Set(events.map((e) => e.eventId)).size, timeoutMs: 30_000, description: "every event applied" }).catch(() => undefined);
    await sampler.stop();
    // The alerting accounts' notifications reach the queue through a sweep (their history is judged once the
    // worker has caught up) and the outbox relay: wait for one per account, then for the outbox to be empty.
    await waitFor(async () => new Set((await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "prioritized"])).filter((j) => j.name === ALERT_JOB).map((j) => (j.data as AlertNotification).accountId)).size, { until: (k) => k >= 5, timeoutMs: 60_000, intervalMs: 250, description: "an alert job per alerting account" }).catch((err: unknown) => log(String(err)));
    await waitFor(() => redis.llen(`${config.KEY_PREFIX}outbox`), { until: (l) => l === 0, timeoutMs: 30_000, description: "outbox relayed" });
    const oracle = oracleStates(events, defaultConfig);
    const diffs = diffAgainstOracle(oracle, await storedStates(redis, config.KEY_PREFIX, accounts));
    const lost = diffs.reduce((s, d) => s + Math.max(0, d.applied[1] - d.applied[0]), 0);
    const doubled = diffs.reduce((s, d) => s + Math.max(0, d.applied[0] - d.applied[1]), 0);
    if (diffs.some((d) => d.stateDiffers)) log(`state differs from the oracle on ${diffs.filter((d) => d.stateDiffers).length} account(s)`);
    // Alert jobs: one per (alert, kind, level); a second job for the same is a duplicate whatever its id.
    const jobs = (await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "prioritized"])).filter((j) => j.name === ALERT_JOB);
    const keys = jobs.map((j) => {
      const n = j.data as AlertNotification;
      return `${n.alertId}|${n.kind}|${n.level}`;
    });
    // Steady: events sent before the fault whose send was answered before it (a send in flight at the kill waits out the outage).
    const steady = sampler.latencies(steadyFrom, steadyTo - 2_000);
    const fault = sampler.latencies(killedAt - 2_000, recoveredAt);
    let survived = true;
    try {
      worker.assertRunning();
    } catch {
      survived = false;
    }
    return {
      lost,
      doubled,
      duplicateAlertJobs: keys.length - new Set(keys).size,
      alertJobs: jobs.length,
      steadyP50: percentile(steady, 50),
      steadyP99: percentile(steady, 99),
      faultP50: percentile(fault, 50),
      faultP99: percentile(fault, 99),
      faultMax: Math.max(...fault),
      recoverS: (recoveredAt - backAt) / 1000,
      workerSurvived: survived,
      produced: events.length,
      producerRetries: load.retries,
    };
  } finally {
    await cleanupAll([
      ["worker", () => worker.stop()],
      ["producer", () => producer.disconnect()],
      ["admin", () => admin.disconnect()],
      ["queue", () => queue.close()],
      ["worker state", () => cleanupWorkerState(config)],
      ["redis", () => redis.quit()],
      ["broker", () => broker.stop("SIGTERM")],
      ["broker dir", async () => rmSync(dir, { recursive: true, force: true })],
    ]);
  }
}

runBench(async () => {
  const runs: Run[] = [];
  for (let rep = 1; rep <= Number(args.reps); rep++) {
    log(`repetition ${rep}/${args.reps}`);
    runs.push(await once(rep));
  }
  console.log(`broker-restart · ${machineLine()} · ${args.rate} events/s over ${args.accounts} accounts + 5 alerting, 6 partitions, broker ${args.signal}, down ${args["down-seconds"]} s`);
  for (const [i, r] of runs.entries()) {
    console.log(
      `rep ${i + 1}: lost ${r.lost}, counted twice ${r.doubled}, duplicate alert jobs ${r.duplicateAlertJobs} (of ${r.alertJobs}); produce→applied steady p50 ${fmt(r.steadyP50)} / p99 ${fmt(r.steadyP99)} ms, sent from 2 s before the kill to recovery p50 ${fmt(r.faultP50)} / p99 ${fmt(r.faultP99)} ms (max ${fmt(r.faultMax)} ms); broker back → lag ≤ 1 s of events ${fmt(r.recoverS, 1)} s; worker survived ${r.workerSurvived}; events ${r.produced}, producer retries ${r.producerRetries}`,
    );
  }
});
