/**
 * Live signal-worker throughput against a bare kafkajs consumer of the same topics, in the same run.
 *   pnpm exec tsx test/bench/live-throughput.ts [--accounts 300] [--months 24] [--seed 42] [--reps 3] [--no-live]
 *     [--phase all|history|live] (history or live alone, once, is what to run under `node --import tsx --cpu-prof`)
 * Produces the simulator's history once to fresh topics, then per repetition drains them with
 *   (a) a bare consumer (the worker's consumer settings, eachBatch, no processing, commits per batch),
 *   (b) the real worker in-process (history mode: old events are recorded, as a backfill does),
 *   (c) the real worker with every event treated as live (full evaluation + notifications), unless --no-live,
 *   (d) the bare consumer decoding each message with the wire contract (JSON + zod), as the worker must: its
 *       ceiling, however fast the rest.
 * Each run has its own group, queue and key prefix; everything is deleted at the end.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Admin, Kafka } from "kafkajs";
import { decodeEvent } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { createSignalWorker } from "../../services/signal-worker/src/service.ts";
import type { SignalWorkerConfig } from "../../services/signal-worker/src/env.ts";
import {
  benchKafka,
  benchLogger,
  benchProducer,
  cleanupWorkerState,
  createBenchTopics,
  deleteBenchTopics,
  deleteGroups,
  eventTopicNames,
  highWatermarks,
  produceAll,
  watchGroup,
  workerConfig,
  type BenchTopics,
  type DrainTiming,
} from "./liveSupport.ts";
import { benchArgs, cleanupAll, describeSummary, fmt, log, machineLine, runBench, summarize, useKafka } from "./support.ts";

const args = benchArgs(
  import.meta.url,
  {
    accounts: { type: "string", default: "300" },
    months: { type: "string", default: "24" },
    seed: { type: "string", default: "42" },
    reps: { type: "string", default: "3" },
    end: { type: "string", default: "2026-11-01T00:00:00Z" },
    "no-live": { type: "boolean", default: false },
    phase: { type: "string", default: "all" },
  },
  { phase: ["all", "history", "live"] },
);

/** Every event inside the live window and the group counted as caught up: full evaluation on each batch. */
const allLive = { LIVE_WINDOW_MS: String(20 * 365 * 86_400_000), CAUGHT_UP_MAX_LAG: String(1e9) };

interface Run {
  timing: DrainTiming;
  startedMs: number;
}

const steadyRate = (r: Run, total: number) => ((total - r.timing.committedAtFirst) / (r.timing.doneMs - r.timing.firstCommitMs)) * 1000;
const wallRate = (r: Run, total: number) => (total / (r.timing.doneMs - r.startedMs)) * 1000;

/**
 * (a) The floor: the worker's consumer settings and commit pattern, with no work in between. With `decode`,
 * (d): each message is also decoded and validated, which the worker cannot skip.
 */
async function bareRun(kafka: Kafka, admin: Admin, topics: BenchTopics, groupId: string, total: number, sessionTimeout: number, decode = false): Promise<Run> {
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
  });
  const startedMs = performance.now();
  // The bare run is over in a fraction of a second, too short for the 50 ms watcher: it times itself too.
  let firstBatchMs: number | undefined;
  let lastCommitMs = 0;
  let done = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: eventTopicNames(topics), fromBeginning: true });
    await consumer.run({
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        if (batch.isEmpty()) return;
        firstBatchMs ??= performance.now();
        if (decode) {
          for (const m of batch.messages) if (!decodeEvent(m.value).ok) throw new Error(`invalid message at offset ${m.offset}`);
        }
        // Counted before the commit: the watcher may see the last commit before this callback resumes.
        done += batch.messages.length;
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        await heartbeat();
        lastCommitMs = performance.now();
      },
    });
    const watched = await watchGroup(admin, groupId, eventTopicNames(topics), total, { label: "bare consumer (a)" });
    if (done < total) throw new Error(`bare consumer saw ${done} of ${total} messages`);
    const timing = { firstCommitMs: firstBatchMs ?? watched.firstCommitMs, committedAtFirst: 0, doneMs: lastCommitMs };
    return { timing, startedMs };
  } finally {
    await consumer.disconnect();
  }
}

/** (b)/(c) The real worker, in-process, until its group has committed everything. */
async function workerRun(admin: Admin, topics: BenchTopics, config: SignalWorkerConfig, total: number, label: string): Promise<Run & { applied: number; alerts: number }> {
  const worker = createSignalWorker(config, { logger: benchLogger() });
  const startedMs = performance.now();
  let timing: DrainTiming;
  try {
    await worker.start();
    timing = await watchGroup(admin, config.CONSUMER_GROUP, eventTopicNames(topics), total, { label });
  } finally {
    await worker.stop();
  }
  const { applied, alerts } = await appliedAndAlerts(config);
  return { timing, startedMs, applied, alerts };
}

/** Events counted into account state (atomically with it) and alert jobs enqueued, read back from Redis. */
async function appliedAndAlerts(config: SignalWorkerConfig): Promise<{ applied: number; alerts: number }> {
  const redis = new Redis(config.REDIS_URL);
  const queueConnection = redis.duplicate();
  const queue = new Queue(config.ALERT_QUEUE, { connection: queueConnection });
  try {
    const ids = await redis.smembers(`${config.KEY_PREFIX}accounts`);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(`${config.KEY_PREFIX}account:${id}`, "n");
    const results = (await pipeline.exec()) ?? [];
    const applied = results.reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
    const counts = await queue.getJobCounts("waiting", "delayed", "prioritized", "paused", "active", "completed", "failed");
    const alerts = Object.values(counts).reduce((a, b) => a + b, 0);
    return { applied, alerts };
  } finally {
    await queue.close();
    await queueConnection.quit();
    await redis.quit();
  }
}

async function main(): Promise<void> {
  const infra = await useKafka();
  const logger = benchLogger();
  const kafka = benchKafka(infra.brokers, logger);
  const admin = kafka.admin();
  const producer = benchProducer(kafka);
  let topics: BenchTopics | undefined;
  const groups: string[] = [];
  const configs: SignalWorkerConfig[] = [];
  try {
    await admin.connect();
    await producer.connect();
    const created = await createBenchTopics(infra.brokers, "bench-live");
    topics = created.topics;
    const events = [...simulate({ seed: Number(args.seed), accounts: Number(args.accounts), months: Number(args.months), end: args.end })];
    log(`producing ${fmt(events.length)} simulator events (${args.accounts} accounts × ${args.months} months) to ${created.id}.*`);
    await produceAll(producer, events, topics, "producing");
    const ends = await highWatermarks(admin, eventTopicNames(topics));
    const total = [...ends.values()].reduce((a, b) => a + b, 0);

    if (args.phase === "history" || args.phase === "live") {
      const config = workerConfig(infra.brokers, topics, `${created.id}-${args.phase}`, args.phase === "live" ? allLive : {});
      configs.push(config);
      groups.push(config.CONSUMER_GROUP);
      const run = await workerRun(admin, topics, config, total, `worker, ${args.phase} only`);
      console.log(`worker, ${args.phase} only: ${fmt(steadyRate(run, total))} events/s; applied ${fmt(run.applied)} of ${fmt(total)}`);
      return;
    }
    const reps = Number(args.reps);
    const rates = { bare: [] as number[], history: [] as number[], live: [] as number[], decoded: [] as number[] };
    const walls = { bare: [] as number[], history: [] as number[], live: [] as number[], decoded: [] as number[] };
    const notes: string[] = [];
    for (let i = 1; i <= reps; i++) {
      const bareGroup = `${created.id}-bare-${i}`;
      groups.push(bareGroup);
      const a = await bareRun(kafka, admin, topics, bareGroup, total, 30_000);
      rates.bare.push(steadyRate(a, total));
      walls.bare.push(wallRate(a, total));

      const historyConfig = workerConfig(infra.brokers, topics, `${created.id}-w${i}`);
      configs.push(historyConfig);
      groups.push(historyConfig.CONSUMER_GROUP);
      const b = await workerRun(admin, topics, historyConfig, total, "worker, history (b)");
      rates.history.push(steadyRate(b, total));
      walls.history.push(wallRate(b, total));
      notes.push(`rep ${i} (b): applied ${fmt(b.applied)} of ${fmt(total)}, ${fmt(b.alerts)} alert jobs`);

      let line = `rep ${i}: bare ${fmt(steadyRate(a, total))}/s, worker history ${fmt(steadyRate(b, total))}/s`;
      if (!args["no-live"]) {
        const liveConfig = workerConfig(infra.brokers, topics, `${created.id}-l${i}`, allLive);
        configs.push(liveConfig);
        groups.push(liveConfig.CONSUMER_GROUP);
        const c = await workerRun(admin, topics, liveConfig, total, "worker, all live (c)");
        rates.live.push(steadyRate(c, total));
        walls.live.push(wallRate(c, total));
        notes.push(`rep ${i} (c): applied ${fmt(c.applied)} of ${fmt(total)}, ${fmt(c.alerts)} alert jobs`);
        line += `, worker all-live ${fmt(steadyRate(c, total))}/s`;
      }
      const decodedGroup = `${created.id}-decoded-${i}`;
      groups.push(decodedGroup);
      const d = await bareRun(kafka, admin, topics, decodedGroup, total, 30_000, true);
      rates.decoded.push(steadyRate(d, total));
      walls.decoded.push(wallRate(d, total));
      line += `, bare + decode ${fmt(steadyRate(d, total))}/s`;
      console.log(line); // per repetition, so a run cut short still leaves its figures
      // Each run's Redis state goes as soon as it is measured, so runs never share a growing keyspace.
      for (const c of configs.splice(0)) await cleanupWorkerState(c);
    }

    const ratio = (xs: number[]) => xs.map((x, i) => x / (rates.bare[i] as number));
    console.log(`live-throughput · ${machineLine()}`);
    console.log(`input: ${fmt(total)} events on 4 topics × ${ends.size / 4} partitions (${args.accounts} accounts × ${args.months} months, seed ${args.seed}); ${reps} repetition(s)`);
    console.log("worker rates are steady-state: first committed offset to group lag 0, polled every 50 ms; the bare rate is first batch to last commit, timed inside eachBatch; wall includes start-up and group join");
    console.log(`(a) bare kafkajs consumer:          ${describeSummary(summarize(rates.bare), "events/s")}; wall ${describeSummary(summarize(walls.bare), "events/s")}`);
    console.log(`(b) signal worker, history mode:    ${describeSummary(summarize(rates.history), "events/s")}; wall ${describeSummary(summarize(walls.history), "events/s")}`);
    const rb = summarize(ratio(rates.history));
    console.log(`    ratio b/a: ${describeSummary(rb, "", 3)} — goal ≥ 0.6: ${rb.median >= 0.6 ? "met" : "NOT met"}`);
    if (rates.live.length > 0) {
      console.log(`(c) signal worker, every event live: ${describeSummary(summarize(rates.live), "events/s")}; wall ${describeSummary(summarize(walls.live), "events/s")}`);
      const rc = summarize(ratio(rates.live));
      console.log(`    ratio c/a: ${describeSummary(rc, "", 3)} — goal ≥ 0.6: ${rc.median >= 0.6 ? "met" : "NOT met"}`);
    }
    console.log(`(d) bare consumer + decodeEvent:     ${describeSummary(summarize(rates.decoded), "events/s")}; wall ${describeSummary(summarize(walls.decoded), "events/s")}`);
    console.log(`    ratio d/a: ${describeSummary(summarize(ratio(rates.decoded)), "", 3)} — the ceiling of b/a and c/a: the worker must decode every message`);
    for (const n of notes) console.log(`    ${n}`);
  } finally {
    const t = topics;
    await cleanupAll([
      ["worker state", async () => { for (const c of configs) await cleanupWorkerState(c); }],
      ["producer", () => producer.disconnect()],
      ["consumer groups", () => deleteGroups(admin, groups)],
      ["admin", () => admin.disconnect()],
      ["topics", async () => { if (t) await deleteBenchTopics(infra.brokers, t); }],
      ["kafka", () => infra.release()],
    ]);
  }
}

runBench(main);
