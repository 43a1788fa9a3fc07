import { Redis } from "ioredis";
import { Queue, type Worker } from "bullmq";
import { closeAll, once, startOpsServer, type Logger, type OpsServer } from "@churnwatch/platform";
import { createNotifierMetrics } from "./metrics.ts";
import type { NotifierConfig } from "./env.ts";
import { createSmtpMailer, type Mailer } from "./mailer.ts";
import { createRedisSentMarkers } from "./redisSentMarkers.ts";
import { createAlertProcessor, createAlertWorker } from "./worker.ts";

export interface NotifierDeps {
  logger: Logger;
  /** Defaults to SMTP from config.smtpUrl. */
  mailer?: Mailer;
  now?: () => number;
}

export interface Notifier {
  start(): Promise<void>;
  /** The ops endpoints' port once started (OPS_PORT 0 picks a free one). */
  opsPort(): number | undefined;
  /** Idempotent: stops intake and waits for the in-flight jobs, then closes SMTP and Redis. */
  stop(): Promise<void>;
}

function closeRedis(redis: Redis): Promise<unknown> {
  // QUIT waits for a reply; on a client that is not connected it would queue forever (no retry limit).
  if (redis.status === "ready") return redis.quit();
  redis.disconnect();
  return Promise.resolve();
}

/** Composition root: builds the collaborators; start() connects and starts consuming ALERT_QUEUE. */
export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const logger = deps.logger;
  const mailer = deps.mailer ?? createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: config.smtpTimeoutMs });
  let redis: Redis | undefined;
  let worker: Worker | undefined;
  let queue: Queue | undefined;
  let ops: OpsServer | undefined;
  let stopping = false;

  async function start(): Promise<void> {
    if (redis || stopping) throw new Error("notifier already started or stopped");
    // Workers must keep retrying Redis commands forever (BullMQ production guide), hence no retry limit.
    const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    redis = connection;
    let lastError = "";
    connection.on("error", (err: Error) => {
      if (err.message === lastError) return; // one line per distinct failure, not one per reconnect
      lastError = err.message;
      logger.warn({ err }, "redis connection error");
    });
    connection.on("ready", () => (lastError = ""));

    const markers = createRedisSentMarkers(connection, { keyPrefix: config.keyPrefix, ttlSeconds: config.sentMarkerTtlSeconds });
    const processor = createAlertProcessor({
      mailer,
      markers,
      logger,
      links: { appBaseUrl: config.appBaseUrl, linkSecret: config.linkSecret, linkTtlSeconds: config.linkTtlSeconds },
      ...(deps.now ? { now: deps.now } : {}),
    });
    worker = createAlertWorker({
      queueName: config.queueName,
      concurrency: config.concurrency,
      retry: config.retry,
      connection,
      processor,
      logger,
    });
    await worker.waitUntilReady();
    queue = new Queue(config.queueName, { connection });
    const metrics = createNotifierMetrics(queue);
    metrics.observe(worker);
    const redisForChecks = connection;
    ops = await startOpsServer({
      port: config.ops.port,
      token: config.ops.token,
      registry: metrics.registry,
      readiness: { redis: () => redisForChecks.ping(), smtp: () => mailer.verify() },
      logger,
    });
    logger.info({ queue: config.queueName, concurrency: config.concurrency }, "notifier started");
  }

  const stop = once(async () => {
    stopping = true;
    await closeAll(
      [
        // Closing the worker first stops fetching and lets in-flight jobs finish (and write their markers).
        ["worker", async () => worker?.close()],
        ["ops server", async () => ops?.close()],
        ["queue", async () => queue?.close()],
        ["smtp", async () => mailer.close()],
        ["redis", async () => (redis ? closeRedis(redis) : undefined)],
      ],
      logger,
    );
    logger.info("notifier stopped");
  });

  return { start, opsPort: () => ops?.port, stop };
}
