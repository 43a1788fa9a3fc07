// Overload and soak of the signal worker, as a process of its own, with its resident memory read from
// /proc/<pid>/status every second (and the notifier's, in a soak with --notifier) and the group's lag.
//
// Overload (the default): calibrates first, unless --rate is given: a backlog of --calibrate-events orders is
// produced before the worker starts, and the worker's drain rate is its sustainable throughput. Then orders at
// --factor × that rate for --overload-seconds while the worker runs; then the load stops and the worker drains.
// Reports RSS at the start, the peak and at the end, whether it stayed bounded, the lag reached and the drain
// time (overload end → lag 0).
//
// Soak (--soak-minutes n): orders at the steady --soak-rate for n minutes; reports each process's first and last
// RSS, its peak, and the slope of a least-squares line through the second half of the samples (MB/hour).
//
//   pnpm exec tsx test/faults/overload.ts [--factor 2] [--overload-seconds 60] [--calibrate-events 200000] [--rate 0]
//   pnpm exec tsx test/faults/overload.ts --soak-minutes 60 [--soak-rate 300] [--notifier] [--samples .run/faults/soak.ndjson]
//
// Redis is a redis-server of the script's own (every event leaves a dedupe marker: millions of keys have no
// place in the shared Redis); the shared broker gets topics and a group of the script's own (`soak-…`), deleted
// at the end.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Admin } from "kafkajs";
import { waitFor } from "@churnwatch/testing";
import { benchArgs, cleanupAll, fmt, log, machineLine, runBench, useKafka } from "../bench/support.ts";
import { benchKafka, benchLogger, benchProducer, cleanupWorkerState, createBenchTopics, deleteBenchTopics, deleteGroups, eventTopicNames, PARTITIONS, workerConfig, workerEnv, type BenchTopics } from "../bench/liveSupport.ts";
import { processMemory, spawnWorker, type WorkerProcess } from "../bench/workerProcess.ts";
import { isolatedPipeline } from "../support/pipeline.ts";
import { repoRoot, startService, stopService, type RunningService } from "../support/processes.ts";
import { steadyLoad, type SteadyLoad } from "./load.ts";
import { notifierReady } from "./notifierKill.ts";
import { offsetsWith, startPrivateRedis } from "./support.ts";

const args = benchArgs(import.meta.filename, {
  factor: { type: "string", default: "2" },
  "overload-seconds": { type: "string", default: "60" },
  "calibrate-events": { type: "string", default: "200000" },
  /** events/s taken as the worker's sustainable rate; 0 calibrates */
  rate: { type: "string", default: "0" },
  accounts: { type: "string", default: "5000" },
  "soak-minutes": { type: "string", default: "0" },
  "soak-rate": { type: "string", default: "300" },
  notifier: { type: "boolean", default: false },
  samples: { type: "string", default: ".run/faults/overload-samples.ndjson" },
});

const MB = 1024 * 1024;
const YEAR = 365 * 86_400_000;

interface Sample {
  /** seconds since the sampler started */
  t: number;
  lag: number;
  /** RSS in MB per process name */
  rss: Record<string, number>;
}

/**
 * Every second: each process's VmRSS (from outside: sampling costs the process nothing) and the group's lag.
 * Each sample is also appended to `file` as a JSON line, so a long soak can be followed while it runs.
 */
function resourceSampler(processes: Record<string, number>, lag: () => Promise<number>, file: string) {
  const samples: Sample[] = [];
  const start = Date.now();
  let running = true;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const rss: Record<string, number> = {};
      for (const [name, pid] of Object.entries(processes)) rss[name] = (await processMemory(pid)).rss / MB;
      const sample = { t: (at - start) / 1000, lag: await lag(), rss };
      samples.push(sample);
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
      const wait = at + 1_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    samples,
    last: () => samples[samples.length - 1],
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The lag of the last sample before `t`. */
const lagBefore = (samples: readonly Sample[], t: number) => samples.filter((x) => x.t <= t).at(-1)?.lag ?? 0;

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const rssLine = (samples: readonly Sample[], name: string, from = 0) => {
  const mine = samples.filter((s) => s.t >= from).map((s) => s.rss[name] ?? 0);
  return { first: mine[0] ?? 0, last: mine[mine.length - 1] ?? 0, peak: Math.max(...mine) };
};

type Load = Pick<SteadyLoad, "start" | "stop" | "sent">;

/**
 * `parts` steady loads side by side, each with its share of the rate and of the accounts: one load waits for
 * each send before the next, which on this machine tops out near 8,000 events/s, short of twice the worker.
 */
function parallelLoads(producer: ReturnType<typeof benchProducer>, topics: BenchTopics, opts: { accounts: number; rate: number; tag: string; seconds: number }, parts: number): Load {
  const stepMs = Math.floor((YEAR * 0.9) / ((opts.rate / parts) * opts.seconds));
  const loads = Array.from({ length: parts }, (_, i) =>
    steadyLoad(producer, topics, { accounts: Math.ceil(opts.accounts / parts), ratePerSecond: opts.rate / parts, tag: `${opts.tag}-${i}`, log: false, stepMs }),
  );
  return {
    get sent() {
      return loads.reduce((sum, l) => sum + l.sent, 0);
    },
    start: () => loads.forEach((l) => l.start()),
    stop: async () => void (await Promise.all(loads.map((l) => l.stop()))),
  };
}

/** Runs the load at `rate` until `until` holds (checked every second), logging progress every 30 s. */
async function runLoad(load: Load, worker: WorkerProcess, sampler: ReturnType<typeof resourceSampler>, label: string, until: () => boolean): Promise<void> {
  load.start();
  let lastLog = Date.now();
  while (!until()) {
    worker.assertRunning();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (Date.now() - lastLog >= 30_000) {
      const s = sampler.last();
      log(`${label}: ${fmt(load.sent)} events sent, lag ${fmt(s?.lag ?? 0)}, RSS ${Object.entries(s?.rss ?? {}).map(([n, v]) => `${n} ${fmt(v)} MB`).join(", ")}`);
      lastLog = Date.now();
    }
  }
  await load.stop();
}

/** A backlog produced before the worker starts, then drained: events/s from the first commit to lag 0. */
async function calibrate(admin: Admin, producer: ReturnType<typeof benchProducer>, topics: BenchTopics, groupId: string, id: string, start: () => WorkerProcess): Promise<{ rate: number; worker: WorkerProcess }> {
  const events = Number(args["calibrate-events"]);
  const backlog = steadyLoad(producer, topics, { accounts: Number(args.accounts), ratePerSecond: 50_000, tag: `${id}-cal`, log: false, stepMs: Math.floor((YEAR * 0.9) / events) });
  log(`calibration: producing a backlog of ${fmt(events)} orders`);
  backlog.start();
  await waitFor(async () => backlog.sent >= events, { timeoutMs: 600_000, intervalMs: 200, description: "the calibration backlog" });
  await backlog.stop();
  const total = backlog.sent;
  const worker = start();
  await worker.ready;
  const committed = async () => (await offsetsWith(admin, groupId, eventTopicNames(topics))).reduce((sum, r) => sum + Math.max(0, r.committed), 0);
  const first = await waitFor(async () => {
    const c = await committed();
    return c > 0 ? { at: Date.now(), c } : false;
  }, { timeoutMs: 120_000, intervalMs: 100, description: "the first commit" });
  const doneAt = await waitFor(async () => ((await committed()) >= total ? Date.now() : false), { timeoutMs: 900_000, intervalMs: 200, description: "the calibration backlog drained" });
  const rate = ((total - first.c) / (doneAt - first.at)) * 1000;
  log(`calibration: ${fmt(total)} events drained at ${fmt(rate)} events/s`);
  return { rate, worker };
}

runBench(async () => {
  const kafka = await useKafka();
  const soakMinutes = Number(args["soak-minutes"]);
  const mode = soakMinutes > 0 ? "soak" : "overload";
  const redis = await startPrivateRedis(join(repoRoot, ".run/faults/overload-redis"));
  if (!redis) throw new Error("redis-server is not installed: this benchmark runs its own");
  const brokers = kafka.brokers;
  const { id, topics } = await createBenchTopics(brokers, `soak-${mode}`);
  const env = workerEnv(brokers, topics, id, { REDIS_URL: redis.url, LAG_CHECK_INTERVAL_MS: "1000" });
  const config = workerConfig(brokers, topics, id, env);
  const client = benchKafka(brokers, benchLogger());
  const producer = benchProducer(client);
  const admin = client.admin();
  const logDir = join(repoRoot, ".run/test-logs");
  mkdirSync(logDir, { recursive: true });
  const workers: WorkerProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let notifier: RunningService | undefined;
  const startWorker = () => {
    const w = spawnWorker(env, join(logDir, `${id}-worker.log`));
    workers.push(w);
    return w;
  };
  const lag = async () => (await offsetsWith(admin, config.CONSUMER_GROUP, eventTopicNames(topics))).reduce((sum, r) => sum + r.high - Math.max(r.committed, r.low), 0);
  try {
    await producer.connect();
    await admin.connect();
    const accounts = Number(args.accounts);
    if (mode === "overload") {
      let sustainable = Number(args.rate);
      let worker: WorkerProcess;
      if (sustainable > 0) {
        worker = startWorker();
        await worker.ready;
      } else {
        ({ rate: sustainable, worker } = await calibrate(admin, producer, topics, config.CONSUMER_GROUP, id, startWorker));
      }
      const factor = Number(args.factor);
      const seconds = Number(args["overload-seconds"]);
      const rate = Math.round(sustainable * factor);
      const sampler = resourceSampler({ worker: worker.pid }, lag, join(repoRoot, args.samples));
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // a few samples of the worker at rest first
      const parts = 4;
      const load = parallelLoads(producer, topics, { accounts, rate, tag: `${id}-load`, seconds }, parts);
      log(`overload: ${fmt(rate)} events/s (${factor} × ${fmt(sustainable)}) for ${seconds} s`);
      const loadStart = Date.now();
      const startT = sampler.last()?.t ?? 0;
      await runLoad(load, worker, sampler, "overload", () => Date.now() - loadStart >= seconds * 1000);
      const loadEnd = Date.now();
      const endT = (loadEnd - loadStart) / 1000 + startT;
      const achieved = ((load.sent - parts * Math.ceil(accounts / parts)) / (loadEnd - loadStart)) * 1000; // the account.upserted first aside
      const lagAtEnd = await lag();
      // What the worker managed while the producer shared the machine with it: sent minus what piled up.
      const lagAtStart = lagBefore(sampler.samples, startT);
      const consumed = ((achieved * (loadEnd - loadStart)) / 1000 - (lagAtEnd - lagAtStart)) / ((loadEnd - loadStart) / 1000);
      const drainMs = await waitFor(async () => ((await lag()) === 0 ? Date.now() - loadEnd : false), { timeoutMs: 1_800_000, intervalMs: 200, description: "lag 0 after the overload" });
      await new Promise((resolve) => setTimeout(resolve, 10_000)); // RSS after the drain, once the worker is idle again
      await sampler.stop();
      const s = sampler.samples;
      const atRest = s.filter((x) => x.t < startT).map((x) => x.rss.worker ?? 0);
      const during = s.filter((x) => x.t >= startT && x.t <= endT);
      const peak = Math.max(...s.map((x) => x.rss.worker ?? 0));
      // RSS at each quarter of the overload: bounded memory levels off, a leak or an unbounded buffer climbs.
      const quarters = [0.25, 0.5, 0.75, 1].map((q) => during.filter((x) => x.t <= startT + q * (endT - startT)).at(-1)?.rss.worker ?? 0);
      console.log(`overload · ${machineLine()} · ${accounts} accounts, ${PARTITIONS} partitions, history orders, worker in its own process`);
      console.log(`sustainable rate: ${fmt(sustainable)} events/s (${Number(args.rate) > 0 ? "given" : `calibrated: a backlog of ${fmt(Number(args["calibrate-events"]))} drained`})`);
      console.log(`overload: asked ${fmt(rate)} events/s for ${seconds} s, achieved ${fmt(achieved)} events/s (${fmt(achieved / sustainable, 2)} × sustainable), ${fmt(load.sent)} events; lag at the end ${fmt(lagAtEnd)}, max ${fmt(Math.max(...s.map((x) => x.lag)))}`);
      console.log(`the worker meanwhile consumed ${fmt(consumed)} events/s (sent − lag growth): arrivals at ${fmt(achieved / consumed, 2)} × what it kept up with while sharing the machine with the producer`);
      console.log(`worker RSS: at rest ${fmt(atRest[atRest.length - 1] ?? 0)} MB, peak ${fmt(peak)} MB, end of the overload ${fmt(during[during.length - 1]?.rss.worker ?? 0)} MB, after the drain ${fmt(s[s.length - 1]?.rss.worker ?? 0)} MB; at each quarter of the overload ${quarters.map((q) => fmt(q)).join(" / ")} MB`);
      console.log(`drain: overload end → lag 0 in ${fmt(drainMs / 1000, 1)} s (${fmt(lagAtEnd / (drainMs / 1000))} events/s)`);
    } else {
      const worker = startWorker();
      await worker.ready;
      const processes: Record<string, number> = { worker: worker.pid };
      if (args.notifier) {
        // The notifier of an isolated pipeline, pointed at this worker's queue, prefix and history topic. With
        // history orders nothing alerts: this is the notifier's own upkeep (ticks, queues, relays) over time.
        const { notifierEnv } = await isolatedPipeline(`soak-notifier`, cleanups, { REDIS_URL: redis.url });
        notifier = startService("notifier", { ...notifierEnv, ALERT_QUEUE: config.ALERT_QUEUE, SIGNAL_KEY_PREFIX: config.KEY_PREFIX, TOPIC_ALERT_HISTORY: topics.alertHistory, TICK_INTERVAL_MS: "5000" }, id);
        processes.notifier = await notifierReady(notifier);
      }
      const rate = Number(args["soak-rate"]);
      const sampler = resourceSampler(processes, lag, join(repoRoot, args.samples));
      const load = steadyLoad(producer, topics, { accounts, ratePerSecond: rate, tag: `${id}-soak`, log: false, stepMs: Math.floor((YEAR * 0.9) / (rate * soakMinutes * 60)) });
      log(`soak: ${fmt(rate)} events/s for ${soakMinutes} min; samples in ${args.samples}`);
      const loadStart = Date.now();
      await runLoad(load, worker, sampler, "soak", () => Date.now() - loadStart >= soakMinutes * 60_000);
      const achieved = ((load.sent - accounts) / (Date.now() - loadStart)) * 1000; // the account.upserted first aside
      await sampler.stop();
      const s = sampler.samples;
      const lastT = s[s.length - 1]?.t ?? 0;
      const lags = s.map((x) => x.lag);
      console.log(`soak · ${machineLine()} · ${soakMinutes} min at ${fmt(rate)} events/s asked, ${fmt(achieved)} achieved, ${fmt(load.sent)} events over ${accounts} accounts, history orders`);
      console.log(`lag: max ${fmt(Math.max(...lags))}, mean ${fmt(lags.reduce((a, b) => a + b, 0) / lags.length)}, at the end ${fmt(lags[lags.length - 1] ?? 0)}`);
      for (const name of Object.keys(processes)) {
        const all = rssLine(s, name);
        const second = s.filter((x) => x.t >= lastT / 2);
        const perHour = slope(second.map((x) => [x.t / 3600, x.rss[name] ?? 0]));
        const secondHalf = rssLine(s, name, lastT / 2);
        console.log(
          `${name} RSS: first ${fmt(all.first)} MB, last ${fmt(all.last)} MB, peak ${fmt(all.peak)} MB; second half ${fmt(secondHalf.first)} → ${fmt(secondHalf.last)} MB, slope ${fmt(perHour, 1)} MB/hour (least squares over ${second.length} samples)`,
        );
      }
    }
  } finally {
    await cleanupAll([
      ["notifier", async () => (notifier ? stopService(notifier) : undefined)],
      ["workers", () => Promise.all(workers.map((w) => w.stop()))],
      ["producer", () => producer.disconnect()],
      ["groups", () => deleteGroups(admin, [config.CONSUMER_GROUP])],
      ["admin", () => admin.disconnect()],
      ["topics", () => deleteBenchTopics(brokers, topics)],
      ["pipeline", async () => {
        for (const c of cleanups.reverse()) await c();
      }],
      ["worker state", () => cleanupWorkerState(config)],
      ["redis", () => redis.stop()],
    ]);
    await kafka.release();
  }
});
