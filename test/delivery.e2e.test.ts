import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { ALERT_JOB, alertJobId, alertJobOptions, type AlertNotification } from "@churnwatch/contracts";
import { deleteKeysByPrefix, deleteTopics, kafkaBrokers, redisUrl, waitFor } from "@churnwatch/testing";
import { createMailSink, type MailSink } from "../services/notifier/src/testSupport/mailSink.ts";
import { repoRoot, startService, stopService, type RunningService } from "./support/processes.ts";

/**
 * Delivery under failure, with the notifier as a real process: it is SIGKILLed in the middle of an SMTP
 * transaction, then SMTP refuses everything for a minute while a fresh process takes over. Every alert must
 * arrive exactly once: none lost with the killed process, none sent twice by the retries.
 */
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const OUTAGE_MS = 60_000;

function notification(accountId: string, owner: string): AlertNotification {
  const alertId = `${accountId}:purchases.decline:1772414100000`;
  return {
    notificationId: `${alertId}:high`,
    kind: "firing",
    alertId,
    accountId,
    rule: "purchases.decline",
    level: "high",
    score: 74,
    firedAt: new Date().toISOString(),
    evaluatedAt: new Date().toISOString(),
    configVersion: "e2e.1",
    evidence: [{ signal: "orders.value", unit: "money", value: "30000", baseline: "130000", windowDays: 90, changePct: -77 }],
    eventIds: ["e-1"],
    account: { name: `Account ${accountId}`, tier: "partner", region: "East", currency: "CNY", timezone: "Asia/Shanghai", locale: "en", owner: { name: "Zhang Min", email: owner } },
  };
}

describe("delivery under failure", () => {
  it(
    "the notifier is SIGKILLed mid-send and SMTP fails for a minute: every alert is delivered exactly once",
    async () => {
      const id = randomUUID().slice(0, 8);
      const owner = `kill-${id}@seller.example`;
      const sink: MailSink = await createMailSink();
      await sink.listen();
      const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
      const env = {
        REDIS_URL: redisUrl(),
        KAFKA_BROKERS: kafkaBrokers().join(","),
        SMTP_URL: sink.smtpUrl,
        ALERT_QUEUE: `e2e-kill-${id}-alerts`,
        EMAIL_QUEUE: `e2e-kill-${id}-emails`,
        KEY_PREFIX: `e2e-kill-${id}:notifier:`,
        SIGNAL_KEY_PREFIX: `e2e-kill-${id}:`,
        TOPIC_ALERT_HISTORY: `e2e-kill-${id}.alert-history`,
        DIGEST_QUEUE: `e2e-kill-${id}-digests`,
        TOPIC_DIGEST_SUBSCRIPTIONS: `e2e-kill-${id}.digest-subscriptions`,
        TOPIC_ALERT_INBOX: `e2e-kill-${id}.alert-inbox`,
        LINK_SECRET: "e2e-link-secret-with-at-least-32-characters",
        POLICY_CONFIG_PATH: join(repoRoot, "infra/config/policy.demo.json"),
        RETRY_BACKOFF_BASE_MS: "1000",
        RETRY_BACKOFF_MAX_MS: "8000",
        // The killed process's jobs come back within about 10 s (two stalled checks), well inside the outage.
        JOB_LOCK_MS: "5000",
        API_PORT: "0",
        OPS_PORT: "0",
      };
      const alerts = new Queue(env.ALERT_QUEUE, { connection: redis });
      const emails = new Queue(env.EMAIL_QUEUE, { connection: redis });
      const running: RunningService[] = [];
      cleanups.push(async () => {
        for (const s of running) await stopService(s, "SIGTERM");
        await alerts.obliterate({ force: true });
        await emails.obliterate({ force: true });
        const digests = new Queue(env.DIGEST_QUEUE, { connection: redis });
        await digests.obliterate({ force: true });
        await digests.close();
        await deleteKeysByPrefix(redis, `e2e-kill-${id}:`);
        await redis.quit();
        await sink.close();
        await deleteTopics(kafkaBrokers(), [env.TOPIC_ALERT_HISTORY, env.TOPIC_DIGEST_SUBSCRIPTIONS, env.TOPIC_ALERT_INBOX]).catch(() => undefined);
      });

      // SMTP: the first delivery hangs at RCPT TO (the process dies there), then a minute of refusals.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let sendsStarted = 0;
      let outageUntil = Number.POSITIVE_INFINITY;
      let refusals = 0;
      sink.onRecipient(async () => {
        if (sendsStarted++ === 0) {
          await held;
          return { code: 421, message: "4.4.2 connection dropped" };
        }
        if (Date.now() < outageUntil) {
          refusals++;
          return { code: 451, message: "4.3.0 mail system unavailable, try later" };
        }
        return undefined;
      });

      running.push(startService("notifier", env, `e2e-kill-${id}-first`));
      const accounts = ["acc-k1", "acc-k2", "acc-k3"].map((a) => `${a}-${id}`);
      for (const a of accounts) {
        const n = notification(a, owner);
        await alerts.add(ALERT_JOB, n, { ...alertJobOptions, jobId: alertJobId(n.notificationId) });
      }
      await waitFor(() => sendsStarted >= 1, { timeoutMs: 60_000, description: "the first send under way" });

      // Kill the process mid-send; SMTP goes down for a minute; a new process takes over.
      const first = running[0];
      if (first) expect(await stopService(first, "SIGKILL")).toBeNull();
      outageUntil = Date.now() + OUTAGE_MS;
      release();
      running.push(startService("notifier", env, `e2e-kill-${id}-second`));

      await waitFor(() => refusals, { until: (n) => n >= 3, timeoutMs: OUTAGE_MS, description: "deliveries refused during the outage" });
      expect(await sink.emailsTo(owner)).toHaveLength(0);

      const delivered = await waitFor(() => sink.emailsTo(owner), {
        until: (m) => m.length >= accounts.length,
        timeoutMs: OUTAGE_MS + 90_000,
        description: "an email for every alert",
      });
      expect(Date.now()).toBeGreaterThanOrEqual(outageUntil);
      await waitFor(() => emails.getJobCounts("waiting", "active", "delayed", "failed", "completed"), {
        until: (c) => c.completed === accounts.length && (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.failed ?? 0) === 0,
        timeoutMs: 60_000,
        description: "every email job completed",
      });
      const perAccount = (await sink.emailsTo(owner)).map((m) => String(m.headers["x-churnwatch-account-id"]));
      expect(perAccount.sort()).toEqual([...accounts].sort());
      expect(delivered.length).toBe(accounts.length);
    },
    OUTAGE_MS + 180_000,
  );
});
