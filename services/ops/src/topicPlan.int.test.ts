import { afterEach, describe, expect, it } from "vitest";
import { CONSOLE_ANSWERS_PARTITIONS, defaultTopicNames } from "@churnwatch/contracts";
import { deleteTopics, kafkaBrokers, testKafka, uniqueName } from "@churnwatch/testing";
import { topicEnvName } from "./env.ts";
import { ensurePipelineTopics } from "./topicPlan.ts";

let created: string[] = [];
afterEach(async () => {
  await deleteTopics(kafkaBrokers(), created);
  created = [];
});

describe("ensure-topics (the deployments' init step)", () => {
  it("creates every topic of the pipeline with TOPIC_PARTITIONS partitions, the dead letters with one, console answers with theirs", async () => {
    const id = uniqueName("ensure-topics");
    const names = Object.fromEntries(Object.entries(defaultTopicNames).map(([key, name]) => [topicEnvName(key), `${id}.${name}`]));
    created = Object.values(names);
    const env = { KAFKA_BROKERS: kafkaBrokers().join(","), TOPIC_PARTITIONS: "4", LOG_LEVEL: "fatal", ...names };

    const plan = await ensurePipelineTopics(env);
    expect(plan.map((t) => t.topic).sort()).toEqual([...created].sort());
    // Run twice, as every `docker compose up` does: existing topics are left alone, no error.
    await ensurePipelineTopics(env);

    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: created });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions[names.TOPIC_ALERT_HISTORY!]).toBe(4);
      expect(partitions[names.TOPIC_ORDERS!]).toBe(4);
      expect(partitions[names.TOPIC_ALERT_INBOX!]).toBe(4);
      expect(partitions[names.TOPIC_DEAD_LETTER!]).toBe(1);
      expect(partitions[names.TOPIC_CONSOLE_ANSWERS!]).toBe(CONSOLE_ANSWERS_PARTITIONS);
      const configs = await admin.describeConfigs({ resources: [{ type: 2, name: names.TOPIC_ACCOUNT_STATE! }], includeSynonyms: false });
      expect(configs.resources[0]?.configEntries.find((c) => c.configName === "cleanup.policy")?.configValue).toBe("compact");
    } finally {
      await admin.disconnect();
    }
  });
});
