import { afterEach, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { deleteTopics, listEmails, startMaildev, waitFor, type MaildevHandle } from "@churnwatch/testing";
import { isolatedEnvironment } from "../services/signal-worker/src/testSupport.ts";
import { accountUpserted, decliningHistory, steadyHistory } from "./support/events.ts";
import { join } from "node:path";
import { repoRoot, startService, stopService, type RunningService } from "./support/processes.ts";

/**
 * The whole product path on real infrastructure: events produced to Kafka → signal worker → Redis →
 * BullMQ → notifier → a real SMTP server. Both services run as separate processes from their documented
 * entry points, configured by env vars only.
 */
let running: RunningService[] = [];
let sinks: MaildevHandle[] = [];
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const s of running) await stopService(s, "SIGTERM");
  for (const sink of sinks) await sink.close();
  for (const c of cleanups.reverse()) await c();
  running = [];
  sinks = [];
  cleanups = [];
});

const ports = (() => {
  let next = 21_000 + (process.pid % 2_000) * 4;
  return () => [next++, next++] as const;
})();

async function pipeline(tag: string) {
  const env = await isolatedEnvironment(tag, { LOG_LEVEL: "info" });
  cleanups.push(() => env.cleanup());
  const [smtpPort, webPort] = ports();
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
    // Digests get their own queue and subscriptions topic per test, like everything else here.
    DIGEST_QUEUE: `${env.config.ALERT_QUEUE}-digests`,
    TOPIC_DIGEST_SUBSCRIPTIONS: `${env.config.TOPIC_ALERT_HISTORY}.digest-subscriptions`,
    // Real time in this test: no quiet hours, so the email does not wait for the owner's morning.
    POLICY_CONFIG_PATH: join(repoRoot, "infra/config/policy.demo.json"),
    API_PORT: "0",
    RETRY_BACKOFF_BASE_MS: "300",
    RETRY_BACKOFF_MAX_MS: "2000",
    OPS_PORT: "0",
    LOG_LEVEL: "info",
  };
  cleanups.push(async () => {
    const redis = new Redis(env.config.REDIS_URL);
    const digests = new Queue(notifierEnv.DIGEST_QUEUE, { connection: redis });
    await digests.obliterate({ force: true });
    await digests.close();
    await redis.quit();
    await deleteTopics(env.config.KAFKA_BROKERS, [notifierEnv.TOPIC_DIGEST_SUBSCRIPTIONS]).catch(() => undefined);
  });
  return { env, smtpPort, webPort, notifierEnv };
}

describe("pipeline end to end", () => {
  it("emails the owner of a declining account with the evidence, and nobody about a steady one", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await pipeline("e2e-mail");
    const sink = await startMaildev({ smtpPort, webPort });
    sinks.push(sink);
    running.push(startService("signal-worker", env.env, "e2e-mail"), startService("notifier", notifierEnv, "e2e-mail"));

    const now = Date.now();
    const down = decliningHistory("acc-e2e-down", now, { weekly: 10_000, recentShare: 0.25 });
    down[0] = accountUpserted("acc-e2e-down", now - 400 * 86_400_000, {
      name: "Huadong <b>Precision</b> & Co",
      ownerEmail: "zhang.min@seller.example",
      ownerName: "Zhang Min",
    });
    await env.produceEvents([...down, ...steadyHistory("acc-e2e-steady", now)]);

    const emails = await waitFor(() => listEmails(sink.webUrl), { until: (m) => m.length >= 1, timeoutMs: 60_000, description: "an alert email" });
    const mail = emails[0];
    expect(mail?.to.map((t) => t.address)).toEqual(["zhang.min@seller.example"]);
    expect(mail?.subject).toContain("Huadong <b>Precision</b> & Co");
    expect(mail?.text).toMatch(/-7[0-9]%|−7[0-9]%/);
    expect(mail?.text).toContain("130,000.00"); // baseline: 13 weekly orders of 10,000 per 90 days
    expect(mail?.html).toContain("Huadong &lt;b&gt;Precision&lt;/b&gt; &amp; Co");
    expect(mail?.html).not.toContain("<b>Precision</b>");

    // Both accounts fully applied and the sweep has run since: still exactly one email.
    await waitFor(async () => (await env.appliedCount("acc-e2e-steady")) === steadyHistory("x", now).length, { description: "steady applied" });
    // The alert queue always holds one delayed job, the policy's next clock tick; emails must all be out.
    for (const [name, pending] of [[env.config.ALERT_QUEUE, ["waiting", "active"]], [notifierEnv.EMAIL_QUEUE, ["waiting", "active", "delayed"]]] as const) {
      const queue = new Queue(name, { connection: new Redis(env.config.REDIS_URL) });
      cleanups.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
      await waitFor(() => queue.getJobCounts(...pending), { until: (c) => Object.values(c).every((n) => n === 0) });
    }
    const all = await listEmails(sink.webUrl);
    expect(all.map((m) => m.to[0]?.address)).toEqual(["zhang.min@seller.example"]);
    expect(all.some((m) => m.subject.includes("acc-e2e-steady"))).toBe(false);
  });

  it("holds the alert while SMTP is down and delivers it once when SMTP comes back", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await pipeline("e2e-smtp");
    running.push(startService("signal-worker", env.env, "e2e-smtp"), startService("notifier", notifierEnv, "e2e-smtp"));
    await env.produceEvents(decliningHistory("acc-e2e-smtp", Date.now()));

    const queue = new Queue(notifierEnv.EMAIL_QUEUE, { connection: new Redis(env.config.REDIS_URL) });
    cleanups.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
    // The notifier has tried and failed at least twice against the missing server...
    await waitFor(() => queue.getJobs(["delayed", "waiting", "active"]), {
      until: (jobs) => jobs.some((j) => j.attemptsMade >= 2),
      timeoutMs: 60_000,
      description: "failed delivery attempts while SMTP is down",
    });
    // ...then SMTP comes up and the email arrives exactly once.
    const sink = await startMaildev({ smtpPort, webPort });
    sinks.push(sink);
    await waitFor(() => queue.getJobCounts("completed"), { until: (c) => c.completed === 1, timeoutMs: 60_000 });
    // maildev keeps one mail store per process, so look only at this test's account.
    const emails = (await listEmails(sink.webUrl)).filter((m) => m.subject.includes("acc-e2e-smtp"));
    expect(emails).toHaveLength(1);
  });
});
