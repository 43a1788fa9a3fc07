/**
 * Redis bytes per account and signal-worker RSS, for many accounts loaded through the real worker.
 *   pnpm exec tsx test/bench/redis-memory.ts [--accounts 100000] [--months 3] [--seed 42]
 * Streams the simulator's history (ending two hours ago, so every event is older than LIVE_WINDOW_MS: a
 * backfill) to fresh topics, then runs the signal worker as a process of its own, with production settings,
 * until its group has committed every event, its catch-up sweep has ticked every account and its outboxes
 * are empty. Baselines from the same run: Redis's used_memory before loading, and the RSS of the same worker
 * started idle on the still-empty topics. Then it sums MEMORY USAGE over every key the run wrote, attributed
 * to accounts. Topics, group, queue and keys are unique to the run and removed at the end; nothing else in
 * Redis is touched (other tests share it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { redisUrl } from "@churnwatch/testing";
import { loadConfig, type SignalWorkerConfig } from "../../services/signal-worker/src/env.ts";
import { seenKeyAccount } from "../../services/signal-worker/src/signalKeys.ts";
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
  produceEvents,
  watchGroup,
  workerEnv,
  type BenchTopics,
} from "./liveSupport.ts";
import { benchArgs, cleanupAll, fmt, log, machineLine, percentile, progress, runBench, summarize, useKafka } from "./support.ts";
import { spawnWorker, sweepsDone, waitWhileRunning, type ProcessMemory, type WorkerProcess } from "./workerProcess.ts";

const args = benchArgs(
  import.meta.url,
  {
    accounts: { type: "string", default: "100000" },
    months: { type: "string", default: "3" },
    seed: { type: "string", default: "42" },
    "sample-ms": { type: "string", default: "250" },
    // The worker's old-generation limit (--max-old-space-size), 0 for V8's own: how much of its peak is
    // garbage V8 lets pile up while it has room, rather than memory the worker needs.
    "worker-heap-mb": { type: "string", default: "0" },
  },
);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MB = 1024 * 1024;
const mb = (bytes: number) => `${fmt(bytes / MB, 1)} MiB`;

async function usedMemory(redis: Redis): Promise<number> {
  const match = /^used_memory:(\d+)/m.exec(await redis.info("memory"));
  if (!match) throw new Error("INFO memory has no used_memory");
  return Number(match[1]);
}

/** What the worker's memory was made of at the highest RSS sampled. */
interface PeakBreakdown {
  phase: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  stateCache: number;
}

/**
 * RSS from /proc every few hundred ms, the largest seen per phase; the kernel's VmHWM gives the true peak. At
 * each new highest sample the worker's own figures are read too (V8's heap, memory outside it, the state
 * cache's JSON budget in use), so that the peak can be broken down. Only new highs ask the worker: the
 * sampling of /proc alone costs it nothing.
 */
function sampleMemory(worker: WorkerProcess, everyMs: number) {
  const maxByPhase = new Map<string, number>();
  const series: number[] = [];
  let phase = "start";
  let highest = 0;
  let peak: PeakBreakdown | undefined;
  const timer = setInterval(() => {
    worker
      .memory()
      .then(async (m) => {
        series.push(m.rss);
        maxByPhase.set(phase, Math.max(maxByPhase.get(phase) ?? 0, m.rss));
        if (m.rss <= highest) return;
        highest = m.rss;
        const at = phase;
        const figures = await worker.metrics();
        const get = (name: string) => figures.get(name) ?? Number.NaN;
        // A slower answer for an earlier, lower sample must not overwrite a later, higher one.
        if (peak !== undefined && peak.rss >= m.rss) return;
        peak = {
          phase: at,
          rss: m.rss,
          heapUsed: get("nodejs_heap_size_used_bytes"),
          heapTotal: get("nodejs_heap_size_total_bytes"),
          external: get("nodejs_external_memory_bytes"),
          stateCache: get("churnwatch_state_cache_bytes"),
        };
      })
      .catch(() => undefined); // the process may be exiting; its figures so far stand
  }, everyMs);
  return {
    phase: (name: string) => void (phase = name),
    stop: () => clearInterval(timer),
    maxByPhase,
    series,
    peak: () => peak,
  };
}

/** The worker started on the still-empty topics: what it holds before any account exists. */
async function idleBaseline(env: Record<string, string>, logFile: string, everyMs: number): Promise<ProcessMemory> {
  const worker = spawnWorker(env, logFile);
  try {
    await worker.ready;
    await sleep(2_000); // group join and the first (empty) fetches
    const samples: number[] = [];
    for (let i = 0; i < 12; i++) {
      samples.push((await worker.memory()).rss);
      await sleep(everyMs);
    }
    return { rss: summarize(samples).median, peakRss: (await worker.memory()).peakRss };
  } finally {
    await worker.stop();
  }
}

interface KeyClass {
  keys: number;
  bytes: number;
}

interface KeyCensus {
  byClass: Map<string, KeyClass>;
  perAccount: Map<string, { keys: number; bytes: number }>;
  stateBytes: number[];
}

const globEscape = (literal: string) => literal.replace(/[*?[\]\\]/g, "\\$&");

/**
 * MEMORY USAGE (SAMPLES 0: every element of an aggregate counted) of every key under `pattern`, classified by
 * `classify`. Per-account keys name their account: `account:<id>`, `history:<id>`, `complaint-text:<id>` and the
 * dedupe markers `seen-by:<id>:<eventId>` (parsed by their owner, signalKeys.ts).
 */
async function census(redis: Redis, prefix: string, expectedKeys: number): Promise<KeyCensus> {
  const result: KeyCensus = { byClass: new Map(), perAccount: new Map(), stateBytes: [] };
  const bar = progress("measuring keys", expectedKeys, "keys");
  let seenKeys = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${globEscape(prefix)}*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) {
      pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
      if (key.startsWith(`${prefix}account:`)) pipeline.hstrlen(key, "s");
    }
    const replies = (await pipeline.exec()) ?? [];
    let r = 0;
    for (const key of keys) {
      const [err, usage] = replies[r++] ?? [];
      if (err) throw err;
      const bytes = Number(usage ?? 0); // a key that expired or went between SCAN and MEMORY USAGE is null
      const rest = key.slice(prefix.length);
      const seenBy = seenKeyAccount(prefix, key);
      const kind = seenBy !== undefined ? "seen" : /^(account|history|complaint-text):/.exec(rest)?.[1];
      const name = kind ?? rest;
      const cls = result.byClass.get(name) ?? { keys: 0, bytes: 0 };
      cls.keys++;
      cls.bytes += bytes;
      result.byClass.set(name, cls);
      if (kind === "account") result.stateBytes.push(Number(replies[r++]?.[1] ?? 0));
      if (kind) {
        const accountId = seenBy ?? rest.slice(kind.length + 1);
        const acc = result.perAccount.get(accountId) ?? { keys: 0, bytes: 0 };
        acc.keys++;
        acc.bytes += bytes;
        result.perAccount.set(accountId, acc);
      }
    }
    seenKeys += keys.length;
    bar.update(seenKeys);
  } while (cursor !== "0");
  bar.stop();
  return result;
}

const classLine = (name: string, c: KeyClass | undefined, accounts: number) =>
  c ? `${name}: ${fmt(c.keys)} keys, ${mb(c.bytes)}; per account ${fmt(c.bytes / accounts)} B, ${fmt(c.keys / accounts, 2)} keys; per key ${fmt(c.bytes / c.keys)} B` : `${name}: none`;

async function main(): Promise<void> {
  const accounts = Number(args.accounts);
  const months = Number(args.months);
  const everyMs = Number(args["sample-ms"]);
  const infra = await useKafka();
  const logger = benchLogger();
  const kafka = benchKafka(infra.brokers, logger);
  const admin = kafka.admin();
  const producer = benchProducer(kafka);
  const redis = new Redis(redisUrl());
  const dir = await mkdtemp(join(tmpdir(), "churnwatch-bench-memory-"));
  const workers: WorkerProcess[] = [];
  let topics: BenchTopics | undefined;
  let config: SignalWorkerConfig | undefined;
  let stateRemoved = false;
  try {
    await admin.connect();
    await producer.connect();
    const created = await createBenchTopics(infra.brokers, "bench-memory");
    topics = created.topics;
    const heapMb = Number(args["worker-heap-mb"]);
    const heapLimit: Record<string, string> = heapMb > 0 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=${heapMb}`.trim() } : {};
    const env = { ...workerEnv(infra.brokers, topics, `${created.id}-w`), ...heapLimit };
    config = loadConfig(env);
    const usedBefore = await usedMemory(redis);

    log("baseline: the worker idle on the empty topics");
    const idle = await idleBaseline(env, join(dir, "idle-worker.log"), everyMs);

    const endMs = Date.now() - 2 * HOUR; // older than LIVE_WINDOW_MS (1 h): a backfill, which never notifies by itself
    const sim = simulate({ seed: Number(args.seed), accounts, months, end: new Date(endMs).toISOString() });
    // What a seen-marker costs in steady state depends on how many events arrive within its TTL.
    const ttlStartMs = endMs - config.SEEN_TTL_DAYS * DAY;
    let withinTtl = 0;
    function* counted(): Generator<ChurnEvent> {
      for (const event of sim) {
        if (Date.parse(event.occurredAt) > ttlStartMs) withinTtl++;
        yield event;
      }
    }
    log(`producing the simulator's history: ${fmt(accounts)} accounts × ${months} months (seed ${args.seed}), ending ${new Date(endMs).toISOString()}`);
    const produceStart = performance.now();
    const produceBar = progress("producing", Math.round((sim.endMs - sim.startMs) / DAY), "days");
    const produced = await produceEvents(producer, counted(), topics, (_, last) => produceBar.update(Math.round((Date.parse(last.occurredAt) - sim.startMs) / DAY)));
    produceBar.stop();
    const produceSeconds = (performance.now() - produceStart) / 1000;
    const total = [...(await highWatermarks(admin, eventTopicNames(topics))).values()].reduce((a, b) => a + b, 0);
    log(`${fmt(produced)} events produced in ${fmt(produceSeconds)} s`);

    const worker = spawnWorker(env, join(dir, "worker.log"));
    workers.push(worker);
    const memory = sampleMemory(worker, everyMs);
    const { opsPort } = await worker.ready;
    memory.phase("load");
    const loadStart = performance.now();
    await watchGroup(admin, config.CONSUMER_GROUP, eventTopicNames(topics), total, {
      label: "worker loading",
      intervalMs: 500,
      timeoutMs: 4 * HOUR,
      check: () => worker.assertRunning(),
    });
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const atLoaded = await worker.memory();
    memory.phase("sweep");
    log(`loaded in ${fmt(loadSeconds)} s; waiting for the catch-up sweep over every account (ops port ${opsPort})`);
    const sweepMs = await waitWhileRunning(worker, "the catch-up sweep", async () => (await sweepsDone(worker)) >= 1, 2 * HOUR);
    const prefix = config.KEY_PREFIX;
    await waitWhileRunning(worker, "the outboxes to drain", async () => (await redis.llen(`${prefix}outbox`)) + (await redis.llen(`${prefix}history-outbox`)) === 0, 10 * 60_000);
    const workerMetrics = await worker.metrics();
    const atEnd = await worker.memory();
    memory.stop();
    await worker.stop();
    const usedAfter = await usedMemory(redis);

    const keys = await census(redis, prefix, total + 2 * accounts);
    const queue = await census(redis, `bull:${config.ALERT_QUEUE}:`, 0);
    const perAccount = [...keys.perAccount.values()];
    const all = (cls: Map<string, KeyClass>) => [...cls.values()].reduce((s, c) => ({ keys: s.keys + c.keys, bytes: s.bytes + c.bytes }), { keys: 0, bytes: 0 });
    const ours = all(keys.byClass);
    const queueTotal = all(queue.byClass);
    const seen = keys.byClass.get("seen");
    const seenPerKey = seen ? seen.bytes / seen.keys : 0;

    const indexed = await redis.scard(`${prefix}accounts`);
    await cleanupWorkerState(config);
    stateRemoved = true;
    const usedCleaned = await usedMemory(redis);

    const perAcc = (xs: number[]) => `median ${fmt(percentile(xs, 50))}, p99 ${fmt(percentile(xs, 99))}, max ${fmt(Math.max(...xs))}`;
    console.log(`redis-memory · ${machineLine()}`);
    console.log(`input: ${fmt(total)} events, ${fmt(accounts)} accounts × ${months} months (seed ${args.seed}), history ending 2 h before the run; ${fmt(produced / accounts, 1)} events per account, ${fmt(withinTtl / accounts, 1)} of them within the last ${config.SEEN_TTL_DAYS} days (SEEN_TTL_DAYS)`);
    console.log(`timings: produced in ${fmt(produceSeconds)} s; worker loaded it in ${fmt(loadSeconds)} s (${fmt(total / loadSeconds)} events/s); catch-up sweep and outbox ${fmt(sweepMs / 1000)} s`);
    console.log(`worker (own process, production settings): ${fmt(workerMetrics.get("churnwatch_alerts_enqueued_total") ?? 0)} alert jobs enqueued, ${fmt(workerMetrics.get("churnwatch_events_consumed_total") ?? 0)} events consumed`);
    console.log("Redis, sum of MEMORY USAGE over every key the run wrote (exact, SAMPLES 0):");
    console.log(`  all keys under the prefix: ${fmt(ours.keys)} keys, ${mb(ours.bytes)}; per account ${fmt(ours.bytes / accounts)} B and ${fmt(ours.keys / accounts, 2)} keys`);
    console.log(`  ${classLine("account state hashes (account:)", keys.byClass.get("account"), accounts)}`);
    console.log(`  ${classLine("alert histories (history:)", keys.byClass.get("history"), accounts)}`);
    console.log(`  ${classLine("seen-markers (seen-by:, one per account and event, TTL)", seen, accounts)}`);
    console.log(`  ${classLine("complaint texts for the emails (complaint-text:; only accounts with complaints)", keys.byClass.get("complaint-text"), accounts)}`);
    for (const [name, c] of keys.byClass) if (!["account", "history", "seen", "complaint-text"].includes(name)) console.log(`  ${name}: ${fmt(c.keys)} key(s), ${mb(c.bytes)}`);
    console.log(`  per account (its own keys): bytes ${perAcc(perAccount.map((a) => a.bytes))}; keys ${perAcc(perAccount.map((a) => a.keys))}; over ${fmt(perAccount.length)} accounts (the account index holds ${fmt(indexed)})`);
    console.log(`  state JSON (field s): bytes ${perAcc(keys.stateBytes)}`);
    console.log(`  steady state, seen-markers only for the events of the last ${config.SEEN_TTL_DAYS} days: ${fmt((ours.bytes - (seen?.bytes ?? 0) + seenPerKey * withinTtl) / accounts)} B per account`);
    console.log(`  alert queue (BullMQ keys bull:${config.ALERT_QUEUE}:*, not per account): ${fmt(queueTotal.keys)} keys, ${mb(queueTotal.bytes)}`);
    console.log(`Redis INFO used_memory (shared with other tests, so only roughly this run's): ${mb(usedBefore)} before, ${mb(usedAfter)} loaded (+${mb(usedAfter - usedBefore)}, ${fmt((usedAfter - usedBefore) / accounts)} B per account), ${mb(usedCleaned)} after removing the run's keys (freed ${mb(usedAfter - usedCleaned)}, ${fmt((usedAfter - usedCleaned) / accounts)} B per account)`);
    if (heapMb > 0) console.log(`worker started with --max-old-space-size=${heapMb}`);
    console.log(`worker RSS: idle on empty topics ${mb(idle.rss)} (peak ${mb(idle.peakRss)}); loaded ${mb(atLoaded.rss)}; after the sweep ${mb(atEnd.rss)}; peak over the run ${mb(atEnd.peakRss)} (VmHWM), ${fmt(atEnd.peakRss / idle.rss, 2)}× idle`);
    console.log(`  largest sampled every ${everyMs} ms: ${[...memory.maxByPhase].map(([p, v]) => `${p} ${mb(v)}`).join(", ")}; median while loading and sweeping ${mb(summarize(memory.series).median)}`);
    const peak = memory.peak();
    if (peak !== undefined) {
      const rest = peak.rss - peak.heapTotal - peak.external;
      console.log(
        `  at the highest sample (${peak.phase}, RSS ${mb(peak.rss)}): V8 heap ${mb(peak.heapTotal)} reserved, ${mb(peak.heapUsed)} of it used ` +
          `(the state cache's JSON budget in use: ${mb(peak.stateCache)}); memory outside the heap (buffers) ${mb(peak.external)}; ` +
          `the rest (code, stacks, allocator slack) ${mb(rest)}`,
      );
    }
    console.log(`  V8 at the end: heap used ${mb(workerMetrics.get("nodejs_heap_size_used_bytes") ?? Number.NaN)} of ${mb(workerMetrics.get("nodejs_heap_size_total_bytes") ?? Number.NaN)}, external ${mb(workerMetrics.get("nodejs_external_memory_bytes") ?? Number.NaN)}`);
  } finally {
    const t = topics;
    const c = config;
    await cleanupAll([
      ["workers", () => Promise.all(workers.map((w) => w.stop()))],
      ["worker state", async () => { if (c && !stateRemoved) await cleanupWorkerState(c); }],
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
