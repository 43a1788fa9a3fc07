import { randomBytes } from "node:crypto";
import type { Kafka } from "kafkajs";
import { closeAll, DependencyError, type Logger } from "@churnwatch/platform";

export interface TopicMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined;
}

export interface ReadToEndOptions {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** Called per batch, in offset order within a partition; returning true stops the read early. */
  onBatch: (messages: TopicMessage[]) => Promise<boolean | void>;
  /** Called after each batch with the messages read so far and the total to read. */
  onProgress?: (read: number, total: number) => void;
  /** Give up when nothing arrives for this long before the end is reached (default 30 s). */
  idleTimeoutMs?: number;
  /** Prefix of the throwaway consumer group. */
  groupPrefix: string;
}

/** Messages in a topic between its low and high watermarks now: what a read to the end will deliver. */
export async function topicSize(kafka: Kafka, topic: string): Promise<{ total: number; ends: Map<number, { low: bigint; high: bigint }> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Checked first: asking a missing topic's offsets only fails after seconds of retries, with a vague message.
    if (!(await admin.listTopics()).includes(topic)) throw new DependencyError(`Topic ${topic} does not exist: check the topic names and KAFKA_BROKERS.`);
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
    return { total: [...ends.values()].reduce((s, e) => s + Number(e.high - e.low), 0), ends };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the beginning up to its end as it was at the start (messages that arrive meanwhile wait
 * for the next run), with a throwaway consumer group that is deleted afterwards. Returns how many were read.
 */
export async function readTopicToEnd(o: ReadToEndOptions): Promise<number> {
  const { ends, total } = await topicSize(o.kafka, o.topic);
  const remaining = new Set([...ends].filter(([, e]) => e.high > e.low).map(([p]) => p));
  if (remaining.size === 0) return 0;
  const groupId = `${o.groupPrefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const consumer = o.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const idleMs = o.idleTimeoutMs ?? 30_000;
      // Once settled, batches still in flight before the disconnect are ignored and must not re-arm the timer.
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onIdle = () => {
        const where = [...remaining].map((p) => `partition ${p} (end ${ends.get(p)?.high})`).join(", ");
        settle(new Error(`nothing read for ${idleMs} ms before reaching the end of ${o.topic}: ${where}`));
      };
      let idle = setTimeout(onIdle, idleMs);
      consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, heartbeat, isRunning }) => {
            if (settled) return;
            clearTimeout(idle);
            idle = setTimeout(onIdle, idleMs);
            const end = ends.get(batch.partition);
            if (!end || !remaining.has(batch.partition) || !isRunning()) return;
            const messages = batch.messages
              .filter((m) => BigInt(m.offset) < end.high)
              .map((m) => ({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers }));
            read += messages.length;
            const stop = await o.onBatch(messages);
            if (BigInt(batch.lastOffset()) >= end.high - 1n) remaining.delete(batch.partition);
            o.onProgress?.(read, total);
            await heartbeat();
            if (remaining.size === 0 || stop === true) settle();
          },
        })
        .catch((err: unknown) => settle(err ?? new Error("the consumer stopped")));
    });
  } finally {
    await closeAll(
      [
        ["consumer", () => consumer.disconnect()],
        // The group only existed to read; leaving it would clutter the broker's group list.
        ["consumer group", () => withAdmin(o.kafka, (admin) => admin.deleteGroups([groupId]))],
      ],
      o.logger,
    );
  }
  return read;
}

async function withAdmin<T>(kafka: Kafka, fn: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
