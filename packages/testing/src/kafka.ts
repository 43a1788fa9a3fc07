// Kafka fixtures for tests against the real broker: explicit topics, produce, read-back.
import { Kafka, logLevel, Partitioners, type Admin, type IHeaders, type Message } from "kafkajs";
import { ensureTopics } from "@churnwatch/platform";
import { DEFAULT_KAFKA_BROKERS } from "../../../infra/dev/kafka.ts";
import { uniqueName } from "./names.ts";

/** Brokers the global setup made available (it sets KAFKA_BROKERS), as a list. */
export function kafkaBrokers(): string[] {
  return toList(process.env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS);
}

/** A client for tests: only kafkajs errors are logged, so test output stays readable. */
export function testKafka(brokers: string[] | string = kafkaBrokers(), clientId = uniqueName("test-client")): Kafka {
  return new Kafka({ clientId, brokers: toList(brokers), logLevel: logLevel.ERROR });
}

export interface CreateTopicsOptions {
  /** cleanup.policy=compact, as the accounts topic uses. */
  compacted?: boolean;
  numPartitions?: number;
}

/** Create topics and wait until they have leaders, so the next produce cannot race the creation. */
export async function createTopics(brokers: string[] | string, topics: string[], opts: CreateTopicsOptions = {}): Promise<void> {
  await withAdmin(brokers, (admin) =>
    ensureTopics(admin, topics.map((topic) => ({ topic, partitions: opts.numPartitions ?? 1, compacted: opts.compacted ?? false }))),
  );
}

/** Delete topics through the broker; ones already gone are skipped so cleanup can run twice. */
export async function deleteTopics(brokers: string[] | string, topics: string[]): Promise<void> {
  await withAdmin(brokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
  });
}

/** Produce with the explicitly chosen default partitioner (same key, same partition; no kafkajs warning). */
export async function produce(topic: string, messages: Message[], opts: { brokers?: string[] | string } = {}): Promise<void> {
  const producer = testKafka(opts.brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | undefined>;
  timestamp: string;
}

export interface ConsumeAllOptions {
  /** Stop reading as soon as this holds for the messages seen so far (in arrival order). */
  until: (messages: ConsumedMessage[]) => boolean;
  timeoutMs?: number;
  brokers?: string[] | string;
}

/**
 * Read `topic` from the beginning with a throwaway consumer group until `until` holds, e.g. to assert
 * what reached a dead-letter topic. On timeout the error lists what was seen. The group is deleted afterwards.
 */
export async function consumeAll(topic: string, opts: ConsumeAllOptions): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  if (opts.until(seen)) return seen;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const kafka = testKafka(opts.brokers);
  const groupId = uniqueName("consume-all");
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  let timer: NodeJS.Timeout | undefined;
  let outcome: { messages: ConsumedMessage[] } | { error: unknown };
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const messages = await new Promise<ConsumedMessage[]>((resolve, reject) => {
      timer = setTimeout(() => {
        const lastOnes = seen.slice(-5).map((m) => `${m.key ?? "∅"}=${m.value ?? "∅"}`).join(", ");
        reject(new Error(`consumeAll(${topic}): until() still false after ${timeoutMs}ms; saw ${seen.length} message(s)${lastOnes ? `, last: ${lastOnes}` : ""}`));
      }, timeoutMs);
      // A crashed consumer would otherwise look like "no messages" until the timeout.
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            seen.push({
              topic: t,
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: decodeHeaders(message.headers),
              timestamp: message.timestamp,
            });
            if (opts.until(seen)) resolve([...seen]); // snapshot: the consumer runs on until disconnected
          },
        })
        .catch(reject);
    });
    outcome = { messages };
  } catch (error) {
    outcome = { error };
  } finally {
    clearTimeout(timer);
  }
  // Each cleanup step on its own, and never hiding the error that made the read fail.
  const cleanupErrors: unknown[] = [];
  await consumer.disconnect().catch((e: unknown) => cleanupErrors.push(e));
  await withAdmin(opts.brokers ?? kafkaBrokers(), (admin) => admin.deleteGroups([groupId])).catch((e: unknown) =>
    cleanupErrors.push(e),
  );
  if ("error" in outcome) throw outcome.error;
  if (cleanupErrors.length > 0) throw new AggregateError(cleanupErrors, `consumeAll(${topic}): cleanup failed`);
  return outcome.messages;
}

async function withAdmin<T>(brokers: string[] | string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    out[name] = Array.isArray(value) ? value.map(String).join(",") : value?.toString();
  }
  return out;
}

const toList = (brokers: string[] | string): string[] =>
  (Array.isArray(brokers) ? brokers : brokers.split(",")).map((b) => b.trim()).filter(Boolean);
