import type { Redis } from "ioredis";
import type { Producer } from "kafkajs";
import type { AlertTransition } from "@churnwatch/contracts";
import { drainUntilEmpty } from "./loop.ts";
import type { Logger } from "./logger.ts";

const KEEP_PER_ACCOUNT = 1_000;

/**
 * Moves alert transitions from the Redis history outbox (written atomically with the state) to the durable
 * Kafka history topic and to the per-account history in Redis. A crash between the two steps repeats them:
 * Kafka may then hold a transition twice (readers dedupe by transitionId), while the Redis history, a sorted
 * set whose members are the transitions themselves, cannot.
 */
export function createHistoryRelay(deps: {
  redis: Redis;
  producer: Producer;
  topic: string;
  outboxKey: string;
  historyKey: (accountId: string) => string;
  logger: Logger;
}) {
  async function drainOnce(): Promise<number> {
    const items = await deps.redis.lrange(deps.outboxKey, 0, 199);
    if (items.length === 0) return 0;
    const transitions = items.map((raw) => JSON.parse(raw) as AlertTransition);
    await deps.producer.send({
      topic: deps.topic,
      messages: transitions.map((t, i) => ({ key: t.accountId, value: items[i] ?? JSON.stringify(t), headers: { transitionId: t.transitionId } })),
    });
    const pipeline = deps.redis.pipeline();
    transitions.forEach((t, i) => {
      const key = deps.historyKey(t.accountId);
      pipeline.zadd(key, Date.parse(t.at), items[i] ?? JSON.stringify(t));
      pipeline.zremrangebyrank(key, 0, -KEEP_PER_ACCOUNT - 1);
    });
    for (const raw of items) pipeline.lrem(deps.outboxKey, 1, raw);
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return items.length;
  }

  return {
    drain: () => drainUntilEmpty(drainOnce),
    /** The account's alert history, oldest first. */
    async history(accountId: string): Promise<AlertTransition[]> {
      return (await deps.redis.zrange(deps.historyKey(accountId), 0, -1)).map((raw) => JSON.parse(raw) as AlertTransition);
    },
  };
}
