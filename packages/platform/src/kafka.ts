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
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(", ")} have no leader after ${timeoutMs} ms (${lastError})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * One send at a time through an idempotent producer. kafkajs's idempotent producer assigns sequence numbers
 * per request, and two concurrent send() calls to one partition can reach the broker out of order: it then
 * answers OUT_OF_ORDER_SEQUENCE_NUMBER, which kafkajs does not retry (tulios/kafkajs#598). Every relay and
 * writer sharing a producer goes through this queue; the order of calls is kept.
 */
export function serializeSends(producer: Producer): Producer {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <T>(send: () => Promise<T>): Promise<T> => {
    const run = tail.then(send, send);
    tail = run.catch(() => undefined);
    return run;
  };
  return Object.assign(Object.create(producer) as Producer, {
    send: (record: Parameters<Producer["send"]>[0]) => queued(() => producer.send(record)),
    sendBatch: (batch: Parameters<Producer["sendBatch"]>[0]) => queued(() => producer.sendBatch(batch)),
  });
}
