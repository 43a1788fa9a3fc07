import { readFileSync } from "node:fs";
import { z } from "zod";
import { ALERT_QUEUE, defaultTopicNames } from "@churnwatch/contracts";
import type { EngineConfig, ExchangeRates } from "@churnwatch/engine";
import { ConfigError, envFields, loadEngineConfig, loadExchangeRates, parseEnv } from "@churnwatch/platform";
import { parsePolicyConfig, PolicyConfigError, type PolicyConfig } from "@churnwatch/policy";
import { EMAIL_QUEUE } from "./lifecycle/emailQueue.ts";
import { parseApiTokens, type ApiToken } from "./api/tokens.ts";
import { DIGEST_QUEUE } from "./digest/scheduler.ts";
import { KID_PATTERN, parseKeyList, UNVERSIONED_KID, type LinkKey, type LinkKeys } from "./linkKeys.ts";

const noLineBreaks = (s: string) => !/[\r\n]/.test(s);

export const envSchema = z.object({
  REDIS_URL: envFields.redisUrl,
  SMTP_URL: envFields.smtpUrl,
  MAIL_FROM: z
    .string()
    .min(3)
    .refine(noLineBreaks, "a single line such as 'Churnwatch <alerts@example.com>'")
    .default("Churnwatch <alerts@churnwatch.local>"),
  ALERT_QUEUE: envFields.name.default(ALERT_QUEUE),
  CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  APP_BASE_URL: z
    .url({ protocol: /^https?$/, error: "an http:// or https:// URL, e.g. https://churnwatch.example.com" })
    .default("http://localhost:8080")
    .transform((u) => u.replace(/\/+$/, "")),
  LINK_SECRET: z
    .string({ error: "required: a random secret of at least 32 characters (e.g. `openssl rand -hex 32`)" })
    .min(32, "at least 32 characters (e.g. `openssl rand -hex 32`)"),
  /** The id new links name LINK_SECRET by; links without one (sent before key ids) are read as `k1`. */
  LINK_KEY_ID: z.string().regex(KID_PATTERN, "letters, digits, '_' or '-', at most 32, e.g. k2 or 2026-12").default(UNVERSIONED_KID),
  /** Keys links already sent were signed with, `kid=secret,kid=secret`: they verify, they never sign. */
  LINK_SECRETS_PREVIOUS: z
    .string()
    .default("")
    .transform((raw, ctx): LinkKey[] => {
      const { keys, problems } = parseKeyList(raw);
      for (const message of problems) ctx.addIssue({ code: "custom", message });
      return keys;
    }),
  LINK_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** The web console: an expired or superseded email link sends its reader to the account there. */
  CONSOLE_BASE_URL: z
    .url({ protocol: /^https?$/, error: "an http:// or https:// URL, e.g. https://console.churnwatch.example.com" })
    .optional()
    .transform((u) => u?.replace(/\/+$/, "")),
  LOG_LEVEL: envFields.logLevel,
  /** /healthz, /readyz and /metrics; 0 picks a free port. */
  OPS_PORT: envFields.port.default(9465),
  OPS_TOKEN: envFields.opsToken,
  /** Retry delays of the custom "jitter" backoff; the number of attempts is a job option set by the producer. */
  RETRY_BACKOFF_BASE_MS: envFields.durationMs.default(5_000),
  RETRY_BACKOFF_MAX_MS: envFields.durationMs.default(30 * 60_000),
  SMTP_TIMEOUT_MS: envFields.durationMs.default(30_000),
  /** A job's lock; a crashed notifier's jobs are redelivered within about twice this (BullMQ's stalled check). */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** Namespace of the notifier's own Redis keys (the `sent:<notificationId>` markers). */
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, "letters, digits, ':', '.', '_' or '-'").default("churnwatch:notifier:"),
  SENT_MARKER_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Every policy decision is also written to the alert-history topic, next to the engine's transitions. */
  KAFKA_BROKERS: envFields.kafkaBrokers,
  TOPIC_ALERT_HISTORY: envFields.name.default(defaultTopicNames.alertHistory),
  /** Compacted changelog of every account's alert inbox: what `ops rebuild-redis` restores it from. */
  TOPIC_ALERT_INBOX: envFields.name.default(defaultTopicNames.alertInbox),
  /** What people answer in the console: the notifier applies acknowledge, snooze and not a risk. */
  TOPIC_CONSOLE_ANSWERS: envFields.name.default(defaultTopicNames.consoleAnswers),
  ANSWERS_CONSUMER_GROUP: envFields.name.default("churnwatch-notifier-answers"),
  /** The signal worker's key prefix: the notifier adds to its per-account history and reads complaint texts. */
  SIGNAL_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{0,100}$/, "letters, digits, ':', '.', '_' or '-'").default("cw:"),
  EMAIL_QUEUE: envFields.name.default(EMAIL_QUEUE),
  /** A JSON file with the notification policy (repeats, quiet hours, budget, escalation); defaults otherwise. */
  POLICY_CONFIG_PATH: z.string().min(1).optional(),
  /** How often repeats, snooze ends and escalations are checked. */
  TICK_INTERVAL_MS: envFields.durationMs.default(60_000),
  /** The alerts API and the pages behind the links in emails (APP_BASE_URL should point here). */
  API_PORT: envFields.port.default(8080),
  API_HOST: z.string().min(1).default("127.0.0.1"),
  /** `token=scope` pairs, comma-separated; scope `*` sees every account, an email sees that owner's accounts. */
  API_TOKENS: z.string().default(""),
  /** Executive digests: one job scheduler per subscription in this queue; subscriptions in this compacted topic. */
  DIGEST_QUEUE: envFields.name.default(DIGEST_QUEUE),
  TOPIC_DIGEST_SUBSCRIPTIONS: envFields.name.default("churnwatch.digest-subscriptions"),
  /** A digest sent this many minutes after its scheduled time (the notifier was down) says it is late. */
  DIGEST_LATE_AFTER_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** The signal worker's rules file: digests rank accounts by the risk score its model gives. */
  ENGINE_CONFIG_PATH: z.string().min(1).optional(),
  /** The reporting currency and its rates (JSON): digests rank and total converted amounts. */
  FX_RATES_PATH: z.string().min(1).optional(),
});

export interface NotifierConfig {
  redisUrl: string;
  smtpUrl: string;
  mailFrom: string;
  queueName: string;
  concurrency: number;
  appBaseUrl: string;
  /** The current key signs new links; previous keys keep the links already sent valid for their lifetime. */
  linkKeys: LinkKeys;
  linkTtlSeconds: number;
  /** CONSOLE_BASE_URL; undefined: refused links name no console to go to. */
  consoleBaseUrl?: string | undefined;
  logLevel: string;
  retry: { baseMs: number; maxMs: number };
  smtpTimeoutMs: number;
  jobLockMs: number;
  keyPrefix: string;
  sentMarkerTtlSeconds: number;
  ops: { port: number; token: string | undefined };
  kafka: { brokers: string[]; historyTopic: string; inboxTopic: string; subscriptionsTopic: string; answersTopic: string; answersGroup: string };
  signalKeyPrefix: string;
  emailQueueName: string;
  policy: PolicyConfig;
  tickIntervalMs: number;
  api: { port: number; host: string; tokens: ApiToken[] };
  digests: { queueName: string; lateAfterMs: number };
  /** The signal worker's rules and model (ENGINE_CONFIG_PATH); the built-in ones when absent. */
  engine?: EngineConfig;
  /** FX_RATES_PATH; undefined: digests total each currency on its own. */
  fx?: ExchangeRates | undefined;
}

/** Reads and validates the policy file; a bad file stops start-up naming the file and each bad field. */
export function loadPolicyFile(path: string | undefined): PolicyConfig {
  if (path === undefined) return parsePolicyConfig({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`POLICY_CONFIG_PATH ${path}: ${(err as Error).message}`);
  }
  try {
    return parsePolicyConfig(raw);
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new ConfigError(`POLICY_CONFIG_PATH ${path}: ${err.message}`);
    throw err;
  }
}

const DAY_S = 24 * 60 * 60;

/** A previous key that reuses the current key's id or secret is a mistake in the rotation, not a rotation. */
function checkRotation(current: LinkKey, previous: readonly LinkKey[]): void {
  const problems = previous.flatMap((k) =>
    k.kid === current.kid
      ? [`key ${k.kid}: is LINK_KEY_ID, the current key; give the new secret a new id`]
      : k.secret === current.secret
        ? [`key ${k.kid}: has the same secret as LINK_SECRET`]
        : [],
  );
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  LINK_SECRETS_PREVIOUS (set): ${p}`).join("\n")}`);
}

/** Parsed once at start-up; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const e = parseEnv(envSchema, env);
  const currentKey: LinkKey = { kid: e.LINK_KEY_ID, secret: e.LINK_SECRET };
  checkRotation(currentKey, e.LINK_SECRETS_PREVIOUS);
  return {
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    queueName: e.ALERT_QUEUE,
    concurrency: e.CONCURRENCY,
    appBaseUrl: e.APP_BASE_URL,
    linkKeys: { current: currentKey, previous: e.LINK_SECRETS_PREVIOUS },
    linkTtlSeconds: e.LINK_TTL_DAYS * DAY_S,
    consoleBaseUrl: e.CONSOLE_BASE_URL,
    logLevel: e.LOG_LEVEL,
    retry: { baseMs: e.RETRY_BACKOFF_BASE_MS, maxMs: Math.max(e.RETRY_BACKOFF_MAX_MS, e.RETRY_BACKOFF_BASE_MS) },
    smtpTimeoutMs: e.SMTP_TIMEOUT_MS,
    jobLockMs: e.JOB_LOCK_MS,
    keyPrefix: e.KEY_PREFIX,
    sentMarkerTtlSeconds: e.SENT_MARKER_TTL_DAYS * DAY_S,
    ops: { port: e.OPS_PORT, token: e.OPS_TOKEN },
    kafka: { brokers: e.KAFKA_BROKERS, historyTopic: e.TOPIC_ALERT_HISTORY, inboxTopic: e.TOPIC_ALERT_INBOX, subscriptionsTopic: e.TOPIC_DIGEST_SUBSCRIPTIONS,
      answersTopic: e.TOPIC_CONSOLE_ANSWERS,
      answersGroup: e.ANSWERS_CONSUMER_GROUP,
    },
    signalKeyPrefix: e.SIGNAL_KEY_PREFIX,
    emailQueueName: e.EMAIL_QUEUE,
    policy: loadPolicyFile(e.POLICY_CONFIG_PATH),
    tickIntervalMs: e.TICK_INTERVAL_MS,
    api: { port: e.API_PORT, host: e.API_HOST, tokens: parseApiTokens(e.API_TOKENS) },
    digests: { queueName: e.DIGEST_QUEUE, lateAfterMs: e.DIGEST_LATE_AFTER_MINUTES * 60_000 },
    engine: loadEngineConfig(e.ENGINE_CONFIG_PATH),
    fx: loadExchangeRates(e.FX_RATES_PATH),
  };
}
