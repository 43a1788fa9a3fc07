import { defaultTopicNames, eventTypes, topicRoleOf } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { eventTopics, loadConfig } from "./env.ts";

const env = { KAFKA_BROKERS: "127.0.0.1:9092", REDIS_URL: "redis://127.0.0.1:6379" };

describe("topic routing", () => {
  it("consumes the topic of every event type, by default and when renamed", () => {
    const byDefault = eventTopics(loadConfig(env));
    for (const type of eventTypes) expect(byDefault, type).toContain(defaultTopicNames[topicRoleOf[type]]);
    const renamed = eventTopics(loadConfig({ ...env, TOPIC_INTERACTIONS: "crm.interactions" }));
    expect(renamed).toContain("crm.interactions");
    expect(renamed).not.toContain("interactions");
  });

  it("carries contacts on their own topic", () => {
    expect(topicRoleOf["interaction.logged"]).toBe("interactions");
    expect(defaultTopicNames.interactions).toBe("interactions");
  });
});
