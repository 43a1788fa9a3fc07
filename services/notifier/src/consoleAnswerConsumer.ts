import type { Kafka } from "kafkajs";
import { consoleAnswerSchema } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import { z } from "zod";
import type { LabelStore } from "./api/labels.ts";
import { answerAction, answerRefusal, isAlertAnswer } from "./lifecycle/consoleAnswers.ts";
import type { Lifecycle } from "./lifecycle/lifecycle.ts";

export interface ConsoleAnswerConsumerDeps {
  kafka: Kafka;
  topic: string;
  groupId: string;
  lifecycle: Lifecycle;
  labels: LabelStore;
  /** Moves what a commit decided (history, inbox changelog) on promptly; the relay loop would get there anyway. */
  afterCommit: () => Promise<unknown>;
  logger: Logger;
}

/**
 * Applies what people answer in the console (acknowledge, snooze, not a risk) to the alert lifecycle, so an
 * answer there stops escalation exactly as one through an email link does. The console writes each answer to
 * its topic before it shows it; this consumer reads the topic at least once and commits an offset only after
 * the inbox commit, and a redelivered answer finds its effect already there and changes nothing.
 */
export function createConsoleAnswerConsumer(deps: ConsoleAnswerConsumerDeps) {
  const { logger, topic } = deps;
  const consumer = deps.kafka.consumer({ groupId: deps.groupId, allowAutoTopicCreation: false });

  async function apply(value: Buffer | null, where: { partition: number; offset: string }): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(value?.toString("utf8") ?? "");
    } catch {
      // The answer stays on its topic (kept forever); say where, so it can be looked at and answered again.
      return void logger.error({ topic, ...where, reason: "not JSON" }, "console answer unreadable; skipped");
    }
    const parsed = consoleAnswerSchema.safeParse(raw);
    if (!parsed.success) {
      const reason = z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 500);
      return void logger.error({ topic, ...where, reason }, "console answer refused; skipped");
    }
    const answer = parsed.data;
    if (!isAlertAnswer(answer)) return;
    const result = await deps.lifecycle.act(answer.accountId, answer.rule, answerAction(answer), answerRefusal(answer));
    const applied = result.accepted || result.refused === "already-applied";
    if (!result.accepted) {
      logger.info({ answerId: answer.answerId, accountId: answer.accountId, rule: answer.rule, why: result.note }, "console answer not applied");
    }
    // Written again when the answer was already applied: a crash between the inbox commit and this write
    // must not lose the label (the label is keyed by alert, so writing it twice keeps one).
    if (applied && answer.type === "dismiss") {
      await deps.labels.notARisk({ accountId: answer.accountId, rule: answer.rule, alertId: answer.alertId, reason: answer.reason, by: answer.actor, at: answer.at });
    }
    if (result.accepted) await deps.afterCommit().catch((err: unknown) => logger.warn({ err }, "relay after a console answer failed; the loop retries"));
  }

  return {
    async start(): Promise<void> {
      await consumer.connect();
      // From the beginning for a new group: answers given before this notifier first ran still apply, and the
      // guard turns those for episodes that have ended into no-ops.
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => apply(message.value, { partition, offset: message.offset }) });
    },
    stop: () => consumer.disconnect(),
  };
}
