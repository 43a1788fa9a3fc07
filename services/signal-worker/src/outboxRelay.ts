import type { Redis } from "ioredis";
import type { Queue } from "bullmq";
import { ALERT_JOB, alertJobId, alertJobOptions, type AlertNotification } from "@churnwatch/contracts";
import { drainUntilEmpty, type Logger } from "@churnwatch/platform";

/**
 * Moves notifications from the Redis outbox (written atomically with the account state) to the BullMQ
 * queue. The job id derives from the notification id, so a relay that crashes between "add" and "remove" re-adds a
 * job BullMQ already has, which it ignores. Removing by value (LREM) keeps concurrent relays safe.
 */
export function createOutboxRelay(deps: {
  redis: Redis;
  queue: Queue;
  outboxKey: string;
  logger: Logger;
  batchSize?: number;
  onEnqueued?: (n: AlertNotification) => void;
}) {
  const batchSize = deps.batchSize ?? 100;

  async function drainOnce(): Promise<number> {
    const items = await deps.redis.lrange(deps.outboxKey, 0, batchSize - 1);
    if (items.length === 0) return 0;
    const jobs = items.map((raw) => {
      const n = JSON.parse(raw) as AlertNotification;
      return { name: ALERT_JOB, data: n, opts: { ...alertJobOptions, jobId: alertJobId(n.notificationId) } };
    });
    await deps.queue.addBulk(jobs);
    const pipeline = deps.redis.pipeline();
    for (const raw of items) pipeline.lrem(deps.outboxKey, 1, raw);
    await pipeline.exec();
    for (const job of jobs) {
      deps.onEnqueued?.(job.data);
      deps.logger.info({ accountId: job.data.accountId, alertId: job.data.alertId, notificationId: job.data.notificationId, level: job.data.level }, "alert enqueued");
    }
    return items.length;
  }

  return {
    /** Drains until empty; returns how many were moved. */
    drain: () => drainUntilEmpty(drainOnce),
  };
}
