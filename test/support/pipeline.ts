import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { isolatedEnvironment } from "../../services/signal-worker/src/testSupport.ts";
import { repoRoot } from "./processes.ts";

const ports = (() => {
  let next = 21_000 + (process.pid % 2_000) * 4;
  return () => [next++, next++] as const;
})();

/**
 * Everything one end-to-end test needs, isolated from every other: the signal worker's topics, queue and
 * key prefix, and the notifier's env (its own queues, prefixes, topics and ports), run on real time without
 * quiet hours. Cleanup is registered with the caller. `overrides` go to the signal worker's env (REDIS_URL reaches the
 * notifier too).
 */
export async function isolatedPipeline(tag: string, cleanups: Array<() => Promise<unknown>>, overrides: Record<string, string> = {}) {
  const env = await isolatedEnvironment(tag, { LOG_LEVEL: "info", ...overrides });
  cleanups.push(() => env.cleanup());
  const [smtpPort, webPort] = ports();
  const [apiPort] = ports();
  const id = env.config.KEY_PREFIX.replace(/:$/, "");
  const notifierEnv = {
    REDIS_URL: env.config.REDIS_URL,
    ALERT_QUEUE: env.config.ALERT_QUEUE,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    LINK_SECRET: "e2e-link-secret-with-at-least-32-characters",
    KEY_PREFIX: `${env.config.KEY_PREFIX}notifier:`,
    SIGNAL_KEY_PREFIX: env.config.KEY_PREFIX,
    EMAIL_QUEUE: `${env.config.ALERT_QUEUE}-emails`,
    KAFKA_BROKERS: env.config.KAFKA_BROKERS.join(","),
    TOPIC_ALERT_HISTORY: env.config.TOPIC_ALERT_HISTORY,
    TOPIC_ALERT_INBOX: `${id}.alert-inbox`,
    DIGEST_QUEUE: `${env.config.ALERT_QUEUE}-digests`,
    TOPIC_DIGEST_SUBSCRIPTIONS: `${id}.digest-subscriptions`,
    // Real time in these tests: no quiet hours, so the email does not wait for the owner's morning.
    POLICY_CONFIG_PATH: join(repoRoot, "infra/config/policy.demo.json"),
    API_PORT: String(apiPort),
    API_TOKENS: "e2e-operations-token-0123456789=*",
    RETRY_BACKOFF_BASE_MS: "300",
    RETRY_BACKOFF_MAX_MS: "2000",
    OPS_PORT: "0",
    LOG_LEVEL: "info",
  };
  cleanups.push(async () => {
    const redis = new Redis(env.config.REDIS_URL);
    const digests = new Queue(notifierEnv.DIGEST_QUEUE, { connection: redis });
    await digests.obliterate({ force: true }).catch(() => undefined);
    await digests.close();
    await redis.quit();
  });
  return { env, smtpPort, webPort, apiPort, notifierEnv };
}
