import { readFileSync } from "node:fs";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Admin } from "kafkajs";
import { ALERT_JOB, type ChurnEvent } from "@churnwatch/contracts";
import { emptyState, record, type AccountState, type EngineConfig } from "@churnwatch/engine";
import { testKafka, waitFor } from "@churnwatch/testing";

/** Per partition of each topic: the group's committed offset (-1: none) and the partition's low and high marks. */
export async function groupOffsets(brokers: string[], groupId: string, topics: string[]) {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    return await offsetsWith(admin, groupId, topics);
  } finally {
    await admin.disconnect();
  }
}

export async function offsetsWith(admin: Admin, groupId: string, topics: string[]) {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const rows: Array<{ topic: string; partition: number; committed: number; low: number; high: number }> = [];
  for (const topic of topics) {
    for (const end of await admin.fetchTopicOffsets(topic)) {
      const at = Number(committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      rows.push({ topic, partition: end.partition, committed: at, low: Number(end.low), high: Number(end.high) });
    }
  }
  return rows;
}

/** Messages the group has not committed past, over every partition of the topics. */
export async function groupLag(brokers: string[], groupId: string, topics: string[]): Promise<number> {
  return (await groupOffsets(brokers, groupId, topics)).reduce((sum, r) => sum + r.high - Math.max(r.committed, r.low), 0);
}

/** The sum of a numeric field over the pino lines of a log file with the given message. */
export function sumLogField(logFile: string, msg: string, field: string): number {
  let total = 0;
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes(msg)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg && typeof entry[field] === "number") total += entry[field];
    } catch {
      // not a JSON line
    }
  }
  return total;
}

/** Ids of every alert job the queue holds in any state (completed jobs are kept 14 days), policy ticks aside. */
export async function alertJobIds(queue: Queue): Promise<string[]> {
  const jobs = await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "paused", "prioritized", "waiting-children"]);
  return jobs.filter((j) => j.name === ALERT_JOB).map((j) => String(j.id)).sort();
}

/** Ids of every job of a queue in any state. */
export async function allJobIds(queue: Queue): Promise<string[]> {
  const jobs = await queue.getJobs(["completed", "failed", "delayed", "waiting", "active", "paused", "prioritized", "waiting-children"]);
  return jobs.map((j) => String(j.id)).sort();
}

/**
 * The oracle: each account's state recomputed offline from the produced events by the pure engine's `record`
 * (what the worker does with history), as services/replay does. Events of one account may be applied in any
 * order across topics (the worker consumes topics in parallel); `record` keeps sorted records, so the order
 * only moves the clock, which is left out of the comparison with the wall-clock fields (below).
 */
export function oracleStates(events: readonly ChurnEvent[], config: EngineConfig): Map<string, { state: AccountState; applied: number }> {
  const out = new Map<string, { state: AccountState; applied: number; seen: Set<string> }>();
  const sorted = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  for (const e of sorted) {
    const entry = out.get(e.accountId) ?? { state: emptyState(e.accountId), applied: 0, seen: new Set<string>() };
    if (entry.seen.has(e.eventId)) continue;
    entry.seen.add(e.eventId);
    entry.state = record(entry.state, e, config);
    entry.applied++;
    out.set(e.accountId, entry);
  }
  return new Map([...out].map(([id, { state, applied }]) => [id, { state, applied }]));
}

/**
 * An account's state as the oracle compares it: every field the events decide, as canonical JSON. Left out:
 * `clock` (a sweep moves it to the wall clock) and `alerts` (a sweep judges the history at the wall clock).
 */
export function canonicalState(state: AccountState | undefined): string {
  if (!state) return "none";
  const { clock: _clock, alerts: _alerts, ...rest } = state;
  return stableJson(rest);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Per account: the stored state (canonical, as above) and applied count, read from Redis under the prefix. */
export async function storedStates(redis: Redis, prefix: string, accountIds: readonly string[]): Promise<Map<string, { state: string; applied: number }>> {
  const out = new Map<string, { state: string; applied: number }>();
  for (const id of accountIds) {
    const [s, n] = await redis.hmget(`${prefix}account:${id}`, "s", "n");
    out.set(id, { state: s ? canonicalState(JSON.parse(s) as AccountState) : "none", applied: n ? Number(n) : 0 });
  }
  return out;
}

/** Accounts whose stored state or applied count differs from the oracle's, with what differs. */
export function diffAgainstOracle(
  oracle: Map<string, { state: AccountState; applied: number }>,
  stored: Map<string, { state: string; applied: number }>,
): Array<{ accountId: string; applied: [number, number]; stateDiffers: boolean }> {
  const diffs: Array<{ accountId: string; applied: [number, number]; stateDiffers: boolean }> = [];
  for (const [accountId, want] of oracle) {
    const got = stored.get(accountId) ?? { state: "none", applied: 0 };
    const stateDiffers = got.state !== canonicalState(want.state);
    if (stateDiffers || got.applied !== want.applied) diffs.push({ accountId, applied: [got.applied, want.applied], stateDiffers });
  }
  return diffs;
}

/**
 * Sets an idle consumer group back to the beginning (low mark) of every partition of the topics, all in one
 * commit. (kafkajs's admin.setOffsets does one topic at a time and waits a fetch, about 5 s, for each.) The
 * group must have no member: a commit from a joined member of a live group would be fenced anyway.
 */
export async function rewindGroup(brokers: string[], groupId: string, topics: string[]): Promise<void> {
  const kafka = testKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state;
    if (state !== "Empty" && state !== "Dead") throw new Error(`group ${groupId} is ${state}: stop its members first`);
    const targets: Array<{ topic: string; partition: number; offset: string }> = [];
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) targets.push({ topic, partition: p.partition, offset: p.low });
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      // Nothing is consumed: paused at once, no auto-resolve, no auto-commit; the one commit is ours.
      void consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
      consumer.pause(topics.map((topic) => ({ topic })));
      await joined;
      // The runner ignores a commit until it counts itself running, a moment after the join: commit until
      // the group's offsets read back as the low marks.
      const atLow = async () => {
        await consumer.commitOffsets(targets);
        const rows = await offsetsWith(admin, groupId, topics);
        return rows.every((r) => r.committed === r.low);
      };
      await waitFor(atLow, { timeoutMs: 15_000, intervalMs: 50, description: `group ${groupId} at the start of every partition` });
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * A redis-server of this test's own, on a free port, with no persistence (its data dir under .run/): for faults
 * that must not touch the shared Redis (FLUSHALL). Undefined when no redis-server is installed. `stop` ends it by
 * its PID.
 */
export async function startPrivateRedis(dataDir: string): Promise<{ url: string; port: number; pid: number; stop(): Promise<void> } | undefined> {
  const { spawn, spawnSync } = await import("node:child_process");
  const { mkdirSync } = await import("node:fs");
  const { createServer } = await import("node:net");
  const { Redis } = await import("ioredis");
  if (spawnSync("redis-server", ["--version"]).status !== 0) return undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const p = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(p));
    });
  });
  mkdirSync(dataDir, { recursive: true });
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dataDir], { stdio: "ignore" });
  const pid = child.pid;
  if (pid === undefined) throw new Error("redis-server did not start");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined); // refused until the server listens: the poll below retries
  await waitFor(async () => {
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      probe.disconnect();
      return false;
    }
  }, { timeoutMs: 10_000, description: `redis-server on ${port}` });
  probe.disconnect();
  return {
    url,
    port,
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
