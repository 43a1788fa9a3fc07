// Delivery against a real Redis, a real SMTP server (maildev in-process) and the real Kafka broker (the history
// topic). Each test has its own queues, key prefixes, topic, SMTP port and recipient (testSupport/harness.ts).
import { type Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertNotification } from "@churnwatch/contracts";
import { emailJobId } from "./lifecycle/emailQueue.ts";
import { verifyAccountUrl } from "./links.ts";
import { singleKey } from "./linkKeys.ts";
import { idKeyPart } from "./lifecycle/keyNames.ts";
import { messageIdFor } from "./render/index.ts";
import { cleanupHarnesses, OPS_TOKEN, SECRET, startHarness, type Harness } from "./testSupport/harness.ts";
import { waitFor } from "@churnwatch/testing";

afterEach(cleanupHarnesses);

type Ctx = Harness;
const setup = (opts: { listen?: boolean } = {}) => startHarness(opts);

function notification(ctx: Ctx, overrides: Partial<AlertNotification> = {}): AlertNotification {
  const n = ctx.notification(overrides);
  return { ...n, account: { ...n.account, ...overrides.account } };
}

const enqueue = (ctx: Ctx, n: AlertNotification) => ctx.enqueue(n);

/** The one email job the policy decided for the owner. */
async function emailJob(ctx: Ctx): Promise<Job> {
  const jobs = await waitFor(() => ctx.emailQueue.getJobs(["waiting", "active", "delayed", "completed", "failed"]), { until: (j) => j.length >= 1, description: "an email job", timeoutMs: 15_000 });
  const job = jobs[0];
  if (!job) throw new Error("no email job");
  return job;
}

async function settled(ctx: Ctx, state: "completed" | "failed"): Promise<Job> {
  const job = await emailJob(ctx);
  await waitFor(() => ctx.emailQueue.getJobState(job.id ?? ""), { until: (s) => s === state, description: `email job ${state}`, timeoutMs: 15_000 });
  return (await ctx.emailQueue.getJob(job.id ?? "")) ?? job;
}

const oneEmail = (ctx: Ctx) => ctx.waitEmails(ctx.owner, 1);

describe("notifier delivery (Kafka + Redis + SMTP)", () => {
  it("sends one email with HTML and text parts to the owner", async () => {
    const ctx = await setup();
    const n = notification(ctx, { account: { ...ctx.notification().account, name: "<script>alert(1)</script> & Co" } });
    await enqueue(ctx, n);

    const job = await settled(ctx, "completed");
    expect(job.returnvalue).toMatchObject({ status: "sent" });
    const groupId = (job.data as { groupId: string }).groupId;
    expect(job.id).toBe(emailJobId(groupId));
    const [mail, ...rest] = await oneEmail(ctx);
    expect(rest).toHaveLength(0);
    expect(mail?.to.map((t) => t.address)).toEqual([ctx.owner]);
    expect(mail?.subject).toBe("[Churnwatch] Medium risk · <script>alert(1)</script> & Co: Purchases declining");
    expect(`<${mail?.messageId}>`).toBe(messageIdFor(groupId));
    expect(mail?.text).toContain("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline, \u221271%");
    expect(mail?.html).toContain("CN¥410,000.00");
    expect(mail?.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
    expect(mail?.html).not.toContain("<script>");
    const link = /href="([^"]+\/accounts\/[^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&");
    expect(link && verifyAccountUrl(link, singleKey(SECRET), ctx.clock.ms)).toEqual({ ok: true });
    expect(await ctx.redis.exists(`${ctx.config.keyPrefix}sent:${idKeyPart(groupId)}`)).toBe(1);
  });

  it("sends once when the same notification is enqueued twice or the email job is redelivered", async () => {
    const ctx = await setup();
    const n = notification(ctx);
    await enqueue(ctx, n);
    await enqueue(ctx, n); // deduped by BullMQ: same jobId
    await ctx.enqueue({ ...n, notificationId: `${n.notificationId}:copy` }); // a copy the policy recognises as no news
    const first = await settled(ctx, "completed");
    expect(first.returnvalue).toMatchObject({ status: "sent" });

    // A redelivery after the job record is gone (e.g. removed, or a stalled retry): the sent marker stops it.
    const data = first.data as unknown;
    await first.remove();
    await ctx.emailQueue.add("send-email", data, { jobId: first.id ?? "" });
    await waitFor(() => ctx.emailQueue.getJob(first.id ?? ""), { until: (j) => j?.returnvalue !== undefined && j.returnvalue !== null, description: "the redelivered job done", timeoutMs: 15_000 });
    expect((await ctx.emailQueue.getJob(first.id ?? ""))?.returnvalue).toEqual({ status: "already-sent" });
    expect(await ctx.sink.emailsTo(ctx.owner)).toHaveLength(1);
  });

  it("retries while SMTP is down and delivers exactly once after it comes up", async () => {
    const ctx = await setup({ listen: false });
    await enqueue(ctx, notification(ctx));

    const job = await emailJob(ctx);
    const failedTwice = await waitFor(() => ctx.emailQueue.getJob(job.id ?? ""), { until: (j) => (j?.attemptsMade ?? 0) >= 2, description: "two failed attempts", timeoutMs: 15_000 });
    expect(failedTwice?.failedReason).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    await ctx.sink.listen();

    const done = await settled(ctx, "completed");
    expect(done.attemptsMade).toBeGreaterThanOrEqual(2);
    expect(await oneEmail(ctx)).toHaveLength(1);
  });

  it("retries a 4xx reply and then delivers once", async () => {
    const ctx = await setup();
    let rejections = 0;
    ctx.sink.onRecipient(() => (rejections++ < 1 ? { code: 451, message: "4.3.0 Try again later" } : undefined));
    await enqueue(ctx, notification(ctx));

    await settled(ctx, "completed");
    expect(rejections).toBe(2);
    expect(await oneEmail(ctx)).toHaveLength(1);
  });

  it("fails a 5xx-rejected recipient for good, with the reason and without the address", async () => {
    const ctx = await setup();
    ctx.sink.onRecipient((address) => (address === ctx.owner ? { code: 550, message: `5.1.1 <${address}>: mailbox unavailable` } : undefined));
    await enqueue(ctx, notification(ctx));

    const job = await settled(ctx, "failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("550");
    expect(job.failedReason).toContain("mailbox unavailable");
    expect(job.failedReason).not.toContain(ctx.owner);
    expect(await ctx.sink.emailsTo(ctx.owner)).toHaveLength(0);

    // Operations sees it on /metrics: one final failure, one job in the email queue's failed set.
    const metrics = await (await fetch(`http://127.0.0.1:${ctx.notifier.opsPort()}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).text();
    expect(metrics).toContain('churnwatch_emails_failed_total{final="true"} 1');
    expect(metrics).toContain(`churnwatch_queue_jobs{queue="${ctx.config.emailQueueName}",state="failed"} 1`);
  });

  it("fails an email with no owner on record, and a notification with an invalid payload, with the reason", async () => {
    const ctx = await setup();
    const noOwner = notification(ctx);
    delete noOwner.account.owner;
    await enqueue(ctx, noOwner);
    const a = await settled(ctx, "failed");
    expect(a.failedReason).toBe("no owner on record for the account");
    expect(a.attemptsMade).toBe(1);

    await ctx.alertQueue.add("notify-owner", { notificationId: "x", evidence: [] }, { jobId: `invalid-${ctx.id}` });
    await waitFor(() => ctx.alertQueue.getJobState(`invalid-${ctx.id}`), { until: (s) => s === "failed", description: "invalid notification failed", timeoutMs: 15_000 });
    const b = await ctx.alertQueue.getJob(`invalid-${ctx.id}`);
    expect(b?.failedReason).toMatch(/^invalid payload: /);
    expect(b?.attemptsMade).toBe(1);
  });

  it("stop() is idempotent and lets the in-flight send finish", async () => {
    const ctx = await setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    ctx.sink.onRecipient(async () => {
      arrived = true;
      await held; // SMTP stalls at RCPT TO until the test lets it go
      return undefined;
    });
    await enqueue(ctx, notification(ctx));
    await waitFor(() => arrived, { until: Boolean, description: "the send to start", timeoutMs: 15_000 });
    const job = await emailJob(ctx);

    const stopping = ctx.notifier.stop();
    expect(ctx.notifier.stop()).toBe(stopping);
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await waitFor(() => ctx.emailQueue.getJobState(job.id ?? ""), { until: (s) => s === "active", description: "job still active", timeoutMs: 15_000 });
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await ctx.emailQueue.getJobState(job.id ?? "")).toBe("completed");
    expect(await oneEmail(ctx)).toHaveLength(1);
  });
});
