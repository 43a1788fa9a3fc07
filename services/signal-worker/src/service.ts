import { Redis } from "ioredis";
import { Queue } from "bullmq";
import type { Consumer } from "kafkajs";
import type { EngineConfig } from "@churnwatch/engine";
import {
  closeAll,
  createChangelogRelay,
  createHistoryRelay,
  hashChangelogLoader,
  keepComplaintTexts,
  createKafka,
  ensureTopics,
  once,
  partitioner,
  sharedProducer,
  startLoop,
  startOpsServer,
  type OpsServer,
  type Logger,
  type Loop,
  createDeadLetterWriter,
} from "@churnwatch/platform";
import { createAccountProcessor } from "./accountProcessor.ts";
import { createBatchHandler } from "./batchHandler.ts";
import { createConfigSource } from "./configSource.ts";
import { eventTopics, type SignalWorkerConfig } from "./env.ts";
import { createLagMonitor } from "./lagMonitor.ts";
import { createSignalMetrics } from "./metrics.ts";

import { createOutboxRelay } from "./outboxRelay.ts";
import { createRedisSignalStore } from "./redisSignalStore.ts";
import { createStateCache } from "./stateCache.ts";
import { createSweeper } from "./sweeper.ts";

export interface SignalWorkerDeps {
  logger: Logger;
  now?: () => Date;
  engineConfig?: EngineConfig;
}

/** Composition root: builds every collaborator, starts them in order and stops them intake-first. */
export function createSignalWorker(config: SignalWorkerConfig, deps: SignalWorkerDeps) {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  const rules = createConfigSource(config.ENGINE_CONFIG_PATH, logger);
  const engineConfig = () => deps.engineConfig ?? rules.current();
  const topics = eventTopics(config);

  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  // Shared by the relays and the dead-letter writer, which run concurrently (see sharedProducer).
  const producer = sharedProducer(() => kafka.producer({ createPartitioner: partitioner, idempotent: true, maxInFlightRequests: 1 }), logger);
  const consumer: Consumer = kafka.consumer({
    groupId: config.CONSUMER_GROUP,
    allowAutoTopicCreation: false,
    // Larger fetches put more of an account's events into one commit while catching up; a fetch may fill
    // up to eight partitions' worth.
    maxBytesPerPartition: config.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    maxBytes: 8 * config.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const queueConnection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const queue = new Queue(config.ALERT_QUEUE, { connection: queueConnection });
  redis.on("error", (err) => logger.error({ err }, "redis connection error"));
  queueConnection.on("error", (err) => logger.error({ err }, "redis (queue) connection error"));

  const cache = createStateCache(config.STATE_CACHE_MB * 1024 * 1024);
  const store = createRedisSignalStore(redis, {
    prefix: config.KEY_PREFIX,
    seenTtlSeconds: config.SEEN_TTL_DAYS * 86_400,
    readLegacySeen: config.SEEN_LEGACY_KEYS,
    cache,
  });
  const lag = createLagMonitor({ admin, groupId: config.CONSUMER_GROUP, topics, maxLag: config.CAUGHT_UP_MAX_LAG, logger });
  const metrics = createSignalMetrics(lag, cache);
  const relay = createOutboxRelay({
    redis,
    queue,
    outboxKey: store.keys.outbox,
    logger,
    onEnqueued: (n) => {
      for (const a of [n, ...(n.related ?? [])]) metrics.alerts.inc({ rule: a.rule, level: a.level });
    },
  });
  let ops: OpsServer | undefined;
  const historyRelay = createHistoryRelay({
    redis,
    producer,
    topic: config.TOPIC_ALERT_HISTORY,
    outboxKey: store.keys.historyOutbox,
    historyKey: store.keys.history,
    logger,
  });
  const changelog = createChangelogRelay({
    redis,
    producer,
    topic: config.TOPIC_ACCOUNT_STATE,
    dirtyKey: store.keys.stateDirty,
    load: hashChangelogLoader(redis, store.keys.account, ["s", "n", "w"]),
    logger,
  });
  const relayAll = () => Promise.all([relay.drain(), historyRelay.drain(), changelog.drain()]);
  const loops: Loop[] = [];
  // One loop per relay: under a steady stream the changelog relay drains for as long as commits keep marking
  // accounts dirty, and alerts must not wait for it.
  let relayLoops: Loop[] = [];
  const kickRelays = () => relayLoops.forEach((l) => l.kick());

  const processor = createAccountProcessor({
    store,
    config: engineConfig,
    isLive: (at) => lag.isCaughtUp() && Date.parse(at) >= now().getTime() - config.LIVE_WINDOW_MS,
    accountsPerRound: config.ACCOUNTS_PER_ROUND_TRIP,
    keepComplaintTexts: (complaints) => keepComplaintTexts(redis, config.KEY_PREFIX, complaints),
    onLoaded: ({ accounts, cached }) => {
      metrics.stateLoads.inc({ source: "cache" }, cached);
      metrics.stateLoads.inc({ source: "redis" }, accounts - cached);
    },
  });
  const handleBatch = createBatchHandler({
    processor,
    writeDeadLetters: createDeadLetterWriter(producer, config.TOPIC_DEAD_LETTER, now),
    logger,
    maxEventBytes: config.MAX_EVENT_BYTES,
    onProcessed: kickRelays,
    metrics,
  });
  const sweep = createSweeper({
    store,
    processor,
    redis,
    lockKey: store.keys.sweepLock,
    leaseMs: 10 * 60_000,
    now,
    logger,
    fullEveryMs: config.FULL_SWEEP_INTERVAL_MS,
    configVersion: () => engineConfig().version,
  });

  async function start(): Promise<void> {
    await admin.connect();
    if (config.CREATE_TOPICS) {
      await ensureTopics(admin, [
        { topic: config.TOPIC_ACCOUNTS, partitions: config.TOPIC_PARTITIONS, compacted: true },
        ...[config.TOPIC_ORDERS, config.TOPIC_PAYMENTS, config.TOPIC_COMPLAINTS, config.TOPIC_INTERACTIONS].map((topic) => ({ topic, partitions: config.TOPIC_PARTITIONS })),
        { topic: config.TOPIC_DEAD_LETTER, partitions: 1 },
        { topic: config.TOPIC_ALERT_HISTORY, partitions: config.TOPIC_PARTITIONS, retainForever: true },
        { topic: config.TOPIC_ACCOUNT_STATE, partitions: config.TOPIC_PARTITIONS, compacted: true },
      ]);
    }
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    relayLoops = [
      startLoop("outbox-relay", 1_000, () => relay.drain(), logger),
      startLoop("history-relay", 1_000, () => historyRelay.drain(), logger),
      startLoop("changelog-relay", 1_000, () => changelog.drain(), logger),
    ];
    let wasCaughtUp = false;
    loops.push(
      ...relayLoops,
      startLoop("lag-monitor", config.LAG_CHECK_INTERVAL_MS, async () => {
        await lag.measure();
        const caughtUp = lag.isCaughtUp();
        if (caughtUp && !wasCaughtUp) {
          logger.info({ lag: lag.totalLag() }, "caught up with the present; alerts may notify");
          sweepLoop.kick();
        }
        wasCaughtUp = caughtUp;
      }, logger),
    );
    const sweepLoop = startLoop("sweep", config.SWEEP_INTERVAL_MS, async () => {
      if (!lag.isCaughtUp()) return; // ticking a half-loaded history at "now" would invent silence
      const result = await sweep();
      if (result) metrics.sweeps.inc({ kind: result.full ? "full" : "due" });
      if (result) metrics.sweptAccounts.inc({ kind: result.full ? "full" : "due" }, result.accounts);
      if (result && result.notifications > 0) kickRelays();
    }, logger);
    loops.push(sweepLoop);
    ops = await startOpsServer({
      port: config.OPS_PORT,
      token: config.OPS_TOKEN,
      registry: metrics.registry,
      readiness: { kafka: () => admin.describeCluster(), redis: () => redis.ping() },
      logger,
    });
    await consumer.run({ autoCommitThreshold: 1, eachBatchAutoResolve: false, partitionsConsumedConcurrently: config.PARTITION_CONCURRENCY, eachBatch: handleBatch });
    logger.info({ topics, groupId: config.CONSUMER_GROUP }, "signal worker started");
  }

  const stop = once(async () => {
    // Intake first (the consumer finishes its in-flight batch and commits), then background loops, then clients.
    await closeAll(
      [
        ["consumer", () => consumer.disconnect()],
        ["rules watcher", async () => rules.stop()],
        ["loops", () => Promise.all(loops.map((l) => l.stop()))],
        ["outbox", relayAll],
        ["producer", () => producer.disconnect()],
        ["admin", () => admin.disconnect()],
        ["queue", () => queue.close()],
        ["ops server", async () => ops?.close()],
        ["redis", () => Promise.all([redis.quit(), queueConnection.quit()])],
      ],
      logger,
    );
  });

  return { start, stop, store, lag, sweep, relay, history: historyRelay.history, ops: () => ops };
}

export type SignalWorker = ReturnType<typeof createSignalWorker>;
