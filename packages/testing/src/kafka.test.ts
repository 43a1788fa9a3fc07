// Runs against the real broker from the global setup: proves kafkajs 2.2.4 works with it end to end.
import { ConfigResourceTypes } from "kafkajs";
import { afterAll, describe, expect, inject, it } from "vitest";
import { consumeAll, createTopics, deleteTopics, kafkaBrokers, produce, testKafka } from "./kafka.ts";
import { uniqueName } from "./names.ts";
import { waitFor } from "./waitFor.ts";

const brokers = kafkaBrokers();
const created: string[] = [];

async function newTopic(prefix: string, opts: { compacted?: boolean; numPartitions?: number } = {}): Promise<string> {
  const topic = uniqueName(prefix);
  created.push(topic);
  await createTopics(brokers, [topic], opts);
  return topic;
}

afterAll(async () => {
  await deleteTopics(brokers, created);
});

describe("kafka fixtures against the real broker", () => {
  it("sees the brokers the global setup provided", () => {
    expect(brokers.join(",")).toBe(inject("KAFKA_BROKERS"));
  });

  it("creates a topic, produces, and reads everything back from the beginning", async () => {
    const topic = await newTopic("roundtrip", { numPartitions: 3 });
    await produce(topic, [
      { key: "acct-1", value: "one", headers: { reason: "invalid-payload" } },
      { key: "acct-2", value: "two" },
      { key: "acct-1", value: "three" },
    ]);

    const messages = await consumeAll(topic, { until: (seen) => seen.length >= 3 });

    expect(messages.map((m) => m.value).sort()).toEqual(["one", "three", "two"]);
    const acct1 = messages.filter((m) => m.key === "acct-1");
    expect(new Set(acct1.map((m) => m.partition)).size).toBe(1); // same key, same partition...
    expect(acct1.map((m) => m.value)).toEqual(["one", "three"]); // ...in order
    expect(messages.find((m) => m.value === "one")?.headers).toEqual({ reason: "invalid-payload" });
  });

  it("creates compacted topics", async () => {
    const topic = await newTopic("compacted", { compacted: true });
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["cleanup.policy"] }],
      });
      expect(resources[0]?.configEntries[0]).toMatchObject({ configName: "cleanup.policy", configValue: "compact" });
    } finally {
      await admin.disconnect();
    }
  });

  it("consumer groups commit offsets: a restarted member resumes after the last processed message", async () => {
    const topic = await newTopic("group-resume");
    const groupId = uniqueName("group");
    const kafka = testKafka(brokers);
    const received: string[] = [];
    const runMember = async () => {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value?.toString() ?? "") });
      return consumer;
    };

    await produce(topic, [{ value: "a" }, { value: "b" }]);
    const first = await runMember();
    await waitFor(() => received.length >= 2, { description: "the first member to read a and b" });
    await first.disconnect(); // commits what it processed

    await produce(topic, [{ value: "c" }]);
    const second = await runMember();
    try {
      await waitFor(() => received.length >= 3, { description: "the second member to read c" });
      expect(received).toEqual(["a", "b", "c"]);
    } finally {
      await second.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).finally(() => admin.disconnect());
    }
  });

  it("consumeAll fails with what it saw when its condition never holds", async () => {
    const topic = await newTopic("consume-timeout");
    await produce(topic, [{ key: "k", value: "only-one" }]);
    await expect(consumeAll(topic, { until: (seen) => seen.length >= 2, timeoutMs: 3_000 })).rejects.toThrow(
      /until\(\) still false after 3000ms; saw 1 message\(s\), last: k=only-one/,
    );
  });

  it("deleteTopics removes topics and tolerates ones already gone", async () => {
    const topic = await newTopic("delete-me");
    await deleteTopics(brokers, [topic, uniqueName("never-existed")]);
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      // Deletion is asynchronous on the broker: poll until metadata no longer lists the topic.
      await waitFor(async () => !(await admin.listTopics()).includes(topic), { description: `${topic} to disappear` });
    } finally {
      await admin.disconnect();
    }
  });
});
