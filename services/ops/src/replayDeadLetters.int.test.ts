import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Partitioners, type KafkaMessage } from "kafkajs";
import { Redis } from "ioredis";
import { consumeAll, createTopics, deleteKeysByPrefix, deleteTopics, kafkaBrokers, produce, redisUrl, testKafka, uniqueName } from "@churnwatch/testing";
import { createDeadLetterWriter, type DeadLetter } from "@churnwatch/platform";
import { runReplay } from "./replayCommand.ts";

const redis = new Redis(redisUrl());
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
afterAll(async () => {
  await redis.quit();
});

const quiet = { update: () => undefined, stop: () => undefined };

/** Topics and a key prefix of its own, and dead letters written by the signal worker's own writer. */
async function environment(tag: string) {
  const id = uniqueName(tag);
  const topics = { orders: `${id}.orders`, complaints: `${id}.complaints`, deadLetter: `${id}.dead-letter` };
  const prefix = `${id}:`;
  // One partition for the targets, so a marker produced last is read last; two for the dead letters, so
  // reaching "the end" has to be tracked per partition.
  await createTopics(kafkaBrokers(), [topics.orders, topics.complaints], { numPartitions: 1 });
  await createTopics(kafkaBrokers(), [topics.deadLetter], { numPartitions: 2 });
  cleanups.push(() => deleteTopics(kafkaBrokers(), Object.values(topics)));
  cleanups.push(() => deleteKeysByPrefix(redis, prefix));
  const env = { KAFKA_BROKERS: kafkaBrokers().join(","), REDIS_URL: redisUrl(), KEY_PREFIX: prefix, TOPIC_DEAD_LETTER: topics.deadLetter, LOG_LEVEL: "fatal" };

  async function deadLetter(letters: Array<{ topic: string; key: string; value: string; reason: DeadLetter["reason"]; offset: string }>) {
    // Idempotent like the signal worker's producer: a plain one may write a letter twice when it retries.
    const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const write = createDeadLetterWriter(producer, topics.deadLetter);
      await write(
        letters.map((l) => ({
          topic: l.topic,
          partition: 0,
          reason: l.reason,
          detail: `why ${l.key}`,
          message: { key: Buffer.from(l.key), value: Buffer.from(l.value), offset: l.offset, headers: { traceparent: `tp-${l.key}` } } as unknown as KafkaMessage,
        })),
      );
    } finally {
      await producer.disconnect();
    }
  }

  async function replay(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runReplay(argv, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: quiet });
    return { code, stdout, stderr };
  }

  /** Everything on `topic` up to a marker produced now: proves what arrived, and that nothing else did. */
  async function arrivedOn(topic: string) {
    const marker = uniqueName("marker");
    await produce(topic, [{ key: marker, value: marker }]);
    const seen = await consumeAll(topic, { until: (ms) => ms.some((m) => m.value === marker), timeoutMs: 30_000 });
    return seen.filter((m) => !m.value?.startsWith("marker-"));
  }

  return { topics, prefix, env, deadLetter, replay, arrivedOn };
}

const schemaLetters = (topic: string) =>
  ["acc-1", "acc-2", "acc-3"].map((key, i) => ({ topic, key, value: `{"bad":${i}}`, reason: "schema" as const, offset: String(10 + i) }));

describe("replay-dead-letters on real Kafka and Redis", () => {
  it("re-sends exactly the letters with the reason, with their key, value and headers, and never twice", async () => {
    const env = await environment("ops-replay");
    await env.deadLetter([
      ...schemaLetters(env.topics.orders),
      { topic: env.topics.complaints, key: "acc-4", value: "{not json", reason: "bad-json", offset: "7" },
      { topic: env.topics.orders, key: "acc-5", value: "x".repeat(100), reason: "oversize", offset: "8" },
    ]);

    const first = await env.replay("--reason", "schema");
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe("replayed 3, skipped 0 already replayed, filtered 2\n");

    const second = await env.replay("--reason", "schema");
    expect(second.stdout).toBe("replayed 0, skipped 3 already replayed, filtered 2\n");

    const orders = await env.arrivedOn(env.topics.orders);
    expect(orders.map((m) => [m.key, m.value]).sort()).toEqual([
      ["acc-1", '{"bad":0}'],
      ["acc-2", '{"bad":1}'],
      ["acc-3", '{"bad":2}'],
    ]);
    const letters = await consumeAll(env.topics.deadLetter, { until: (ms) => ms.length >= 5 });
    for (const m of orders) {
      const letter = letters.find((l) => l.key === m.key);
      expect(m.headers).toEqual({ traceparent: `tp-${m.key}`, "dlq.replayedFrom": `${env.topics.deadLetter}:${letter?.partition}:${letter?.offset}` });
    }
    expect(await env.arrivedOn(env.topics.complaints)).toEqual([]);
  });

  it("sends nothing on a dry run, and stops at --limit", async () => {
    const env = await environment("ops-replay-dry");
    await env.deadLetter(schemaLetters(env.topics.orders));

    const dry = await env.replay("--dry-run");
    expect(dry.stdout).toMatch(/would replay 3, skipped 0 already replayed, filtered 0\n$/);
    expect(dry.stdout.match(new RegExp(`-> ${env.topics.orders.replace(/\./g, "\\.")} reason=schema key=acc-\\d`, "g"))).toHaveLength(3);
    expect(await env.arrivedOn(env.topics.orders)).toEqual([]);

    const limited = await env.replay("--limit", "2");
    expect(limited.stdout).toBe("replayed 2, skipped 0 already replayed, filtered 0, stopped at --limit 2\n");
    const rest = await env.replay();
    expect(rest.stdout).toBe("replayed 1, skipped 2 already replayed, filtered 0\n");
    expect((await env.arrivedOn(env.topics.orders)).map((m) => m.key).sort()).toEqual(["acc-1", "acc-2", "acc-3"]);
  });

  it("names a missing dead-letter topic, and refuses to run beside another replay", async () => {
    const env = await environment("ops-replay-errors");
    await expect(runReplay([], { env: { ...env.env, TOPIC_DEAD_LETTER: `${env.topics.deadLetter}-missing` }, stdout: () => undefined, stderr: () => undefined, progress: quiet })).rejects.toThrow(/does not exist/);

    await redis.set(`${env.prefix}dlq-replay-lock`, "someone-else");
    const locked = await env.replay();
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/holds the lock/);
    expect(await redis.get(`${env.prefix}dlq-replay-lock`)).toBe("someone-else"); // not ours to release
  });
});
