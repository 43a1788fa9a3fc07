import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Admin, Kafka, Producer } from "kafkajs";
import { ensureTopics, type Logger } from "@churnwatch/platform";
import { subscriptionSchema, type Subscription } from "./subscription.ts";

/** Where subscriptions live: one record per id in a compacted topic, cached in a Redis hash. */
export interface SubscriptionStore {
  /** Reads the whole topic and makes the cache match it (start-up, and after a Redis loss). */
  rebuild(): Promise<number>;
  list(): Promise<Subscription[]>;
  get(id: string): Promise<Subscription | undefined>;
  /** Durable once it returns: written to the topic (all in-sync replicas) before the cache. */
  put(s: Subscription): Promise<void>;
  /** A tombstone in the topic, then out of the cache. */
  remove(id: string): Promise<void>;
}

export interface SubscriptionStoreDeps {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  topic: string;
  redis: Redis;
  cacheKey: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * The topic is the source of truth: compaction keeps the latest record per subscription id forever and
 * drops deleted ones after their tombstone, so the notifier can rebuild every subscription from it.
 */
export function createKafkaSubscriptionStore(deps: SubscriptionStoreDeps): SubscriptionStore {
  const { redis, cacheKey, topic } = deps;
  const parse = (raw: string): Subscription | undefined => {
    const r = subscriptionSchema.safeParse(JSON.parse(raw));
    if (!r.success) deps.logger.error({ topic }, "a subscription record does not parse; skipped");
    return r.success ? r.data : undefined;
  };

  /** Every live record in the topic, read from the start up to the end it had when the read began. */
  async function readTopic(): Promise<Map<string, Subscription | null>> {
    await ensureTopics(deps.admin, [{ topic, partitions: 1, compacted: true }]);
    const ends = new Map((await deps.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
    const pending = new Set([...ends].filter(([, o]) => o.high > o.low).map(([p]) => p));
    const records = new Map<string, Subscription | null>();
    if (pending.size === 0) return records;
    // A throwaway group that commits nothing: every start reads the topic from its beginning.
    const groupId = `churnwatch-notifier-subscriptions-${randomUUID()}`;
    const consumer = deps.kafka.consumer({ groupId });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`subscriptions topic ${topic} not read within ${deps.timeoutMs ?? 30_000} ms`)), deps.timeoutMs ?? 30_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const key = message.key?.toString("utf8");
              if (key) records.set(key, message.value ? (parse(message.value.toString("utf8")) ?? null) : null);
              const end = ends.get(partition);
              if (end && BigInt(message.offset) + 1n >= end.high) pending.delete(partition);
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      // Nothing was committed, but the broker still lists the empty group until it expires.
      await deps.admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return records;
  }

  return {
    async rebuild() {
      const startedAt = Date.now();
      const records = await readTopic();
      const multi = redis.multi();
      for (const [id, s] of records) {
        if (s) multi.hset(cacheKey, id, JSON.stringify(s));
        else multi.hdel(cacheKey, id);
      }
      await multi.exec();
      // A cached entry the topic never had is a leftover (a deleted topic); one written during this read is not.
      for (const [id, raw] of Object.entries(await redis.hgetall(cacheKey))) {
        const s = parse(raw);
        if (!records.has(id) && (!s || Date.parse(s.updatedAt) < startedAt)) await redis.hdel(cacheKey, id);
      }
      const live = [...records.values()].filter(Boolean).length;
      deps.logger.info({ topic, subscriptions: live }, "digest subscriptions loaded from the topic");
      return live;
    },
    async list() {
      return Object.values(await redis.hgetall(cacheKey))
        .map(parse)
        .filter((s): s is Subscription => s !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async get(id) {
      const raw = await redis.hget(cacheKey, id);
      return raw ? parse(raw) : undefined;
    },
    async put(s) {
      await deps.producer.send({ topic, acks: -1, messages: [{ key: s.id, value: JSON.stringify(s) }] });
      await redis.hset(cacheKey, s.id, JSON.stringify(s));
    },
    async remove(id) {
      await deps.producer.send({ topic, acks: -1, messages: [{ key: id, value: null }] });
      await redis.hdel(cacheKey, id);
    },
  };
}
