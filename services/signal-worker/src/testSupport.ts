import { Queue } from "bullmq";
import type { ChurnEvent } from "@churnwatch/contracts";
import { Redis } from "ioredis";
import { createTopics, deleteKeysByPrefix, deleteTopics, kafkaBrokers, produce, redisUrl, uniqueName } from "@churnwatch/testing";
import { topicOf } from "../../../test/support/events.ts";
import { loadConfig, type SignalWorkerConfig } from "./env.ts";
import { createRedisSignalStore } from "./redisSignalStore.ts";

/** A signal-worker environment of its own for one test: unique topics, group, queue and key prefix. */
export async function isolatedEnvironment(tag: string, overrides: Record<string, string> = {}) {
  const id = uniqueName(tag);
  const env: Record<string, string> = {
    KAFKA_BROKERS: kafkaBrokers().join(","),
    REDIS_URL: redisUrl(),
    CONSUMER_GROUP: `${id}-group`,
    TOPIC_ACCOUNTS: `${id}.accounts`,
    TOPIC_ORDERS: `${id}.orders`,
    TOPIC_PAYMENTS: `${id}.payments`,
    TOPIC_COMPLAINTS: `${id}.complaints`,
    TOPIC_INTERACTIONS: `${id}.interactions`,
    TOPIC_DEAD_LETTER: `${id}.dead-letter`,
    TOPIC_ALERT_HISTORY: `${id}.alert-history`,
    TOPIC_ACCOUNT_STATE: `${id}.account-state`,
    TOPIC_PARTITIONS: "3",
    ALERT_QUEUE: `${id}-alerts`,
    KEY_PREFIX: `${id}:`,
    LAG_CHECK_INTERVAL_MS: "300",
    SWEEP_INTERVAL_MS: "1000",
    CAUGHT_UP_MAX_LAG: "0",
    LOG_LEVEL: "warn",
    OPS_PORT: "0",
    ...overrides,
  };
  const config: SignalWorkerConfig = loadConfig(env);
  const topics = {
    accounts: config.TOPIC_ACCOUNTS,
    orders: config.TOPIC_ORDERS,
    payments: config.TOPIC_PAYMENTS,
    complaints: config.TOPIC_COMPLAINTS,
    interactions: config.TOPIC_INTERACTIONS,
  };
  await createTopics(config.KAFKA_BROKERS, [topics.orders, topics.payments, topics.complaints, topics.interactions], { numPartitions: 3 });
  await createTopics(config.KAFKA_BROKERS, [topics.accounts], { numPartitions: 3, compacted: true });
  await createTopics(config.KAFKA_BROKERS, [config.TOPIC_DEAD_LETTER]);
  const redis = new Redis(config.REDIS_URL);
  const store = createRedisSignalStore(redis, { prefix: config.KEY_PREFIX, seenTtlSeconds: 3600 });
  // BullMQ leaves a connection it was handed open: cleanup closes it, or it outlives the test's Redis.
  const queueConnection = redis.duplicate();
  const queue = new Queue(config.ALERT_QUEUE, { connection: queueConnection });

  return {
    env,
    config,
    topics,
    store,
    redis,
    queue,
    async produceEvents(events: ChurnEvent[]) {
      for (const topic of Object.values(topics)) {
        const mine = events.filter((e) => topicOf(e, topics) === topic);
        if (mine.length > 0) await produce(topic, mine.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })));
      }
    },
    async appliedCount(accountId: string) {
      return (await store.load(accountId)).applied ?? 0;
    },
    async cleanup() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await queueConnection.quit();
      await deleteKeysByPrefix(redis, config.KEY_PREFIX);
      await redis.quit();
      // The notifier of an end-to-end test writes its inbox changelog and digest subscriptions next to these.
      await deleteTopics(config.KAFKA_BROKERS, [
        ...Object.values(topics),
        config.TOPIC_DEAD_LETTER,
        config.TOPIC_ALERT_HISTORY,
        config.TOPIC_ACCOUNT_STATE,
        `${id}.alert-inbox`,
        `${id}.digest-subscriptions`,
      ]);
    },
  };
}
