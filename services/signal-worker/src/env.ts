import { z } from "zod";
import { ALERT_QUEUE, defaultTopicNames, MAX_EVENT_BYTES } from "@churnwatch/contracts";
import { envFields, parseEnv } from "@churnwatch/platform";

const schema = z.object({
  KAFKA_BROKERS: envFields.kafkaBrokers,
  REDIS_URL: envFields.redisUrl,
  LOG_LEVEL: envFields.logLevel,
  KAFKA_CLIENT_ID: envFields.name.default("churnwatch-signal-worker"),
  CONSUMER_GROUP: envFields.name.default("churnwatch-signal-worker"),
  /**
   * How long the group waits for a silent (crashed) member before handing its partitions on: a restarted
   * worker's join waits this long for the dead member (kafkajs has no static membership), so this is the
   * recovery time after a SIGKILL (docs/reliability.md). Shorter means a worker that misses heartbeats that long
   * (a stalled event loop) loses its partitions, and its batch is redelivered (deduplicated).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  TOPIC_ACCOUNTS: envFields.name.default(defaultTopicNames.accounts),
  TOPIC_ORDERS: envFields.name.default(defaultTopicNames.orders),
  TOPIC_PAYMENTS: envFields.name.default(defaultTopicNames.payments),
  TOPIC_COMPLAINTS: envFields.name.default(defaultTopicNames.complaints),
  TOPIC_INTERACTIONS: envFields.name.default(defaultTopicNames.interactions),
  TOPIC_DEAD_LETTER: envFields.name.default(defaultTopicNames.deadLetter),
  /** Every alert transition, durably: the audit history survives a Redis loss. */
  TOPIC_ALERT_HISTORY: envFields.name.default(defaultTopicNames.alertHistory),
  /** Compacted changelog of every account's state: what `ops rebuild-redis` restores Redis from. */
  TOPIC_ACCOUNT_STATE: envFields.name.default(defaultTopicNames.accountState),
  /** Create missing topics at start-up (partitions below); off where an operator manages topics. */
  CREATE_TOPICS: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  ALERT_QUEUE: envFields.name.default(ALERT_QUEUE),
  /** Namespace for every Redis key, so several deployments (or tests) can share one Redis. */
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{0,100}$/).default("cw:"),
  /** Events older than this are history: they build state but never notify on their own. */
  LIVE_WINDOW_MS: envFields.durationMs.default(60 * 60 * 1000),
  /** Total consumer-group lag at or below which the worker counts as caught up with the present. */
  CAUGHT_UP_MAX_LAG: z.coerce.number().int().min(0).default(50),
  LAG_CHECK_INTERVAL_MS: envFields.durationMs.default(5_000),
  SWEEP_INTERVAL_MS: envFields.durationMs.default(60_000),
  /**
   * Most sweeps tick only the accounts whose wake has come (see the sweeper); one this often, the first one, and
   * the first one after a rules change tick every account, a safety net for wakes that are missing or stale.
   */
  FULL_SWEEP_INTERVAL_MS: envFields.durationMs.default(60 * 60_000),
  SEEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(45),
  /**
   * Also honour the dedupe markers of before issue 15 (one per event id, for all accounts), so an event applied
   * before the upgrade and delivered again after it is not counted twice. Set to false SEEN_TTL_DAYS after the
   * upgrade, when the last of them has expired.
   */
  SEEN_LEGACY_KEYS: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  MAX_EVENT_BYTES: z.coerce.number().int().min(256).max(10_000_000).default(MAX_EVENT_BYTES),
  /** A JSON rules file (see config/rules.example.json); without it the built-in defaults apply. */
  ENGINE_CONFIG_PATH: z.string().min(1).optional(),
  /** /healthz, /readyz and /metrics; 0 picks a free port. */
  OPS_PORT: envFields.port.default(9464),
  OPS_TOKEN: envFields.opsToken,
  /**
   * Most bytes fetched per partition and request (kafkajs's default is 1 MiB). While catching up, each batch
   * then holds more events per account, and each account costs one state write per batch.
   */
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(65_536).max(67_108_864).default(4_194_304),
  /**
   * Partitions whose batches are applied at once. Each batch makes two Redis round trips for all of its
   * accounts; more in flight overlaps one batch's waiting with another's engine work.
   */
  PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Accounts loaded and committed per Redis round trip: fewer trips with more, less memory in flight with fewer. */
  ACCOUNTS_PER_ROUND_TRIP: z.coerce.number().int().min(1).max(5_000).default(100),
  /**
   * Budget of the in-process cache of parsed account states, in MB of their JSON. The parsed states take about
   * 1.4 times that on the heap; the process grows by more (see docs/performance.md).
   * 0 turns it off: every batch then reads and parses each account's state again.
   */
  STATE_CACHE_MB: z.coerce.number().min(0).max(16_384).default(32),
});

export type SignalWorkerConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SignalWorkerConfig {
  return parseEnv(schema, env);
}

export function eventTopics(config: SignalWorkerConfig): string[] {
  return [config.TOPIC_ACCOUNTS, config.TOPIC_ORDERS, config.TOPIC_PAYMENTS, config.TOPIC_COMPLAINTS, config.TOPIC_INTERACTIONS];
}
