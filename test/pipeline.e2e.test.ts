import { describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { listEmails, startMaildev, waitFor } from "@churnwatch/testing";
import { accountUpserted, decliningHistory, steadyHistory } from "./support/events.ts";
import { isolatedPipeline } from "./support/pipeline.ts";
import { startService } from "./support/processes.ts";
import { e2eScope } from "./support/scope.ts";

/**
 * The whole product path on real infrastructure: events produced to Kafka → signal worker → Redis →
 * BullMQ → notifier → a real SMTP server. Both services run as separate processes from their documented
 * entry points, configured by env vars only.
 */
const scope = e2eScope();

const pipeline = (tag: string) => isolatedPipeline(tag, scope.cleanups);

describe("pipeline end to end", () => {
  it("emails the owner of a declining account with the evidence, and nobody about a steady one", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await pipeline("e2e-mail");
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    scope.running.push(startService("signal-worker", env.env, "e2e-mail"), startService("notifier", notifierEnv, "e2e-mail"));

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
      scope.cleanups.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
      await waitFor(() => queue.getJobCounts(...pending), { until: (c) => Object.values(c).every((n) => n === 0) });
    }
    const all = await listEmails(sink.webUrl);
    expect(all.map((m) => m.to[0]?.address)).toEqual(["zhang.min@seller.example"]);
    expect(all.some((m) => m.subject.includes("acc-e2e-steady"))).toBe(false);
  });

  it("holds the alert while SMTP is down and delivers it once when SMTP comes back", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await pipeline("e2e-smtp");
    scope.running.push(startService("signal-worker", env.env, "e2e-smtp"), startService("notifier", notifierEnv, "e2e-smtp"));
    await env.produceEvents(decliningHistory("acc-e2e-smtp", Date.now()));

    const queue = new Queue(notifierEnv.EMAIL_QUEUE, { connection: new Redis(env.config.REDIS_URL) });
    scope.cleanups.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
    // The notifier has tried and failed at least twice against the missing server...
    await waitFor(() => queue.getJobs(["delayed", "waiting", "active"]), {
      until: (jobs) => jobs.some((j) => j.attemptsMade >= 2),
      timeoutMs: 60_000,
      description: "failed delivery attempts while SMTP is down",
    });
    // ...then SMTP comes up and the email arrives exactly once.
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    await waitFor(() => queue.getJobCounts("completed"), { until: (c) => c.completed === 1, timeoutMs: 60_000 });
    // maildev keeps one mail store per process, so look only at this test's account.
    const emails = (await listEmails(sink.webUrl)).filter((m) => m.subject.includes("acc-e2e-smtp"));
    expect(emails).toHaveLength(1);
  });
});
