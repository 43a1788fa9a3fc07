import { CONSOLE_ANSWERS_PARTITIONS } from "@churnwatch/contracts";
import { checkKafka, createKafka, createLogger, ensureTopics, type TopicSpec } from "@churnwatch/platform";
import { loadTopicsConfig, type TopicNames } from "./env.ts";

/**
 * Every topic of the pipeline with one partition count, so a deployment decides it once (compose's and
 * Kubernetes' init step) instead of each service creating the topics it meets first with its own default
 * (the alert history got 3 partitions from the notifier or 6 from the signal worker). Keyed topics share the
 * count: an account keeps its partition across topics, and the signal worker's replicas are bounded by it.
 */
export function pipelineTopics(names: TopicNames, partitions: number): TopicSpec[] {
  return [
    { topic: names.accounts, partitions, compacted: true },
    ...[names.orders, names.payments, names.complaints, names.interactions].map((topic) => ({ topic, partitions })),
    // Operators replay it by hand, in order: one partition keeps that order.
    { topic: names.deadLetter, partitions: 1 },
    { topic: names.alertHistory, partitions, retainForever: true },
    { topic: names.accountState, partitions, compacted: true },
    { topic: names.alertInbox, partitions, compacted: true },
    // Not scaled with the signal worker: the console and the notifier both create it, with this count.
    { topic: names.consoleAnswers, partitions: CONSOLE_ANSWERS_PARTITIONS, retainForever: true },
  ];
}

/** Creates the missing topics of the plan the environment describes; returns the plan. */
export async function ensurePipelineTopics(env: NodeJS.ProcessEnv): Promise<TopicSpec[]> {
  const config = loadTopicsConfig(env);
  const logger = createLogger("ensure-topics", config.LOG_LEVEL);
  await checkKafka(config.KAFKA_BROKERS);
  const admin = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger }).admin();
  await admin.connect();
  try {
    const plan = pipelineTopics(config.names, config.TOPIC_PARTITIONS);
    await ensureTopics(admin, plan);
    logger.info({ topics: plan.map((t) => `${t.topic}:${t.partitions}`) }, "topics present");
    return plan;
  } finally {
    await admin.disconnect();
  }
}
