import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { redisUrl, testKafka, waitFor } from "@churnwatch/testing";
import { keyspace } from "../../services/signal-worker/src/signalKeys.ts";
import { isolatedEnvironment } from "../../services/signal-worker/src/testSupport.ts";
import { accountUpserted, orderPlaced } from "../support/events.ts";
import { startService, stopService, type RunningService } from "../support/processes.ts";
import { diffAgainstOracle, offsetsWith, oracleStates, storedStates } from "./support.ts";

/**
 * Redis latency and connection resets between the signal worker and Redis, through a TCP proxy written here
 * (the shared Redis itself is never touched). While the worker applies a backlog through the proxy, which
 * delays every chunk and resets every connection every 300 ms, the test checks again and
 * again that no committed offset is ahead of the state: every event below a partition's committed offset
 * has its dedupe marker (written in the same Lua commit as the state). At the end: lag 0, every event
 * applied once, each account's state equal to the oracle's.
 */
const DAY = 86_400_000;

function faultyProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let latencyMs = 0;
  let resets = 0;
  const delayed = (to: Socket) => (chunk: Buffer) => {
    if (latencyMs === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), latencyMs); // equal delays keep the order
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("data", delayed(upstream));
    upstream.on("data", delayed(client));
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  return {
    listen: () => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))),
    setLatency: (ms: number) => void (latencyMs = ms),
    /** Resets (TCP RST) every connection through the proxy. */
    resetAll() {
      if (sockets.size > 0) resets++;
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let running: RunningService[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const s of running) await stopService(s, "SIGKILL");
  running = [];
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe("fault: Redis latency and connection resets", () => {
  it("never commits an offset ahead of the state, and loses or doubles nothing", async () => {
    // Small fetches and small Redis round trips: many batches and commits, so resets land mid-stream.
    const env = await isolatedEnvironment("f-rproxy", { LOG_LEVEL: "info", KAFKA_SESSION_TIMEOUT_MS: "6000", KAFKA_FETCH_MAX_BYTES_PER_PARTITION: "65536", ACCOUNTS_PER_ROUND_TRIP: "2", PARTITION_CONCURRENCY: "3" });
    cleanups.push(() => env.cleanup());
    const target = new URL(redisUrl());
    const proxy = faultyProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const proxyPort = await proxy.listen();
    cleanups.push(() => proxy.close());
    const redis = new Redis(redisUrl());
    cleanups.push(() => redis.quit());

    const now = Date.now();
    const accounts = Array.from({ length: 20 }, (_, a) => `acc-rp-${a}`);
    const events: ChurnEvent[] = [];
    for (const id of accounts) events.push(accountUpserted(id, now - 400 * DAY));
    for (let i = 0; i < 60; i++) for (const id of accounts) events.push(orderPlaced(id, now - (360 - i * 5) * DAY, (100 + i).toFixed(2)));
    // Where each event landed, to check the commits against: the producer answers with each partition's base offset.
    const at = new Map<string, Array<{ accountId: string; eventId: string }>>(); // "topic/partition" -> events by offset
    const admin = testKafka(env.config.KAFKA_BROKERS).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const producer = testKafka(env.config.KAFKA_BROKERS).producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    for (const [topic, mine] of [
      [env.topics.accounts, events.filter((e) => e.type === "account.upserted")],
      [env.topics.orders, events.filter((e) => e.type !== "account.upserted")],
    ] as const) {
      for (const e of mine) {
        const [meta] = await producer.send({ topic, messages: [{ key: e.accountId, value: JSON.stringify(e) }] });
        if (!meta) throw new Error("no metadata");
        const key = `${topic}/${meta.partition}`;
        const list = at.get(key) ?? [];
        list[Number(meta.baseOffset)] = { accountId: e.accountId, eventId: e.eventId };
        at.set(key, list);
      }
    }

    proxy.setLatency(20);
    const worker = startService("signal-worker", { ...env.env, REDIS_URL: `redis://127.0.0.1:${proxyPort}` }, `${env.config.KEY_PREFIX.replace(/:$/, "")}`);
    running.push(worker);
    const topics = Object.values(env.topics);
    let checks = 0;
    let behind = 0;
    let resetsMidStream = 0;
    /** Offsets first, then the markers: a marker written after the read of the offsets only makes the check easier to pass, never wrong. */
    const invariant = async () => {
      const rows = await offsetsWith(admin, env.config.CONSUMER_GROUP, topics);
      const due: Array<{ accountId: string; eventId: string }> = [];
      for (const r of rows) for (const e of (at.get(`${r.topic}/${r.partition}`) ?? []).slice(0, Math.max(0, r.committed))) if (e) due.push(e);
      const pipeline = redis.pipeline();
      const keys = keyspace(env.config.KEY_PREFIX);
      for (const e of due) pipeline.exists(keys.seen(e.accountId, e.eventId));
      const missing = ((await pipeline.exec()) ?? []).filter(([, v]) => v !== 1).length;
      checks++;
      behind += missing;
      if (due.length < events.length) resetsMidStream = proxy.resets;
      return { committed: due.length, missing };
    };
    // Resets start once the worker is running (its start-up check of Redis would refuse a reset connection and
    // exit, as designed) and has committed something: from then on, mid-stream.
    await waitFor(invariant, { until: (r) => r.committed > 0, timeoutMs: 30_000, intervalMs: 100, description: "first commit" });
    let resetTimer: NodeJS.Timeout | undefined = setInterval(() => proxy.resetAll(), 300);
    cleanups.push(async () => clearInterval(resetTimer));
    await waitFor(
      async () => {
        // A violation is counted (and asserted below), not thrown: waitFor would retry a throwing attempt.
        const { committed } = await invariant();
        return committed === events.length;
      },
      { timeoutMs: 50_000, intervalMs: 100, description: "every offset committed under resets" },
    );
    clearInterval(resetTimer);
    resetTimer = undefined;
    expect(resetsMidStream, "connection resets while offsets were still to commit").toBeGreaterThanOrEqual(5);
    proxy.setLatency(0);
    expect(behind, "events below a committed offset without their dedupe marker").toBe(0);
    const stored = await waitFor(() => storedStates(redis, env.config.KEY_PREFIX, accounts), {
      until: (s) => [...s.values()].reduce((sum, a) => sum + a.applied, 0) === events.length,
      timeoutMs: 20_000,
      description: "every event applied",
    });
    expect(diffAgainstOracle(oracleStates(events, defaultConfig), stored)).toEqual([]);
    expect(worker.child.exitCode).toBeNull(); // it rode out the resets
    console.log(`redis proxy: ${events.length} events through 20 ms of latency each way and ${proxy.resets} connection resets (${resetsMidStream} mid-stream); ${checks} checks of committed offsets against the state, 0 ahead; oracle diff 0`);
  }, 80_000);
});
