import { randomBytes } from "node:crypto";
import type { Kafka, Message, Producer } from "kafkajs";
import { closeAll, DependencyError, partitioner, type Logger } from "@churnwatch/platform";
import { planLetter, type Letter } from "./letters.ts";
import type { Progress } from "./progress.ts";
import type { ReplayLedger } from "./replayLedger.ts";

export interface ReplayOptions {
  reason?: string;
  dryRun: boolean;
  limit?: number;
  /** Give up when no letter arrives for this long before the end is reached (default 30 s). */
  idleTimeoutMs?: number;
}

export interface ReplaySummary {
  replayed: number;
  skipped: number;
  filtered: number;
  unreplayable: number;
  /** True when --limit stopped the run before the end of the topic. */
  limited: boolean;
}

export interface PlannedSend {
  id: string;
  topic: string;
  reason: string | undefined;
  message: Message;
}

export interface ReplayDeps {
  kafka: Kafka;
  ledger: ReplayLedger;
  deadLetterTopic: string;
  logger: Logger;
  progress: Progress;
  /** Called for each letter a dry run would send. */
  onDryRun?: (send: PlannedSend) => void;
}

/**
 * Reads the dead-letter topic from the beginning up to its end as it was at the start (new letters that
 * arrive meanwhile wait for the next run), re-sending each letter batch before recording it in the ledger:
 * a crash in between re-sends that batch next time (at least once), never loses it.
 */
export async function replayDeadLetters(deps: ReplayDeps, options: ReplayOptions): Promise<ReplaySummary> {
  const { kafka, ledger, deadLetterTopic } = deps;
  const summary: ReplaySummary = { replayed: 0, skipped: 0, filtered: 0, unreplayable: 0, limited: false };
  const ends = await endOffsets(kafka, deadLetterTopic);
  const total = [...ends.values()].reduce((s, e) => s + Number(e.high - e.low), 0);
  const remaining = new Set([...ends].filter(([, e]) => e.high > e.low).map(([p]) => p));
  if (remaining.size === 0) return summary;

  const groupId = `churnwatch-ops-replay-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  // The key-hash partitioner every producer here uses, so a replayed event lands with its account's others.
  const producer: Producer = kafka.producer({ createPartitioner: partitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  let read = 0;
  try {
    if (!options.dryRun) await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const idleMs = options.idleTimeoutMs ?? 30_000;
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
        settle(new Error(`no dead letters read for ${idleMs} ms before reaching the end of ${deadLetterTopic}: ${where}`));
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
            const letters = batch.messages.filter((m) => BigInt(m.offset) < end.high);
            read += letters.length;
            await handle(letters.map((m) => ({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers })));
            if (BigInt(batch.lastOffset()) >= end.high - 1n) remaining.delete(batch.partition);
            deps.progress.update(read, total);
            await heartbeat();
            if (remaining.size === 0 || summary.limited) settle();
          },
        })
        .catch((err: unknown) => settle(err ?? new Error("the consumer stopped")));
    });
  } finally {
    deps.progress.stop();
    await closeAll(
      [
        ["consumer", () => consumer.disconnect()],
        ["producer", () => producer.disconnect()],
        // The group only existed to read; leaving it would clutter the broker's group list.
        ["consumer group", () => withAdmin(kafka, (admin) => admin.deleteGroups([groupId]))],
      ],
      deps.logger,
    );
  }
  return summary;

  async function handle(letters: Letter[]): Promise<void> {
    const sends: PlannedSend[] = [];
    for (const letter of letters) {
      const d = planLetter(deadLetterTopic, letter, options.reason);
      if (d.kind === "filtered") summary.filtered++;
      else if (d.kind === "unreplayable") {
        summary.unreplayable++;
        deps.logger.warn({ letter: d.id, why: d.why }, "dead letter cannot be replayed");
      } else sends.push(d);
    }
    const done = await deps.ledger.replayed(sends.map((s) => s.id));
    summary.skipped += done.size;
    let fresh = sends.filter((s) => !done.has(s.id));
    if (options.limit !== undefined && summary.replayed + fresh.length >= options.limit) {
      fresh = fresh.slice(0, options.limit - summary.replayed);
      summary.limited = true;
    }
    if (fresh.length === 0) return;
    if (options.dryRun) fresh.forEach((s) => deps.onDryRun?.(s));
    else {
      await producer.sendBatch({ topicMessages: groupByTopic(fresh) });
      await deps.ledger.record(fresh.map((s) => s.id));
    }
    summary.replayed += fresh.length;
  }
}

function groupByTopic(sends: PlannedSend[]) {
  const byTopic = new Map<string, Message[]>();
  for (const s of sends) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.message]);
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
  const offsets = await withAdmin(kafka, async (admin) => {
    // Checked first: asking a missing topic's offsets only fails after seconds of retries, with a vague message.
    if (!(await admin.listTopics()).includes(topic)) throw new DependencyError(`Topic ${topic} does not exist: check TOPIC_DEAD_LETTER and KAFKA_BROKERS.`);
    return admin.fetchTopicOffsets(topic);
  });
  return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
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
