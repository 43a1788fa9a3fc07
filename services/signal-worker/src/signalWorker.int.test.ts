import { afterEach, describe, expect, it } from "vitest";
import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { consumeAll, produce, waitFor } from "@churnwatch/testing";
import { createLogger } from "@churnwatch/platform";
import { alertJobId, alertNotificationSchema } from "@churnwatch/contracts";
import { accountUpserted, decliningHistory, interactionLogged, orderPlaced, steadyHistory } from "../../../test/support/events.ts";
import { createSignalWorker, type SignalWorker } from "./service.ts";
import { isolatedEnvironment } from "./testSupport.ts";

const DAY = 86_400_000;
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function startWorker(tag: string, overrides: Record<string, string> = {}) {
  const env = await isolatedEnvironment(tag, overrides);
  const worker: SignalWorker = createSignalWorker(env.config, { logger: createLogger("signal-worker-test", "warn") });
  cleanups.push(() => env.cleanup());
  cleanups.push(() => worker.stop());
  await worker.start();
  return { env, worker };
}

describe("signal worker on real Kafka and Redis", () => {
  it("enqueues one alert for a declining account and none for a steady one", async () => {
    const { env, worker } = await startWorker("sw-decline");
    const now = Date.now();
    await env.produceEvents([...decliningHistory("acc-down", now), ...steadyHistory("acc-steady", now)]);

    const jobs = await waitFor(() => env.queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]), {
      until: (js) => js.length > 0,
      description: "an alert job in the queue",
    });
    // Give the steady account the same chance to (wrongly) alert: wait until both are fully applied.
    await waitFor(async () => (await env.appliedCount("acc-steady")) === steadyHistory("x", now).length, { description: "steady account applied" });
    const all = await env.queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    // One alert of one account (it may be announced again at a higher level as the later orders land).
    expect([...new Set(all.map((j) => `${j.data.accountId}:${j.data.rule}:${j.data.alertId}`))]).toHaveLength(1);
    expect(all.map((j) => `${j.data.accountId}:${j.data.rule}`)[0]).toBe("acc-down:purchases.decline");
    const notification = alertNotificationSchema.parse(jobs[0]?.data);
    expect(jobs[0]?.id).toBe(alertJobId(notification.notificationId));
    expect(notification.account.owner?.email).toBe("li.wei@seller.example");
    const value = notification.evidence.find((e) => e.unit === "money");
    expect(value?.changePct).toBeLessThanOrEqual(-70);

    // The audit history, per account in Redis and durably in Kafka: the alert fired, by whom and why.
    const history = await waitFor(() => worker.history("acc-down"), { until: (h) => h.length > 0, description: "history in Redis" });
    // One alert: it fired, then may have escalated while the live orders of the last weeks were applied.
    expect(history[0]?.type).toBe("fired");
    expect(history.every((t) => t.alertId === notification.alertId && t.actor === "engine" && t.type !== "resolved")).toBe(true);
    expect(history[0]?.cause).toMatch(/^(sweep|event )/);
    const durable = await consumeAll(env.config.TOPIC_ALERT_HISTORY, { until: (ms) => ms.length >= history.length, timeoutMs: 30_000 });
    const ids = (pairs: string[][]) => pairs.map((p) => p.join(" ")).sort();
    expect(ids(durable.map((m) => [m.key ?? "", JSON.parse(m.value ?? "{}").transitionId]))).toEqual(ids(history.map((t) => ["acc-down", t.transitionId])));
    expect(await worker.history("acc-steady")).toEqual([]);

    // What operations sees: the same facts, on /metrics.
    const lagZero = new RegExp(`churnwatch_consumer_lag\\{topic="${env.topics.orders}",partition="0"\\} 0`);
    const metrics = await waitFor(async () => (await fetch(`http://127.0.0.1:${worker.ops()?.port}/metrics`)).text(), {
      until: (text) => lagZero.test(text),
      description: "lag 0 on /metrics",
    });
    const orders = decliningHistory("x", now).length - 1 + steadyHistory("y", now).length - 1;
    expect(metrics).toContain(`churnwatch_events_consumed_total{topic="${env.topics.orders}",type="order.placed"} ${orders}`);
    expect(metrics).toMatch(/churnwatch_alerts_enqueued_total\{rule="purchases\.decline",level="(high|critical)"\} 1/);
    expect(metrics).not.toMatch(/churnwatch_alerts_enqueued_total\{rule="(?!purchases\.decline)/);
  });

  it("reads contacts from the interactions topic: three unanswered calls raise contact.silence, and no person is stored", async () => {
    const { env } = await startWorker("sw-contact");
    const now = Date.now();
    const events = [
      accountUpserted("acc-calls", now - 40 * DAY, { tier: "strategic" }),
      interactionLogged("acc-calls", now - 30 * DAY, { kind: "visit", answered: true }),
      ...[30, 20, 10].map((minutes) => interactionLogged("acc-calls", now - minutes * 60_000, { answered: false })),
    ];
    await env.produceEvents(events);
    const jobs = await waitFor(() => env.queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]), {
      until: (js) => js.length > 0,
      description: "an alert job in the queue",
    });
    expect(jobs.map((j) => `${j.data.accountId}:${j.data.rule}:${j.data.level}`)).toEqual(["acc-calls:contact.silence:medium"]);
    await waitFor(async () => (await env.appliedCount("acc-calls")) === events.length, { description: "all contacts applied" });
    const stored = await env.store.load("acc-calls");
    expect(stored.state?.contact?.recent).toHaveLength(4);
    expect(JSON.stringify(stored.state)).not.toContain("Chen Jing");
  });

  it("dead-letters invalid messages with the reason and the original bytes, and keeps consuming", async () => {
    const { env } = await startWorker("sw-dlq", { MAX_EVENT_BYTES: "2048" });
    const now = Date.now();
    const before = orderPlaced("acc-dlq", now - 2 * DAY, 100);
    const after = orderPlaced("acc-dlq", now - DAY, 200);
    const bad: Array<[string, string]> = [
      ["bad-json", "{this is not json"],
      ["unknown-type", JSON.stringify({ ...before, eventId: "x1", type: "order.teleported" })],
      ["schema", JSON.stringify({ ...before, eventId: "x2", data: { orderId: "o", amount: -3, currency: "CNY" } })],
      ["oversize", JSON.stringify({ ...before, eventId: "x3", data: { ...before.data, categories: Array(40).fill("z".repeat(90)) } })],
    ];
    await produce(env.topics.orders, [
      { key: "acc-dlq", value: JSON.stringify(before) },
      ...bad.map(([, value]) => ({ key: "acc-dlq", value })),
      { key: "acc-dlq", value: JSON.stringify(after) },
    ]);

    const letters = await consumeAll(env.config.TOPIC_DEAD_LETTER, { until: (ms) => ms.length >= bad.length, timeoutMs: 30_000 });
    expect(letters.map((m) => [m.headers["dlq.reason"], m.value])).toEqual(bad);
    expect(letters.every((m) => m.headers["dlq.topic"] === env.topics.orders && m.key === "acc-dlq")).toBe(true);
    await waitFor(() => env.appliedCount("acc-dlq"), { until: (n) => n === 2, description: "both valid orders applied" });
    const { state } = await env.store.load("acc-dlq");
    expect(state?.orders.map((o) => o.orderId).sort()).toEqual([before.data.orderId, after.data.orderId].sort());
  });

  it("writes a dead letter too large for the dead-letter topic truncated, with where it came from, and moves on", async () => {
    const { env } = await startWorker("sw-dlq-large", { MAX_EVENT_BYTES: "2048" });
    // The dead-letter topic accepts far less than the source topic (Kafka's default, about 1 MB).
    const kafka = new Kafka({ clientId: "sw-dlq-large-admin", brokers: env.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: env.config.TOPIC_DEAD_LETTER, configEntries: [{ name: "max.message.bytes", value: "3000" }] }],
    });
    await admin.disconnect();
    const now = Date.now();
    const before = orderPlaced("acc-big", now - 2 * DAY, 100);
    const after = orderPlaced("acc-big", now - DAY, 200);
    const huge = JSON.stringify({ ...before, eventId: "big-1", data: { ...before.data, categories: Array(200).fill("z".repeat(90)) } });
    expect(huge.length).toBeGreaterThan(18_000);
    await produce(env.topics.orders, [
      { key: "acc-big", value: JSON.stringify(before) },
      { key: "acc-big", value: huge },
      { key: "acc-big", value: JSON.stringify(after) },
    ]);

    const [letter] = await consumeAll(env.config.TOPIC_DEAD_LETTER, { until: (ms) => ms.length >= 1, timeoutMs: 30_000 });
    expect(letter?.headers["dlq.reason"]).toBe("oversize");
    expect(letter?.headers["dlq.topic"]).toBe(env.topics.orders);
    expect(letter?.headers["dlq.offset"]).toMatch(/^\d+$/);
    expect(letter?.headers["dlq.partition"]).toMatch(/^\d+$/);
    expect(letter?.headers["dlq.truncated"]).toBe(`${huge.length} bytes, first 1024 kept: too large for the dead-letter topic`);
    expect(letter?.value).toBe(huge.slice(0, 1024));
    expect(letter?.key).toBe("acc-big");
    // The partition moved on: the order after it is applied.
    await waitFor(() => env.appliedCount("acc-big"), { until: (n) => n === 2, description: "both valid orders applied" });
  });

  it("counts the same eventId once, however often it is delivered", async () => {
    const { env } = await startWorker("sw-dedupe");
    const now = Date.now();
    const profile = accountUpserted("acc-dup", now - 10 * DAY);
    const order = orderPlaced("acc-dup", now - DAY, "1250.50");
    // Same eventId three times: twice in one batch, once again later in a separate produce.
    await env.produceEvents([profile, order, order]);
    await waitFor(() => env.appliedCount("acc-dup"), { until: (n) => n === 2, description: "profile + order applied" });
    const marker = orderPlaced("acc-dup", now - 3_600_000, 1);
    await env.produceEvents([order, marker]);
    await waitFor(() => env.appliedCount("acc-dup"), { until: (n) => n === 3, description: "marker applied after the duplicate" });
    const { state, applied } = await env.store.load("acc-dup");
    expect(applied).toBe(3);
    expect(state?.orders).toHaveLength(2);
    expect(state?.orders.find((o) => o.orderId === order.data.orderId)?.amountMicros).toBe("1250500000");
  });

  it("applies one eventId on two accounts to both, and still drops a redelivery on one of them", async () => {
    const { env } = await startWorker("sw-dedupe-accounts");
    const now = Date.now();
    // Two source systems may number their events alike: an eventId is only unique within its account.
    const onA = { ...orderPlaced("acc-a", now - DAY, 100), eventId: "erp-42" };
    const onB = { ...orderPlaced("acc-b", now - DAY, 200), eventId: "erp-42" };
    // The same id on both accounts in one batch, and on a third account in a later one.
    await env.produceEvents([accountUpserted("acc-a", now - 10 * DAY), accountUpserted("acc-b", now - 10 * DAY), onA, onB]);
    await waitFor(async () => [await env.appliedCount("acc-a"), await env.appliedCount("acc-b")], {
      until: ([a, b]) => a === 2 && b === 2,
      description: "the order applied on both accounts",
    });
    const onC = { ...orderPlaced("acc-c", now - DAY, 300), eventId: "erp-42" };
    const markerA = orderPlaced("acc-a", now - 3_600_000, 1);
    // A true redelivery on acc-a (same account, same id), then a marker behind it in the same partition.
    await env.produceEvents([onC, onA, markerA]);
    const a = await waitFor(() => env.store.load("acc-a"), {
      until: (s) => s.state?.orders.some((o) => o.orderId === markerA.data.orderId) === true,
      description: "acc-a's marker applied",
    });
    const c = await waitFor(() => env.store.load("acc-c"), { until: (s) => s.applied === 1, description: "the order applied on acc-c" });
    const b = await env.store.load("acc-b");
    expect(a.state?.orders.map((o) => o.orderId)).toEqual([onA.data.orderId, markerA.data.orderId]);
    expect(a.applied).toBe(3); // the redelivery counted nothing
    expect(b.state?.orders.map((o) => o.orderId)).toEqual([onB.data.orderId]);
    expect(c.state?.orders.map((o) => o.orderId)).toEqual([onC.data.orderId]);
  });

  it("still drops, after the upgrade, an event applied under the old global marker", async () => {
    const { env } = await startWorker("sw-dedupe-legacy");
    const now = Date.now();
    const old = orderPlaced("acc-old", now - 2 * DAY, 100);
    await env.produceEvents([accountUpserted("acc-old", now - 10 * DAY), old]);
    await waitFor(() => env.appliedCount("acc-old"), { until: (n) => n === 2, description: "profile + order applied" });
    // As a worker before per-account markers left it: the event marked under its id alone, not under the account.
    const redis = env.redis;
    await redis.del(env.store.keys.seen("acc-old", old.eventId));
    await redis.set(env.store.keys.legacySeen(old.eventId), "1", "EX", 3_600);
    const marker = orderPlaced("acc-old", now - 3_600_000, 1);
    await env.produceEvents([old, marker]);
    const after = await waitFor(() => env.store.load("acc-old"), {
      until: (s) => s.state?.orders.some((o) => o.orderId === marker.data.orderId) === true,
      description: "the marker applied after the redelivery",
    });
    expect(after.applied).toBe(3);
  });
});
