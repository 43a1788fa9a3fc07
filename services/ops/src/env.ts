import { z } from "zod";
import { defaultTopicNames } from "@churnwatch/contracts";
import { envFields, parseEnv } from "@churnwatch/platform";

/** Same rule as the signal worker's KEY_PREFIX: the CLIs must read the keys it writes. */
const keyPrefix = z.string().regex(/^[A-Za-z0-9:._-]{0,100}$/, "letters, digits, ':', '.', '_' or '-'").default("cw:");

const inspectSchema = z.object({
  REDIS_URL: envFields.redisUrl,
  KEY_PREFIX: keyPrefix,
  /** The signal worker's rules file, so the risk score is computed with the model it runs. */
  ENGINE_CONFIG_PATH: z.string().min(1).optional(),
});

const replaySchema = inspectSchema.extend({
  KAFKA_BROKERS: envFields.kafkaBrokers,
  KAFKA_CLIENT_ID: envFields.name.default("churnwatch-ops"),
  TOPIC_DEAD_LETTER: envFields.name.default(defaultTopicNames.deadLetter),
  LOG_LEVEL: envFields.logLevel.default("warn"),
});

const rebuildSchema = inspectSchema.extend({
  KAFKA_BROKERS: envFields.kafkaBrokers,
  KAFKA_CLIENT_ID: envFields.name.default("churnwatch-ops"),
  /** The notifier's KEY_PREFIX: its alert inboxes are rebuilt too. */
  NOTIFIER_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, "letters, digits, ':', '.', '_' or '-'").default("churnwatch:notifier:"),
  TOPIC_ACCOUNT_STATE: envFields.name.default(defaultTopicNames.accountState),
  TOPIC_ALERT_INBOX: envFields.name.default(defaultTopicNames.alertInbox),
  TOPIC_ALERT_HISTORY: envFields.name.default(defaultTopicNames.alertHistory),
  TOPIC_COMPLAINTS: envFields.name.default(defaultTopicNames.complaints),
  LOG_LEVEL: envFields.logLevel.default("warn"),
});

export type InspectConfig = z.infer<typeof inspectSchema>;
export type RebuildConfig = z.infer<typeof rebuildSchema>;

export function loadRebuildConfig(env: NodeJS.ProcessEnv = process.env): RebuildConfig {
  return parseEnv(rebuildSchema, env);
}
export type ReplayConfig = z.infer<typeof replaySchema>;

export function loadInspectConfig(env: NodeJS.ProcessEnv = process.env): InspectConfig {
  return parseEnv(inspectSchema, env);
}

export function loadReplayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  return parseEnv(replaySchema, env);
}

/** The signal worker's Redis key layout (services/signal-worker/src/redisSignalStore.ts), read-only here. */
export function opsKeys(prefix: string) {
  return {
    account: (accountId: string) => `${prefix}account:${accountId}`,
    history: (accountId: string) => `${prefix}history:${accountId}`,
    replayed: `${prefix}dlq-replayed`,
    replayLock: `${prefix}dlq-replay-lock`,
  };
}

export type TopicNames = { [K in keyof typeof defaultTopicNames]: string };

/** `deadLetter` is read from TOPIC_DEAD_LETTER: the same variable names the services read. */
export const topicEnvName = (key: string) => `TOPIC_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

const topicsSchema = z.object({
  KAFKA_BROKERS: envFields.kafkaBrokers,
  KAFKA_CLIENT_ID: envFields.name.default("churnwatch-ops"),
  /** Partitions of every keyed topic; the signal worker runs at most this many useful replicas. */
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  LOG_LEVEL: envFields.logLevel,
  ...Object.fromEntries(Object.entries(defaultTopicNames).map(([key, name]) => [topicEnvName(key), envFields.name.default(name)])),
});

export function loadTopicsConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(topicsSchema, env) as z.infer<typeof topicsSchema> & Record<string, string>;
  const names = Object.fromEntries(Object.keys(defaultTopicNames).map((key) => [key, e[topicEnvName(key)]])) as TopicNames;
  return { ...e, names };
}
