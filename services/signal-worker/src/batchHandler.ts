import type { EachBatchPayload } from "kafkajs";
import { decodeEvent, type ChurnEvent } from "@churnwatch/contracts";
import type { DeadLetter, Logger } from "@churnwatch/platform";
import { EngineError } from "./accountEvaluation.ts";
import type { AccountProcessor } from "./accountProcessor.ts";
import type { SignalMetrics } from "./metrics.ts";

export interface BatchHandlerDeps {
  processor: AccountProcessor;
  writeDeadLetters: (letters: DeadLetter[]) => Promise<void>;
  logger: Logger;
  maxEventBytes: number;
  onProcessed?: (stats: { topic: string; valid: number; invalid: number; duplicates: number }) => void;
  metrics?: SignalMetrics;
}

/**
 * Handles one fetched batch of one partition: invalid messages go to the dead-letter topic, valid ones are
 * grouped per account (keeping their order) and applied together (a load and a commit round trip per slice of
 * accounts, not per account); offsets are committed only after both are durable, so a crash anywhere means
 * redelivery, and redelivery is absorbed by event-id dedupe.
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  return async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    // The session timeout is short (a crashed worker's partitions move on after it), so a long batch (a
    // catch-up fetch of many accounts) keeps the membership alive while it runs: kafkajs sends a heartbeat only
    // once per heartbeat interval, however often it is asked. A refusal (a rebalance) is left to the heartbeat
    // after the commit, which throws it to kafkajs.
    const beating = setInterval(() => void payload.heartbeat().catch(() => undefined), 1_000);
    try {
      await handle(payload);
    } finally {
      clearInterval(beating);
    }
  };

  async function handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const timer = deps.metrics?.batchSeconds.startTimer({ topic: batch.topic });
    const letters: DeadLetter[] = [];
    const byAccount = new Map<string, { events: ChurnEvent[]; offsets: string[] }>();
    for (const message of batch.messages) {
      const decoded = decodeEvent(message.value, deps.maxEventBytes);
      if (!decoded.ok) {
        letters.push({ topic: batch.topic, partition: batch.partition, message, reason: decoded.reason, detail: decoded.detail });
        deps.metrics?.invalid.inc({ reason: decoded.reason });
        const ids = bestEffortIds(message.value);
        deps.logger.warn({ ...ids, topic: batch.topic, partition: batch.partition, offset: message.offset, reason: decoded.reason }, "invalid event dead-lettered");
        continue;
      }
      deps.metrics?.consumed.inc({ topic: batch.topic, type: decoded.event.type });
      const group = byAccount.get(decoded.event.accountId) ?? { events: [], offsets: [] };
      group.events.push(decoded.event);
      group.offsets.push(message.offset);
      byAccount.set(decoded.event.accountId, group);
    }

    let duplicates = 0;
    const outcomes = await deps.processor.applyBatch(new Map([...byAccount].map(([id, g]) => [id, g.events])));
    for (const [accountId, outcome] of outcomes) {
      const group = byAccount.get(accountId);
      if (!group) continue;
      if (outcome instanceof EngineError) {
        deps.logger.error({ err: outcome, accountId }, "events the engine cannot apply were dead-lettered");
        for (const [i, event] of group.events.entries()) {
          const message = batch.messages.find((m) => m.offset === group.offsets[i]);
          if (message) letters.push({ topic: batch.topic, partition: batch.partition, message, reason: "processing", detail: `${event.eventId}: ${outcome.message}` });
        }
        continue;
      }
      duplicates += outcome.duplicates;
      if (deps.logger.isLevelEnabled("debug")) {
        for (const e of group.events) deps.logger.debug({ accountId, eventId: e.eventId, type: e.type }, "event applied");
      }
      if (outcome.duplicates > 0) deps.logger.info({ accountId, duplicates: outcome.duplicates }, "duplicate events skipped");
    }
    await deps.writeDeadLetters(letters);
    if (letters.length > 0) deps.metrics?.deadLettered.inc({ topic: batch.topic }, letters.length);
    if (duplicates > 0) deps.metrics?.duplicates.inc(duplicates);

    // The consumer runs with autoCommitThreshold 1, so this commits the batch now, not on a timer.
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
    timer?.();
    deps.onProcessed?.({ topic: batch.topic, valid: batch.messages.length - letters.length, invalid: letters.length, duplicates });
  }
}

/** The ids an invalid message claims, when it is JSON at all, so its log line can still be found by them. */
function bestEffortIds(value: Buffer | null): { accountId?: string; eventId?: string } {
  if (!value || value.byteLength > 1_048_576) return {}; // not worth parsing a huge message just to log it
  try {
    const raw = JSON.parse(value.toString("utf8")) as { accountId?: unknown; eventId?: unknown } | null;
    const pick = (v: unknown) => (typeof v === "string" ? v.slice(0, 200) : undefined);
    return { accountId: pick(raw?.accountId), eventId: pick(raw?.eventId) };
  } catch {
    return {};
  }
}
