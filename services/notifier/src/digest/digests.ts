import { Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Admin, Kafka, Producer } from "kafkajs";
import { defaultConfig } from "@churnwatch/engine";
import { closeAll, once, type Logger } from "@churnwatch/platform";
import type { NotifierConfig } from "../env.ts";
import type { InboxStore } from "../lifecycle/redisInbox.ts";
import type { Mailer } from "../mailer.ts";
import { createAlertWorker } from "../worker.ts";
import { createKafkaSubscriptionStore } from "./kafkaSubscriptionStore.ts";
import { createDigestComposer, createDigestRunner, type DigestRunnerDeps } from "./runner.ts";
import { periodKey } from "./schedule.ts";
import { createDigestScheduler } from "./scheduler.ts";
import { createSubscriptions, type Subscriptions } from "./subscriptions.ts";

export interface DigestsDeps {
  config: NotifierConfig;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  /** Shared connection with maxRetriesPerRequest: null (a worker's). */
  redis: Redis;
  inbox: InboxStore;
  mailer: Mailer;
  now: () => number;
  logger: Logger;
}

export interface DigestPreview {
  period: string;
  matching: number;
  /** What the policy would do with it: an empty digest is skipped unless the subscription says send. */
  wouldSend: boolean;
  subject: string;
  text: string;
  html: string;
}

export interface Digests {
  queue: Queue;
  /** The worker running digests, once started (for metrics). */
  worker(): Worker | undefined;
  subscriptions: Subscriptions;
  /** The digest a subscription would get now, rendered, without sending it or recording anything. */
  preview(id: string): Promise<DigestPreview | undefined>;
  /** Loads the subscriptions from the topic, makes the schedulers match, then starts running digests. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The executive digests, wired: subscriptions (topic + cache), one job scheduler each, and the runner. */
export function createDigests(deps: DigestsDeps): Digests {
  const { config, logger } = deps;
  const log = logger.child({ component: "digests" });
  const queue = new Queue(config.digests.queueName, { connection: deps.redis });
  const store = createKafkaSubscriptionStore({
    kafka: deps.kafka,
    admin: deps.admin,
    producer: deps.producer,
    topic: config.kafka.subscriptionsTopic,
    redis: deps.redis,
    cacheKey: `${config.keyPrefix}digest-subscriptions`,
    logger: log,
  });
  const scheduler = createDigestScheduler({ queue, logger: log });
  const subscriptions = createSubscriptions({ store, scheduler, now: deps.now, logger: log });
  let worker: Worker | undefined;
  const runnerDeps: DigestRunnerDeps = {
    redis: deps.redis,
    store,
    scheduler,
    inbox: deps.inbox,
    mailer: deps.mailer,
    keyPrefix: config.keyPrefix,
    signalKeyPrefix: config.signalKeyPrefix,
    links: { appBaseUrl: config.appBaseUrl, linkKeys: config.linkKeys, linkTtlSeconds: config.linkTtlSeconds },
    lateAfterMs: config.digests.lateAfterMs,
    engine: config.engine ?? defaultConfig,
    fx: config.fx,
    now: deps.now,
    logger: log,
  };
  const compose = createDigestComposer(runnerDeps);

  return {
    queue,
    subscriptions,
    worker: () => worker,
    async preview(id) {
      const sub = await store.get(id);
      if (!sub) return undefined;
      const nowMs = deps.now();
      const period = periodKey(sub.schedule, nowMs);
      const { content, email } = await compose(sub, period, nowMs, nowMs);
      return { period, matching: content.matching, wouldSend: content.matching > 0 || sub.whenEmpty === "send", subject: email.subject, text: email.text, html: email.html };
    },
    async start() {
      // Before any run: a run whose subscription is missing from the cache removes its schedule.
      await store.rebuild();
      await scheduler.sync(await store.list());
      worker = createAlertWorker({
        queueName: config.digests.queueName,
        concurrency: 1,
        retry: config.retry,
        connection: deps.redis,
        processor: createDigestRunner(runnerDeps),
        logger: log,
        lockMs: config.jobLockMs,
      });
      await worker.waitUntilReady();
    },
    stop: once(async () => {
      await closeAll(
        [
          ["digest worker", async () => worker?.close()],
          ["digest queue", async () => queue.close()],
        ],
        log,
      );
    }),
  };
}
