/**
 * Produce → alert-enqueued latency of the live signal worker at a steady event rate.
 *   pnpm exec tsx test/bench/alert-latency.ts [--rate 2000] [--seconds 30] [--triggers 4] [--reps 3]
 *     [--accounts 1000] [--caught-up-max-lag 5000] [--sweep-ms 60000] [--worker inline|process]
 * Loads a year of history (simulated background accounts plus "trigger" accounts) and waits until the worker
 * has caught up and swept. Each measured phase then streams the background accounts' next events,
 * re-stamped to the wall clock, at `rate` events/s, and `triggers` times a second a live complaint that makes
 * an alert fire at once. Latency = the alert job's BullMQ timestamp − the wall-clock time just before the
 * complaint was sent. Everything (topics, group, queue, keys) is unique to the run and removed at the end.
 * `--worker inline` runs the worker in this process, sharing its event loop with the producer and its pacing
 * timer; `--worker process` runs the worker's real main as a process of its own, as it is deployed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import { loadConfig, type SignalWorkerConfig } from "../../services/signal-worker/src/env.ts";
import { createSignalWorker } from "../../services/signal-worker/src/service.ts";
import { background, checkTriggerScenario, restamp, triggerEvent, triggerHistory } from "./alertScenario.ts";
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
  toTopicMessages,
  watchGroup,
  workerEnv,
  type BenchTopics,
} from "./liveSupport.ts";
import { benchArgs, cleanupAll, fmt, log, machineLine, percentile, progress, runBench, summarize, useKafka } from "./support.ts";
import { spawnWorker, sweepsDone, waitWhileRunning } from "./workerProcess.ts";
import { waitFor } from "@churnwatch/testing";
import type { Admin, Producer } from "kafkajs";

const args = benchArgs(
  import.meta.url,
  {
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "30" },
    triggers: { type: "string", default: "4" },
    reps: { type: "string", default: "3" },
    accounts: { type: "string", default: "1000" },
    months: { type: "string", default: "12" },
    seed: { type: "string", default: "42" },
    "caught-up-max-lag": { type: "string", default: "5000" },
    "sweep-ms": { type: "string", default: "60000" },
    worker: { type: "string", default: "inline" },
  },
  { worker: ["inline", "process"] },
);

const HOUR = 3_600_000;
const TICK_MS = 20;

interface Phase {
  sent: number;
  elapsedMs: number;
  /** wall-clock ms just before the send that carried each trigger account's live complaint */
  sentAt: Map<string, number>;
  maxBacklog: number;
}

/** Streams `rate` events/s for `seconds`, paced against the clock (a late tick sends more, never fewer). */
async function streamPhase(producer: Producer, topics: BenchTopics, supply: Iterator<ChurnEvent>, triggers: string[], rep: number, lagOf: () => number): Promise<Phase> {
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const perSecond = Number(args.triggers);
  const sentAt = new Map<string, number>();
  const bar = progress(`rep ${rep} streaming`, rate * seconds);
  const t0 = Date.now();
  let sent = 0;
  let fired = 0;
  let maxBacklog = 0;
  for (;;) {
    const now = Date.now();
    const elapsed = now - t0;
    if (elapsed >= seconds * 1000) break;
    const due = Math.floor((rate * elapsed) / 1000) - sent;
    const dueTriggers = Math.min(triggers.length, Math.floor((perSecond * elapsed) / 1000) + 1) - fired;
    const batch: ChurnEvent[] = [];
    for (let i = 0; i < dueTriggers; i++) {
      const accountId = triggers[fired + i] as string;
      batch.push(triggerEvent(accountId, now));
      sentAt.set(accountId, now);
    }
    fired += dueTriggers;
    for (let i = batch.length; i < due; i++) {
      const next = supply.next();
      if (next.done) throw new Error("the background accounts ran out of future events; raise --accounts");
      batch.push(restamp(next.value, now));
    }
    if (batch.length > 0) await producer.sendBatch({ topicMessages: toTopicMessages(batch, topics) });
    sent += batch.length;
    maxBacklog = Math.max(maxBacklog, lagOf());
    bar.update(sent);
    const wait = TICK_MS - (Date.now() - now);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  bar.stop();
  return { sent, elapsedMs: Date.now() - t0, sentAt, maxBacklog };
}

/** The worker under test, wherever it runs. */
interface LatencyWorker {
  start(): Promise<void>;
  /** Throws if the worker has died (checked while waiting for it). */
  check(): void;
  /**
   * Returns once the history is loaded and a sweep that began after it has ticked every account at "now",
   * so the alerts the history owes are out before anything is measured.
   */
  settle(): Promise<void>;
  /** The group lag the worker last measured. */
  lag(): number;
  stop(): Promise<void>;
}

const outboxEmpty = async (redis: Redis, config: SignalWorkerConfig) => (await redis.llen(`${config.KEY_PREFIX}outbox`)) === 0;

function inlineWorker(config: SignalWorkerConfig, logger: Logger, redis: Redis): LatencyWorker {
  const worker = createSignalWorker(config, { logger });
  return {
    start: () => worker.start(),
    check: () => undefined,
    async settle() {
      await waitFor(() => worker.lag.isCaughtUp(), { timeoutMs: 600_000, intervalMs: 200, description: "the worker to catch up" });
      // A sweep of our own succeeds only once any sweep in progress is over.
      await waitFor(async () => (await worker.sweep()) !== undefined, { timeoutMs: 600_000, intervalMs: 500, description: "a sweep of our own" });
      await waitFor(() => outboxEmpty(redis, config), { timeoutMs: 60_000, description: "the outbox to drain" });
    },
    lag: () => worker.lag.totalLag(),
    stop: () => worker.stop(),
  };
}

function processWorker(env: Record<string, string>, config: SignalWorkerConfig, logFile: string, redis: Redis): LatencyWorker {
  const worker = spawnWorker(env, logFile);
  let lag = 0;
  let poller: NodeJS.Timeout | undefined;
  return {
    async start() {
      await worker.ready;
      // The lag the worker itself measured (its consumer-lag gauge), as the inline run reads it.
      poller = setInterval(() => {
        worker.metrics().then(
          (m) => void (lag = m.get("churnwatch_consumer_lag") ?? lag),
          () => undefined,
        );
      }, 250);
    },
    check: () => worker.assertRunning(),
    async settle() {
      // Sweeps run on the worker's own timer: wait for one that began after the load (a sweep already under
      // way when the group reached lag 0, holding the lock, may have missed the last accounts).
      const swept = await sweepsDone(worker);
      const inProgress = (await redis.exists(`${config.KEY_PREFIX}sweep-lock`)) === 1;
      const wanted = swept + (inProgress ? 2 : 1);
      await waitWhileRunning(worker, "a sweep after the load", async () => (await sweepsDone(worker)) >= wanted, 600_000);
      await waitWhileRunning(worker, "the outbox to drain", () => outboxEmpty(redis, config), 60_000);
    },
    lag: () => lag,
    async stop() {
      clearInterval(poller);
      await worker.stop();
    },
  };
}

async function alertJobs(queue: Queue): Promise<Job[]> {
  return queue.getJobs(["waiting", "prioritized", "delayed", "paused", "active", "completed", "failed"], 0, -1);
}

async function main(): Promise<void> {
  checkTriggerScenario(Date.now());
  const infra = await useKafka();
  const logger = benchLogger();
  const kafka = benchKafka(infra.brokers, logger);
  const admin: Admin = kafka.admin();
  const producer = benchProducer(kafka);
  const reps = Number(args.reps);
  const perPhase = Number(args.triggers) * Number(args.seconds) + 1;
  let topics: BenchTopics | undefined;
  let worker: LatencyWorker | undefined;
  let config: SignalWorkerConfig | undefined;
  const dir = await mkdtemp(join(tmpdir(), "churnwatch-bench-latency-"));
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  let queueConnection: Redis | undefined;
  let queue: Queue | undefined;
  try {
    await admin.connect();
    await producer.connect();
    const created = await createBenchTopics(infra.brokers, "bench-latency");
    topics = created.topics;
    const env = workerEnv(infra.brokers, topics, `${created.id}-w`, {
      CAUGHT_UP_MAX_LAG: args["caught-up-max-lag"],
      LAG_CHECK_INTERVAL_MS: "1000",
      SWEEP_INTERVAL_MS: args["sweep-ms"],
    });
    config = loadConfig(env);
    queueConnection = new Redis(config.REDIS_URL);
    queue = new Queue(config.ALERT_QUEUE, { connection: queueConnection });

    // History ends two hours ago: older than LIVE_WINDOW_MS (1 h), so loading it never notifies by itself.
    const historyEndMs = Date.now() - 2 * HOUR;
    const world = background({ seed: Number(args.seed), accounts: Number(args.accounts), months: Number(args.months), endMs: historyEndMs });
    const triggerIds = Array.from({ length: reps * perPhase }, (_, i) => `${created.id}-trigger-${i}`);
    const history: ChurnEvent[] = [...world.history(), ...triggerIds.flatMap((id) => triggerHistory(id, historyEndMs))];
    log(`loading ${fmt(history.length)} history events (${args.accounts} background accounts × ${args.months} months, ${triggerIds.length} trigger accounts)`);
    await produceAll(producer, history, topics, "producing history");

    worker = args.worker === "process" ? processWorker(env, config, join(dir, "worker.log"), redis) : inlineWorker(config, logger, redis);
    const w = worker;
    const loadStart = performance.now();
    await w.start();
    const ends = await highWatermarks(admin, eventTopicNames(topics));
    await watchGroup(admin, config.CONSUMER_GROUP, eventTopicNames(topics), [...ends.values()].reduce((a, b) => a + b, 0), {
      label: "worker loading history",
      intervalMs: 250,
      check: () => w.check(),
    });
    await w.settle();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const alertsBefore = (await alertJobs(queue)).length;
    log(`history loaded, caught up and swept in ${fmt(loadSeconds, 1)} s; ${alertsBefore} alerts from the history's own firing accounts`);

    const supply = world.future()[Symbol.iterator]();
    const results: Array<{ phase: Phase; latencies: number[]; missing: number; drainMs: number }> = [];
    for (let rep = 1; rep <= reps; rep++) {
      const triggers = triggerIds.slice((rep - 1) * perPhase, rep * perPhase);
      const phase = await streamPhase(producer, topics, supply, triggers, rep, () => w.lag());
      const drainStart = performance.now();
      const wanted = new Set(phase.sentAt.keys());
      // Alerts still on their way once the stream stops are waited for (bounded), and reported if missing.
      const jobs = await waitFor(() => alertJobs(queue as Queue), {
        until: (all) => all.filter((j) => wanted.has((j.data as { accountId: string }).accountId)).length >= wanted.size,
        timeoutMs: 120_000,
        intervalMs: 250,
        description: "every trigger's alert",
      }).catch(async () => alertJobs(queue as Queue));
      const drainMs = performance.now() - drainStart;
      const latencies: number[] = [];
      for (const job of jobs) {
        const data = job.data as { accountId: string; rule: string };
        const at = phase.sentAt.get(data.accountId);
        if (at !== undefined && data.rule === "complaints.spike") latencies.push(job.timestamp - at);
      }
      results.push({ phase, latencies, missing: wanted.size - latencies.length, drainMs });
      log(`rep ${rep}: sent ${fmt(phase.sent)} in ${fmt(phase.elapsedMs / 1000, 1)} s, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`);
    }
    const alertsAfter = (await alertJobs(queue)).length;

    console.log(`alert-latency · ${machineLine()}`);
    console.log(
      `worker (${args.worker === "process" ? "a process of its own" : "in this process"}): CAUGHT_UP_MAX_LAG=${config.CAUGHT_UP_MAX_LAG}, LAG_CHECK_INTERVAL_MS=${config.LAG_CHECK_INTERVAL_MS}, SWEEP_INTERVAL_MS=${config.SWEEP_INTERVAL_MS}, LIVE_WINDOW_MS=${config.LIVE_WINDOW_MS}, PARTITION_CONCURRENCY=${config.PARTITION_CONCURRENCY}, STATE_CACHE_MB=${config.STATE_CACHE_MB}, ${ends.size / 4} partitions per topic`,
    );
    console.log(`history: ${fmt(history.length)} events, loaded + caught up + swept in ${fmt(loadSeconds, 1)} s; target ${args.rate} events/s for ${args.seconds} s, ${args.triggers} alert-making events/s`);
    for (const [i, r] of results.entries()) {
      const achieved = (r.phase.sent / r.phase.elapsedMs) * 1000;
      console.log(
        `rep ${i + 1}: achieved ${fmt(achieved)} events/s; latency p50 ${fmt(percentile(r.latencies, 50))} ms, p99 ${fmt(percentile(r.latencies, 99))} ms, max ${fmt(Math.max(...r.latencies))} ms over ${r.latencies.length} alerts` +
          `${r.missing > 0 ? `, ${r.missing} MISSING` : ""}; peak group lag seen ${fmt(r.phase.maxBacklog)}; last alert ${fmt(r.drainMs)} ms after the stream stopped`,
      );
    }
    const all = results.flatMap((r) => r.latencies);
    const p50s = summarize(results.map((r) => percentile(r.latencies, 50)));
    const p99s = summarize(results.map((r) => percentile(r.latencies, 99)));
    console.log(`all reps pooled: p50 ${fmt(percentile(all, 50))} ms, p99 ${fmt(percentile(all, 99))} ms, max ${fmt(Math.max(...all))} ms (n=${all.length})`);
    console.log(`per-rep p50: median ${fmt(p50s.median)} ms (min ${fmt(p50s.min)}, max ${fmt(p50s.max)}); per-rep p99: median ${fmt(p99s.median)} ms (min ${fmt(p99s.min)}, max ${fmt(p99s.max)})`);
    console.log(`other alerts enqueued during the phases (background accounts): ${alertsAfter - alertsBefore - all.length}`);
  } finally {
    const t = topics;
    const c = config;
    await cleanupAll([
      ["worker", async () => worker?.stop()],
      ["queue", async () => { await queue?.close(); await queueConnection?.quit(); }],
      ["worker state", async () => { if (c) await cleanupWorkerState(c); }],
      ["redis", () => redis.quit()],
      ["producer", () => producer.disconnect()],
      ["consumer group", async () => { if (c) await deleteGroups(admin, [c.CONSUMER_GROUP]); }],
      ["admin", () => admin.disconnect()],
      ["topics", async () => { if (t) await deleteBenchTopics(infra.brokers, t); }],
      ["logs", () => rm(dir, { recursive: true, force: true })],
      ["kafka", () => infra.release()],
    ]);
  }
}

runBench(main);
