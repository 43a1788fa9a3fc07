import { Kafka, logLevel, Partitioners, type Admin, type ITopicConfig, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "pino";

/** A kafkajs client whose own logs go through pino, at warn and above. */
export function createKafka(options: { clientId: string; brokers: string[]; logger: Logger }): Kafka {
  const log = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        if (level <= logLevel.ERROR) log.error(extra, message);
        else log.warn(extra, message);
      },
  });
}

/** The partitioner is chosen explicitly: keys (account ids) must always map to the same partition. */
export const partitioner = Partitioners.DefaultPartitioner;

export interface TopicSpec {
  topic: string;
  partitions: number;
  compacted?: boolean;
  /** Never deleted by age (audit trails). */
  retainForever?: boolean;
}

/** Creates the topics that are missing; existing ones are left as the operator configured them. */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = specs
    .filter((s) => !existing.has(s.topic))
    .map((s) => ({
      topic: s.topic,
      numPartitions: s.partitions,
      replicationFactor: -1,
      configEntries: [
        ...(s.compacted ? [{ name: "cleanup.policy", value: "compact" }] : []),
        ...(s.retainForever ? [{ name: "retention.ms", value: "-1" }] : []),
      ],
    }));
  if (missing.length === 0) return;
  // kafkajs' own waitForLeaders gives up when a KRaft broker briefly answers "unknown topic" for a topic it
  // has just created, so creation is followed by our own poll until every partition has a leader.
  await admin.createTopics({ topics: missing, waitForLeaders: false });
  await waitForLeaders(admin, missing.map((t) => t.topic), timeoutMs);
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no leader yet";
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // Metadata can name a leader before that broker serves the partition: ask it for the offsets too
        // (a reader right after creation otherwise meets "not the leader for that topic-partition").
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(", ")} have no leader after ${timeoutMs} ms (${lastError})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * The producer a service's relays and writers share: one send at a time, and a fresh producer after a refusal.
 *
 * - kafkajs's idempotent producer numbers requests per partition; two concurrent send() calls can reach the
 *   broker out of order, which it answers with OUT_OF_ORDER_SEQUENCE_NUMBER, never retried
 *   (tulios/kafkajs#598). So sends are queued, in call order.
 * - After any request the broker refuses for good (a message over its size limit, say), that producer's
 *   sequence numbers no longer match the broker's and every later send fails the same way. So a non-retriable
 *   protocol error replaces the producer (a new producer id, fresh sequences) before it is rethrown: the
 *   caller's retry goes through the new one.
 */
export function sharedProducer(create: () => Producer, logger: Logger): Producer {
  let current = create();
  let connected = false;
  let tail: Promise<unknown> = Promise.resolve();
  const replace = async (err: unknown) => {
    logger.warn({ err }, "kafka producer refused a request for good; replacing it so later sends start a fresh sequence");
    const old = current;
    current = create();
    await old.disconnect().catch(() => undefined);
    if (connected) await current.connect();
  };
  const queued = <T>(send: () => Promise<T>): Promise<T> => {
    const run = tail.then(send, send).catch(async (err: unknown) => {
      if (isFatalProtocolError(err)) await replace(err);
      throw err;
    });
    tail = run.catch(() => undefined);
    return run;
  };
  const own: Partial<Producer> = {
    connect: async () => {
      await current.connect();
      connected = true;
    },
    disconnect: async () => {
      connected = false;
      await current.disconnect();
    },
    send: (record) => queued(() => current.send(record)),
    sendBatch: (batch) => queued(() => current.sendBatch(batch)),
  };
  // Anything else (events, logger) is the current producer's.
  return new Proxy(own as Producer, {
    get: (target, prop, receiver) => (prop in target ? Reflect.get(target, prop, receiver) : Reflect.get(current, prop)),
  });
}

function isFatalProtocolError(err: unknown): boolean {
  const e = err as { name?: unknown; retriable?: unknown; type?: unknown } | null;
  return typeof e === "object" && e !== null && e.name === "KafkaJSProtocolError" && e.retriable === false;
}
