// Against a real Redis and a real SMTP server (maildev in-process). Each test has its own queue, key prefix,
// SMTP port and recipient, and cleans up through BullMQ's obliterate.
import { randomUUID } from "node:crypto";
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { ALERT_JOB, alertJobId, type AlertNotification } from "@churnwatch/contracts";
import { createLogger } from "@churnwatch/platform";
import type { NotifierConfig } from "./env.ts";
import { sampleNotification } from "./fixtures.ts";
import { defaultJobOptions } from "./jobOptions.ts";
import { verifyAccountUrl } from "./links.ts";
import { messageIdFor } from "./render/index.ts";
import { createNotifier, type Notifier } from "./service.ts";
import { createMailSink, type MailSink } from "./testSupport/mailSink.ts";
import { waitFor } from "./testSupport/waitFor.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "int-test-secret-0123456789abcdef0123";

interface Ctx {
  id: string;
  sink: MailSink;
  queue: Queue;
  redis: Redis;
  notifier: Notifier;
  config: NotifierConfig;
  owner: string;
}
const cleanups: Array<() => Promise<unknown>> = [];

async function setup({ listen = true } = {}): Promise<Ctx> {
  const id = randomUUID();
  const sink = await createMailSink();
  if (listen) await sink.listen();
  const config: NotifierConfig = {
    redisUrl: REDIS_URL,
    smtpUrl: sink.smtpUrl,
    mailFrom: "Churnwatch <alerts@churnwatch.local>",
    queueName: `notifier-int-${id}`,
    concurrency: 2,
    appBaseUrl: "http://localhost:8080",
    linkSecret: SECRET,
    linkTtlSeconds: 3600,
    logLevel: "silent",
    retry: { baseMs: 50, maxMs: 400 },
    smtpTimeoutMs: 3_000,
    keyPrefix: `test:notifier:${id}:`,
    sentMarkerTtlSeconds: 600,
    ops: { port: 0, token: undefined },
  };
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(config.queueName, { connection: redis });
  const notifier = createNotifier(config, { logger: createLogger("notifier-test", process.env.TEST_LOG_LEVEL ?? "silent") });
  cleanups.push(async () => {
    await notifier.stop();
    await queue.obliterate({ force: true });
    // The sent markers are the notifier's own keys, outside BullMQ: SCAN this test's prefix and drop them.
    for await (const keys of redis.scanStream({ match: `${config.keyPrefix}*`, count: 100 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
    await queue.close();
    await redis.quit();
    await sink.close();
  });
  await notifier.start();
  return { id, sink, queue, redis, notifier, config, owner: `owner-${id}@example.com` };
}

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function notification(ctx: Ctx, overrides: Parameters<typeof sampleNotification>[0] = {}): AlertNotification {
  return sampleNotification({
    notificationId: `acc-42:purchases.decline:${ctx.id}:high`,
    ...overrides,
    account: { owner: { name: "Li Wei", email: ctx.owner }, ...overrides.account },
  });
}

const enqueue = (ctx: Ctx, n: unknown, notificationId: string) =>
  ctx.queue.add(ALERT_JOB, n, { ...defaultJobOptions, jobId: alertJobId(notificationId) });

async function settled(ctx: Ctx, notificationId: string, state: "completed" | "failed"): Promise<Job> {
  const jobId = alertJobId(notificationId);
  await waitFor(() => ctx.queue.getJobState(jobId), (s) => s === state, { what: `job ${jobId} ${state}` });
  const job = await ctx.queue.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} vanished`);
  return job;
}

const oneEmail = (ctx: Ctx) => waitFor(() => ctx.sink.emailsTo(ctx.owner), (m) => m.length >= 1, { what: "an email" });

describe("notifier (Redis + SMTP)", () => {
  it("sends one email with HTML and text parts to the owner", async () => {
    const ctx = await setup();
    const n = notification(ctx, { account: { name: "<script>alert(1)</script> & Co" } });
    await enqueue(ctx, n, n.notificationId);

    const job = await settled(ctx, n.notificationId, "completed");
    expect(job.returnvalue).toMatchObject({ status: "sent" });
    const [mail, ...rest] = await oneEmail(ctx);
    expect(rest).toHaveLength(0);
    expect(mail?.to.map((t) => t.address)).toEqual([ctx.owner]);
    expect(mail?.subject).toBe("[Churnwatch] High risk · <script>alert(1)</script> & Co: Purchases declining");
    expect(`<${mail?.messageId}>`).toBe(messageIdFor(n.notificationId));
    expect(mail?.text).toContain("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline, \u221271%");
    expect(mail?.html).toContain("CN¥410,000.00");
    expect(mail?.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
    expect(mail?.html).not.toContain("<script>");
    const link = /href="([^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&");
    expect(link && verifyAccountUrl(link, SECRET)).toEqual({ ok: true });
    expect(await ctx.redis.exists(`${ctx.config.keyPrefix}sent:${n.notificationId}`)).toBe(1);
  });

  it("sends once when the same notification is enqueued twice or redelivered", async () => {
    const ctx = await setup();
    const n = notification(ctx);
    await enqueue(ctx, n, n.notificationId);
    await enqueue(ctx, n, n.notificationId); // deduped by BullMQ: same jobId
    const first = await settled(ctx, n.notificationId, "completed");
    expect(first.returnvalue).toMatchObject({ status: "sent" });

    // A redelivery after the job record is gone (e.g. removed, or a stalled retry): the marker stops it.
    await first.remove();
    await enqueue(ctx, n, n.notificationId);
    const again = await settled(ctx, n.notificationId, "completed");
    expect(again.returnvalue).toEqual({ status: "already-sent" });
    expect(await ctx.sink.emailsTo(ctx.owner)).toHaveLength(1);
  });

  it("retries while SMTP is down and delivers exactly once after it comes up", async () => {
    const ctx = await setup({ listen: false });
    const n = notification(ctx);
    await enqueue(ctx, n, n.notificationId);

    const failedOnce = await waitFor(
      () => ctx.queue.getJob(alertJobId(n.notificationId)),
      (j) => (j?.attemptsMade ?? 0) >= 2,
      { what: "two failed attempts" },
    );
    expect(failedOnce?.failedReason).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    await ctx.sink.listen();

    const job = await settled(ctx, n.notificationId, "completed");
    expect(job.attemptsMade).toBeGreaterThanOrEqual(3);
    expect(await oneEmail(ctx)).toHaveLength(1);
  });

  it("retries a 4xx reply and then delivers once", async () => {
    const ctx = await setup();
    let rejections = 0;
    ctx.sink.onRecipient(() => (rejections++ < 1 ? { code: 451, message: "4.3.0 Try again later" } : undefined));
    const n = notification(ctx);
    await enqueue(ctx, n, n.notificationId);

    await settled(ctx, n.notificationId, "completed");
    expect(rejections).toBe(2);
    expect(await oneEmail(ctx)).toHaveLength(1);
  });

  it("fails a 5xx-rejected recipient for good, with the reason and without the address", async () => {
    const ctx = await setup();
    ctx.sink.onRecipient((address) => (address === ctx.owner ? { code: 550, message: `5.1.1 <${address}>: mailbox unavailable` } : undefined));
    const n = notification(ctx);
    await enqueue(ctx, n, n.notificationId);

    const job = await settled(ctx, n.notificationId, "failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("550");
    expect(job.failedReason).toContain("mailbox unavailable");
    expect(job.failedReason).not.toContain(ctx.owner);
    expect(await ctx.sink.emailsTo(ctx.owner)).toHaveLength(0);

    // Operations sees it on /metrics: one final failure, one job in the failed set.
    const metrics = await (await fetch(`http://127.0.0.1:${ctx.notifier.opsPort()}/metrics`)).text();
    expect(metrics).toContain('churnwatch_emails_failed_total{final="true"} 1');
    expect(metrics).toContain(`churnwatch_queue_jobs{queue="${ctx.config.queueName}",state="failed"} 1`);
  });

  it("fails a notification without an owner or with an invalid payload, with the reason", async () => {
    const ctx = await setup();
    const noOwner = { ...notification(ctx), notificationId: `no-owner-${ctx.id}` };
    delete noOwner.account.owner;
    await enqueue(ctx, noOwner, noOwner.notificationId);
    await enqueue(ctx, { notificationId: "x", evidence: [] }, `invalid-${ctx.id}`);

    const a = await settled(ctx, noOwner.notificationId, "failed");
    expect(a.failedReason).toBe("no owner on record for the account");
    expect(a.attemptsMade).toBe(1);
    const b = await settled(ctx, `invalid-${ctx.id}`, "failed");
    expect(b.failedReason).toMatch(/^invalid payload: /);
    expect(b.attemptsMade).toBe(1);
  });

  it("stop() is idempotent and lets the in-flight job finish", async () => {
    const ctx = await setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    ctx.sink.onRecipient(async () => {
      arrived = true;
      await held; // SMTP stalls at RCPT TO until the test lets it go
      return undefined;
    });
    const n = notification(ctx);
    await enqueue(ctx, n, n.notificationId);
    await waitFor(() => arrived, Boolean, { what: "the send to start" });

    const stopping = ctx.notifier.stop();
    expect(ctx.notifier.stop()).toBe(stopping);
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await waitFor(() => ctx.queue.getJobState(alertJobId(n.notificationId)), (s) => s === "active", { what: "job still active" });
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await ctx.queue.getJobState(alertJobId(n.notificationId))).toBe("completed");
    expect(await oneEmail(ctx)).toHaveLength(1);
  });
});
