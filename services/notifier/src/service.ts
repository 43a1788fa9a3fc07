import { Redis } from "ioredis";
import { Queue, UnrecoverableError, type Job, type Worker } from "bullmq";
import type { FastifyInstance } from "fastify";
import type { Producer } from "kafkajs";
import { z } from "zod";
import { ALERT_JOB, alertNotificationSchema, CONSOLE_ANSWERS_PARTITIONS, type AlertTransition } from "@churnwatch/contracts";
import {
  closeAll,
  createChangelogRelay,
  createHistoryRelay,
  hashChangelogLoader,
  createKafka,
  ensureTopics,
  maskEmails,
  once,
  partitioner,
  readComplaintTexts,
  sharedProducer,
  startLoop,
  startOpsServer,
  type Logger,
  type Loop,
  type OpsServer,
} from "@churnwatch/platform";
import { createRedisLabels } from "./api/labels.ts";
import { buildApi } from "./api/server.ts";
import type { NotifierConfig } from "./env.ts";
import { TICK_JOB } from "./lifecycle/emailQueue.ts";
import { createLifecycle, type Lifecycle } from "./lifecycle/lifecycle.ts";
import { createRedisInbox } from "./lifecycle/redisInbox.ts";
import { createSummaryScheduler, summaryEntrySchema } from "./lifecycle/summary.ts";
import { createLifecycleRelay } from "./lifecycle/relay.ts";
import { createSmtpMailer, type Mailer } from "./mailer.ts";
import { createNotifierMetrics } from "./metrics.ts";
import { createRedisSentMarkers } from "./redisSentMarkers.ts";
import { createAlertWorker, createEmailProcessor } from "./worker.ts";
import { createDigests, type Digests } from "./digest/digests.ts";
import { createConsoleAnswerConsumer } from "./consoleAnswerConsumer.ts";

export interface NotifierDeps {
  logger: Logger;
  /** Defaults to SMTP from config.smtpUrl. */
  mailer?: Mailer;
  /** The policy's clock (quiet hours, repeats, escalation, link expiry); tests move it. */
  now?: () => number;
}

export interface Notifier {
  start(): Promise<void>;
  /** The ops endpoints' port once started (OPS_PORT 0 picks a free one). */
  opsPort(): number | undefined;
  /** The alerts API's port once started (API_PORT 0 picks a free one). */
  apiPort(): number | undefined;
  /** Every route the API registered (method and path), each with its declared access. */
  apiRoutes(): ReadonlyArray<{ method: string; url: string }>;
  /** Runs one policy tick now (the scheduler runs them every TICK_INTERVAL_MS) and relays what it decided. */
  tick(): Promise<number>;
  lifecycle(): Lifecycle;
  /** Idempotent: stops intake and waits for the in-flight jobs, then closes SMTP, Kafka and Redis. */
  stop(): Promise<void>;
}

function closeRedis(redis: Redis): Promise<unknown> {
  // QUIT waits for a reply; on a client that is not connected it would queue forever (no retry limit).
  if (redis.status === "ready") return redis.quit();
  redis.disconnect();
  return Promise.resolve();
}

/**
 * Composition root. Two stages, each a BullMQ worker:
 * - the alert lifecycle (ALERT_QUEUE): engine notifications and clock ticks go through the notification
 *   policy, which commits each account's alerts with the emails it decided (an outbox, atomically);
 * - delivery (EMAIL_QUEUE): the relay schedules each email at its send time (quiet hours), the send step
 *   renders it from the latest evidence and sends it once.
 * Plus the alerts API with the pages behind the links in emails, and the ops endpoints.
 */
export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const logger = deps.logger;
  const now = deps.now ?? Date.now;
  const mailer = deps.mailer ?? createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: config.smtpTimeoutMs });
  const kafka = createKafka({ clientId: "churnwatch-notifier", brokers: config.kafka.brokers, logger });
  // Shared by the history and changelog relays, which run concurrently (see sharedProducer).
  const producer: Producer = sharedProducer(() => kafka.producer({ createPartitioner: partitioner, idempotent: true, maxInFlightRequests: 1 }), logger);
  const admin = kafka.admin();
  let redis: Redis | undefined;
  let lifecycleWorker: Worker | undefined;
  let emailWorker: Worker | undefined;
  let alertQueue: Queue | undefined;
  let emailQueue: Queue | undefined;
  let ops: OpsServer | undefined;
  let api: FastifyInstance | undefined;
  let apiPort: number | undefined;
  let relayLoop: Loop | undefined;
  let digests: Digests | undefined;
  let answers: ReturnType<typeof createConsoleAnswerConsumer> | undefined;
  let lifecycle: Lifecycle | undefined;
  let relayAll: () => Promise<unknown> = async () => undefined;
  let tickAll: () => Promise<number> = async () => 0;
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

    await admin.connect();
    await ensureTopics(admin, [
      { topic: config.kafka.historyTopic, partitions: 3, retainForever: true },
      { topic: config.kafka.inboxTopic, partitions: 3, compacted: true },
      { topic: config.kafka.answersTopic, partitions: CONSOLE_ANSWERS_PARTITIONS, retainForever: true },
    ]);
    await producer.connect();

    const store = createRedisInbox(connection, config.keyPrefix);
    const lc = createLifecycle({ store, config: config.policy, now, logger });
    lifecycle = lc;
    alertQueue = new Queue(config.queueName, { connection });
    emailQueue = new Queue(config.emailQueueName, { connection });
    const relay = createLifecycleRelay({ redis: connection, queue: emailQueue, keys: store.keys, config: config.policy, now, logger });
    const historyRelay = createHistoryRelay({
      redis: connection,
      producer,
      topic: config.kafka.historyTopic,
      outboxKey: store.keys.historyOutbox,
      // The same per-account history the signal worker writes: one place to read an alert's whole life.
      historyKey: (accountId) => `${config.signalKeyPrefix}history:${accountId}`,
      logger,
    });
    const summaries = createSummaryScheduler({ redis: connection, keys: store.keys, queue: emailQueue, now, logger });
    const changelog = createChangelogRelay({
      redis: connection,
      producer,
      topic: config.kafka.inboxTopic,
      dirtyKey: store.keys.inboxDirty,
      load: hashChangelogLoader(connection, store.keys.inbox, ["s"]),
      logger,
    });
    relayAll = () => Promise.all([relay.drain(), historyRelay.drain(), changelog.drain()]);
    tickAll = async () => {
      const emails = await lc.tickAll();
      await relayAll();
      return emails + (await summaries.enqueueDue());
    };
    const record = async (transitions: AlertTransition[]) => {
      if (transitions.length > 0) await connection.rpush(store.keys.historyOutbox, ...transitions.map((t) => JSON.stringify(t)));
    };

    const lifecycleProcessor = async (job: Job) => {
      if (job.name === TICK_JOB) return { status: "ticked", emails: await tickAll() };
      if (job.name !== ALERT_JOB) throw new UnrecoverableError(`unknown job name "${job.name.slice(0, 100)}"`);
      const parsed = alertNotificationSchema.safeParse(job.data);
      if (!parsed.success) {
        const reason = `invalid payload: ${maskEmails(z.prettifyError(parsed.error)).replace(/\s+/g, " ").slice(0, 1_000)}`;
        logger.error({ jobId: job.id, reason }, "notification refused");
        throw new UnrecoverableError(reason);
      }
      const outcome = await lc.onNotification(parsed.data);
      // The commit holds the decision; relaying now only makes it prompt (the loop would do it within a second).
      await relayAll().catch((err: unknown) => logger.warn({ err }, "relay after a decision failed; the loop retries"));
      return { status: "decided", emails: outcome.emails.length, digests: outcome.digests.length };
    };
    lifecycleWorker = createAlertWorker({
      queueName: config.queueName,
      concurrency: config.concurrency,
      retry: config.retry,
      connection,
      processor: lifecycleProcessor,
      logger,
      lockMs: config.jobLockMs,
    });
    const markers = createRedisSentMarkers(connection, { keyPrefix: config.keyPrefix, ttlSeconds: config.sentMarkerTtlSeconds });
    emailWorker = createAlertWorker({
      queueName: config.emailQueueName,
      concurrency: config.concurrency,
      retry: config.retry,
      connection,
      processor: createEmailProcessor({
        mailer,
        markers,
        inbox: store,
        record,
        complaints: (accountId, eventIds) => readComplaintTexts(connection, config.signalKeyPrefix, accountId, eventIds),
        summaryEntries: async (due) =>
          (await connection.sunion(store.keys.digest(due.recipient, due.day), store.keys.legacyDigest(due.recipient, due.day))).map((raw) =>
            summaryEntrySchema.parse(JSON.parse(raw)),
          ),
        logger,
        links: { appBaseUrl: config.appBaseUrl, linkKeys: config.linkKeys, linkTtlSeconds: config.linkTtlSeconds },
        now,
      }),
      logger,
      lockMs: config.jobLockMs,
    });
    digests = createDigests({ config, kafka, admin, producer, redis: connection, inbox: store, mailer, now, logger });
    await digests.start();
    await Promise.all([lifecycleWorker.waitUntilReady(), emailWorker.waitUntilReady()]);
    // One scheduler across every instance (BullMQ keeps it in Redis under this id): one tick per interval.
    await alertQueue.upsertJobScheduler("policy-tick", { every: config.tickIntervalMs }, { name: TICK_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    relayLoop = startLoop("lifecycle-relay", 1_000, relayAll, logger);

    const metrics = createNotifierMetrics([alertQueue, emailQueue, digests.queue]);
    metrics.observe(emailWorker);
    const digestWorker = digests.worker();
    if (digestWorker) metrics.observeDigests(digestWorker);
    const redisForChecks = connection;
    ops = await startOpsServer({
      port: config.ops.port,
      token: config.ops.token,
      registry: metrics.registry,
      readiness: { redis: () => redisForChecks.ping(), smtp: () => mailer.verify(), kafka: () => admin.describeCluster() },
      logger,
    });
    const labels = createRedisLabels(connection, `${config.keyPrefix}labels`);
    answers = createConsoleAnswerConsumer({ kafka, topic: config.kafka.answersTopic, groupId: config.kafka.answersGroup, lifecycle: lc, labels, afterCommit: relayAll, logger });
    await answers.start();
    api = await buildApi({
      lifecycle: lc,
      history: async (accountId) =>
        (await connection.zrange(`${config.signalKeyPrefix}history:${accountId}`, 0, -1)).map((raw) => JSON.parse(raw) as AlertTransition),
      labels,
      tokens: config.api.tokens,
      linkKeys: config.linkKeys,
      linkTtlSeconds: config.linkTtlSeconds,
      consoleBaseUrl: config.consoleBaseUrl,
      now,
      logger,
      afterCommit: relayAll,
      queues: [alertQueue, emailQueue, digests.queue],
      digests: { subscriptions: digests.subscriptions, preview: digests.preview },
    });
    await api.listen({ port: config.api.port, host: config.api.host });
    const address = api.server.address();
    apiPort = typeof address === "object" && address ? address.port : config.api.port;
    if (config.api.tokens.length === 0) logger.warn("API_TOKENS unset: the alerts API refuses every request (the email links still work)");
    logger.info({ queue: config.queueName, emailQueue: config.emailQueueName, apiPort, concurrency: config.concurrency }, "notifier started");
  }

  const stop = once(async () => {
    stopping = true;
    await closeAll(
      [
        // Closing the workers first stops fetching and lets in-flight jobs finish (and write their markers).
        ["lifecycle worker", async () => lifecycleWorker?.close()],
        ["email worker", async () => emailWorker?.close()],
        ["digests", async () => digests?.stop()],
        ["console answers", async () => answers?.stop()],
        ["relay", async () => relayLoop?.stop()],
        ["outboxes", async () => (redis?.status === "ready" ? relayAll() : undefined)],
        ["api", async () => api?.close()],
        ["ops server", async () => ops?.close()],
        ["queues", async () => Promise.all([alertQueue?.close(), emailQueue?.close()])],
        ["smtp", async () => mailer.close()],
        ["producer", async () => producer.disconnect()],
        ["kafka admin", async () => admin.disconnect()],
        ["redis", async () => (redis ? closeRedis(redis) : undefined)],
      ],
      logger,
    );
    logger.info("notifier stopped");
  });

  return {
    start,
    opsPort: () => ops?.port,
    apiPort: () => apiPort,
    apiRoutes: () => api?.declaredRoutes ?? [],
    async tick() {
      if (!lifecycle) throw new Error("notifier not started");
      return tickAll();
    },
    lifecycle: () => {
      if (!lifecycle) throw new Error("notifier not started");
      return lifecycle;
    },
    stop,
  };
}
