import type { Kafka, Message, Producer } from "kafkajs";
import { closeAll, partitioner, type Logger } from "@churnwatch/platform";
import { planLetter, type Letter } from "./letters.ts";
import type { Progress } from "./progress.ts";
import { readTopicToEnd } from "./readToEnd.ts";
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
  // The key-hash partitioner every producer here uses, so a replayed event lands with its account's others.
  const producer: Producer = kafka.producer({ createPartitioner: partitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  try {
    if (!options.dryRun) await producer.connect();
    await readTopicToEnd({
      kafka,
      topic: deadLetterTopic,
      logger: deps.logger,
      groupPrefix: "churnwatch-ops-replay",
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      onBatch: async (messages) => {
        await handle(messages);
        return summary.limited;
      },
      onProgress: (read, total) => deps.progress.update(read, total),
    });
  } finally {
    deps.progress.stop();
    await closeAll([["producer", () => producer.disconnect()]], deps.logger);
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
