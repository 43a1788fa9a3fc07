import type { Consumer, Kafka } from "kafkajs";
import type pg from "pg";
import type { EngineConfig } from "@churnwatch/engine";
import type { Logger } from "@churnwatch/platform";
import { applyProjections } from "../readModel/pgProjections.ts";
import { projectAccountState, projectAnswer, projectInteraction, projectTransition, type Projection } from "./project.ts";

export interface ProjectorTopics {
  accountState: string;
  alertHistory: string;
  consoleAnswers: string;
  interactions: string;
}

/**
 * Feeds the read model from the event stream with a consumer group of its own. Each batch is written in one
 * transaction before its offsets are committed, so a crash repeats a batch (idempotent writes) and never
 * skips one. A message that cannot be read stays on its topic; its offset is logged with the reason.
 */
export function createProjector(deps: { kafka: Kafka; groupId: string; topics: ProjectorTopics; pool: pg.Pool; config: () => EngineConfig; logger: Logger }) {
  const consumer: Consumer = deps.kafka.consumer({ groupId: deps.groupId, allowAutoTopicCreation: false });
  const { topics } = deps;
  const project = (topic: string, key: string, value: string): Projection => {
    if (topic === topics.accountState) return projectAccountState(key, value, deps.config());
    if (topic === topics.alertHistory) return projectTransition(value);
    if (topic === topics.consoleAnswers) return projectAnswer(value);
    if (topic === topics.interactions) return projectInteraction(value);
    return { kind: "skip" };
  };

  return {
    async start(): Promise<void> {
      await consumer.connect();
      await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const projections: Projection[] = [];
          for (const m of batch.messages) {
            // A tombstone on the changelog: the account is gone from the engine; its row stays for the audit.
            if (m.value === null) continue;
            const p = project(batch.topic, m.key?.toString("utf8") ?? "", m.value.toString("utf8"));
            if (p.kind === "unreadable") deps.logger.error({ topic: batch.topic, partition: batch.partition, offset: m.offset, reason: p.reason }, "unreadable message left on its topic");
            else projections.push(p);
          }
          await applyProjections(deps.pool, projections);
          const last = batch.messages.at(-1);
          if (last) {
            resolveOffset(last.offset);
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
          }
          await heartbeat();
        },
      });
    },
    stop: () => consumer.disconnect(),
  };
}
