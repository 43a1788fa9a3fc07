// What the two live benchmarks share: an isolated set of topics, producing events to them, a worker config
// pointing at them, watching a group's committed offsets, and removing everything again.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Partitioners, type Admin, type Kafka, type Message, type Producer } from "kafkajs";
import type { ChurnEvent } from "@churnwatch/contracts";
import { createKafka, createLogger, type Logger } from "@churnwatch/platform";
import { createTopics, deleteKeysByPrefix, deleteTopics, redisUrl, uniqueName } from "@churnwatch/testing";
import { loadConfig, type SignalWorkerConfig } from "../../services/signal-worker/src/env.ts";
import { topicOf } from "../support/events.ts";
import { progress } from "./support.ts";

export const PARTITIONS = 6; // the worker's default TOPIC_PARTITIONS

export interface BenchTopics {
  accounts: string;
  orders: string;
  payments: string;
  complaints: string;
  interactions: string;
  deadLetter: string;
  /**
   * The worker relays every alert transition here. Without a topic of its own the relay would write to the
   * shared default, or (with auto-creation off) retry for seconds on every run of the loop that also moves
   * notifications to BullMQ, which delays every alert.
   */
  alertHistory: string;
  accountState: string;
}

export function benchLogger(): Logger {
  return createLogger("bench", process.env.LOG_LEVEL ?? "warn");
}

/** Fresh topics laid out as the worker creates them (accounts compacted), under one unique id. */
export async function createBenchTopics(brokers: string[], tag: string): Promise<{ id: string; topics: BenchTopics }> {
  const id = uniqueName(tag);
  const topics: BenchTopics = {
    accounts: `${id}.accounts`,
    orders: `${id}.orders`,
    payments: `${id}.payments`,
    complaints: `${id}.complaints`,
    interactions: `${id}.interactions`,
    deadLetter: `${id}.dead-letter`,
    alertHistory: `${id}.alert-history`,
    accountState: `${id}.account-state`,
  };
  await createTopics(brokers, [topics.orders, topics.payments, topics.complaints, topics.interactions, topics.alertHistory], { numPartitions: PARTITIONS });
  await createTopics(brokers, [topics.accounts, topics.accountState], { numPartitions: PARTITIONS, compacted: true });
  await createTopics(brokers, [topics.deadLetter]);
  return { id, topics };
}

export const eventTopicNames = (t: BenchTopics): string[] => [t.accounts, t.orders, t.payments, t.complaints, t.interactions];

/** Groups events into one batch per topic, keyed by account id (the worker's partitioning). */
export function toTopicMessages(events: readonly ChurnEvent[], topics: BenchTopics): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const e of events) {
    const topic = topicOf(e, topics);
    const list = byTopic.get(topic) ?? [];
    list.push({ key: e.accountId, value: JSON.stringify(e) });
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

export function benchProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
}

/**
 * Produces events in chunks, keeping their order per account, from any iterable (a simulation too large to
 * hold in memory streams through). `onChunk` hears the count so far and the last event sent.
 */
export async function produceEvents(
  producer: Producer,
  events: Iterable<ChurnEvent>,
  topics: BenchTopics,
  onChunk: (sent: number, last: ChurnEvent) => void = () => undefined,
): Promise<number> {
  const chunk = 2_000;
  let batch: ChurnEvent[] = [];
  let sent = 0;
  const flush = async () => {
    await producer.sendBatch({ topicMessages: toTopicMessages(batch, topics) });
    sent += batch.length;
    onChunk(sent, batch[batch.length - 1] as ChurnEvent);
    batch = [];
  };
  for (const event of events) {
    batch.push(event);
    if (batch.length === chunk) await flush();
  }
  if (batch.length > 0) await flush();
  return sent;
}

/** Produces a list of events with a progress bar. */
export async function produceAll(producer: Producer, events: readonly ChurnEvent[], topics: BenchTopics, label: string): Promise<void> {
  const bar = progress(label, events.length);
  await produceEvents(producer, events, topics, (sent) => bar.update(sent));
  bar.stop();
}

/**
 * A worker environment of its own: the benchmark's topics, a new group, queue and key prefix, and an ops port
 * the system picks (the default 9464 may belong to a running demo). As variables, so that a worker can also
 * run as a process of its own.
 */
export function workerEnv(brokers: string[], topics: BenchTopics, name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(","),
    REDIS_URL: redisUrl(),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    KAFKA_CLIENT_ID: name,
    CONSUMER_GROUP: `${name}-group`,
    TOPIC_ACCOUNTS: topics.accounts,
    TOPIC_ORDERS: topics.orders,
    TOPIC_PAYMENTS: topics.payments,
    TOPIC_COMPLAINTS: topics.complaints,
    TOPIC_INTERACTIONS: topics.interactions,
    TOPIC_DEAD_LETTER: topics.deadLetter,
    TOPIC_ALERT_HISTORY: topics.alertHistory,
    TOPIC_ACCOUNT_STATE: topics.accountState,
    CREATE_TOPICS: "false",
    ALERT_QUEUE: `${name}-alerts`,
    KEY_PREFIX: `${name}:`,
    OPS_PORT: "0",
    ...tuningFromEnvironment(),
    ...overrides,
  };
}

/** The worker's tuning variables, when set for the benchmark, reach the worker (to compare settings). */
const TUNING = ["PARTITION_CONCURRENCY", "STATE_CACHE_MB", "KAFKA_FETCH_MAX_BYTES_PER_PARTITION"] as const;
function tuningFromEnvironment(): Record<string, string> {
  return Object.fromEntries(TUNING.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name] as string]])));
}

/** `workerEnv`, validated as the worker validates it, for a worker run in this process. */
export function workerConfig(brokers: string[], topics: BenchTopics, name: string, overrides: Record<string, string> = {}): SignalWorkerConfig {
  return loadConfig(workerEnv(brokers, topics, name, overrides));
}

/** Removes what a worker run left in Redis: its queue (through BullMQ) and every key under its prefix. */
export async function cleanupWorkerState(config: SignalWorkerConfig): Promise<void> {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  // BullMQ leaves a connection it was handed open, so this one is closed here.
  const queueConnection = redis.duplicate();
  const queue = new Queue(config.ALERT_QUEUE, { connection: queueConnection });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await queueConnection.quit();
    await deleteKeysByPrefix(redis, config.KEY_PREFIX).finally(() => redis.quit());
  }
}

export async function deleteGroups(admin: Admin, groups: string[]): Promise<void> {
  if (groups.length > 0) await admin.deleteGroups(groups);
}

export async function deleteBenchTopics(brokers: string[], topics: BenchTopics): Promise<void> {
  await deleteTopics(brokers, [...eventTopicNames(topics), topics.deadLetter, topics.alertHistory, topics.accountState]);
}

export async function highWatermarks(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  }
  return ends;
}

/** Sum of the group's committed offsets over the given partitions (uncommitted counts as 0). */
export async function committedTotal(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  let sum = 0;
  for (const t of committed) for (const p of t.partitions) sum += Math.max(0, Number(p.offset));
  return sum;
}

export interface DrainTiming {
  /** first poll that saw any committed offset */
  firstCommitMs: number;
  committedAtFirst: number;
  /** first poll that saw the group at the high watermarks (lag 0) */
  doneMs: number;
}

/**
 * Watches a group from outside (the same way for the bare consumer and the worker) until its committed
 * offsets reach `total`. Times are performance.now() values.
 */
export async function watchGroup(
  admin: Admin,
  groupId: string,
  topics: string[],
  total: number,
  opts: { intervalMs?: number; timeoutMs?: number; label: string; /** called on every poll; throws to give up */ check?: () => void },
): Promise<DrainTiming> {
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = performance.now() + (opts.timeoutMs ?? 600_000);
  const bar = progress(opts.label, total);
  let first: { ms: number; committed: number } | undefined;
  try {
    for (;;) {
      opts.check?.();
      const committed = await committedTotal(admin, groupId, topics);
      const now = performance.now();
      if (committed > 0 && !first) first = { ms: now, committed };
      bar.update(committed);
      if (committed >= total) return { firstCommitMs: first?.ms ?? now, committedAtFirst: first?.committed ?? committed, doneMs: now };
      if (now > deadline) throw new Error(`${groupId}: only ${committed}/${total} committed before the timeout`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    bar.stop();
  }
}

export function benchKafka(brokers: string[], logger: Logger): Kafka {
  return createKafka({ clientId: uniqueName("bench"), brokers, logger });
}
