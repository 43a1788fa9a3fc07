// The alert lifecycle end to end inside the notifier: engine notifications in the real BullMQ queue, the
// policy's state in the real Redis, emails to a real SMTP server, the history on the real Kafka broker.
// The policy's clock is the test's: each test sets the local time it needs and moves it on.
import { afterEach, describe, expect, it } from "vitest";
import { alertJobId, type AlertNotification } from "@churnwatch/contracts";
import { inboxKeys } from "./lifecycle/redisInbox.ts";
import { keepComplaintTextsFor } from "./testSupport/complaints.ts";
import { cleanupHarnesses, startHarness, type Harness } from "./testSupport/harness.ts";
import type { ReceivedEmail } from "./testSupport/mailSink.ts";
import { waitFor } from "@churnwatch/testing";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

afterEach(cleanupHarnesses);

/** A later engine notification of the same alert (or a new episode when alertId changes). */
function next(h: Harness, base: AlertNotification, change: Partial<AlertNotification>): AlertNotification {
  const n = { ...base, ...change, evaluatedAt: new Date(h.clock.ms).toISOString() };
  n.notificationId = n.kind === "resolved" ? `${n.alertId}:resolved` : `${n.alertId}:${n.level}`;
  return n;
}

async function send(h: Harness, n: AlertNotification): Promise<void> {
  await h.enqueue(n);
  await h.decided(n);
}

/** Ticks, then lets the email queue settle: nothing waiting or active. */
async function tickAndSettle(h: Harness): Promise<void> {
  await h.notifier.tick();
  await settle(h);
}

async function settle(h: Harness): Promise<void> {
  await waitFor(() => h.emailQueue.getJobCounts("waiting", "active", "prioritized"), { until: (c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) === 0, description: "email queue drained", timeoutMs: 15_000 });
}

const linkOf = (mail: ReceivedEmail | undefined, action: string): string => {
  const links = [...(mail?.text ?? "").matchAll(/https?:\/\/\S+\/actions\/\S+/g)].map((m) => m[0]);
  const label = { acknowledge: "I'm on it", snooze: "Snooze", dismiss: "Not a risk" }[action] ?? action;
  const line = (mail?.text ?? "").split("\n").find((l) => l.startsWith(`- ${label}: `));
  const url = line?.slice(`- ${label}: `.length).trim();
  if (!url || !links.includes(url)) throw new Error(`no ${action} link in the email`);
  return url;
};

describe("alert lifecycle (Kafka + Redis + SMTP)", () => {
  it("a flapping signal yields one email, not many", async () => {
    const h = await startHarness();
    let n = h.notification();
    await send(h, n);
    await h.waitEmails(h.owner, 1);
    // The signal crosses back and forth five times within a day: each re-fire is a new engine episode.
    for (let k = 1; k <= 5; k++) {
      h.clock.advance(2 * HOUR);
      await send(h, next(h, n, { kind: "resolved" }));
      h.clock.advance(HOUR);
      n = next(h, n, { kind: "firing", alertId: `${n.accountId}:purchases.decline:${h.clock.ms}` });
      await send(h, n);
      await tickAndSettle(h);
    }
    await settle(h);
    expect(await h.emailsTo(h.owner)).toHaveLength(1);
    expect(await h.emailsTo(h.manager)).toHaveLength(0);
  });

  it("escalation to a higher level yields exactly one more email", async () => {
    const h = await startHarness();
    const n = h.notification();
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);
    expect(first?.subject).toBe("[Churnwatch] Medium risk · Huadong Precision Parts: Purchases declining");

    h.clock.advance(HOUR);
    const high = next(h, n, { kind: "escalated", level: "high", score: 72 });
    await send(h, high);
    await h.enqueue({ ...high, notificationId: `${high.notificationId}:again` }); // a redelivered copy
    await h.decided({ ...high, notificationId: `${high.notificationId}:again` });
    await tickAndSettle(h);
    const mails = await h.waitEmails(h.owner, 2);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.subject)).toContain("[Churnwatch] Escalated to High risk · Huadong Precision Parts: Purchases declining");
  });

  it("re-notifies after the repeat interval until acknowledged, then stops", async () => {
    const h = await startHarness({ policy: { repeatIntervalHours: 24 } });
    const n = h.notification();
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);

    h.clock.advance(25 * HOUR); // Thursday 11:00 in Shanghai
    await tickAndSettle(h);
    const two = await h.waitEmails(h.owner, 2);
    expect(two.map((m) => m.text).join("\n")).toContain("Reminder: this alert is still open");

    // Acknowledge from the first email's signed link: the GET shows a form, the POST records it.
    const link = linkOf(first, "acknowledge");
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<form");
    const done = await fetch(link, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(done.status).toBe(200);

    for (let k = 0; k < 3; k++) {
      h.clock.advance(25 * HOUR);
      await tickAndSettle(h);
    }
    expect(await h.emailsTo(h.owner)).toHaveLength(2);
    const detail = (await (await h.api(`/api/alerts/${n.accountId}/purchases.decline`)).json()) as {
      delivery: { acknowledgedBy?: string };
      history: Array<{ type: string; actor: string }>;
    };
    expect(detail.delivery.acknowledgedBy).toBe(`link:${h.owner}`);
    await waitFor(async () => ((await (await h.api(`/api/alerts/${n.accountId}/purchases.decline`)).json()) as typeof detail).history, { until: (hist) => hist.some((t) => t.type === "acknowledged" && t.actor === `link:${h.owner}`), description: "the acknowledgement in the history", timeoutMs: 15_000 });
  });

  it("a snoozed alert stays quiet until it worsens", async () => {
    const h = await startHarness({ policy: { repeatIntervalHours: 24 } });
    const n = h.notification();
    await send(h, n);
    await h.waitEmails(h.owner, 1);
    const snooze = await h.api(`/api/alerts/${n.accountId}/purchases.decline/snooze`, {
      method: "POST",
      token: h.ownerToken,
      body: JSON.stringify({ untilWorse: true }),
    });
    expect(snooze.status).toBe(200);

    for (let k = 0; k < 3; k++) {
      h.clock.advance(25 * HOUR);
      await tickAndSettle(h);
    }
    expect(await h.emailsTo(h.owner)).toHaveLength(1); // no repeats while snoozed

    h.clock.set("2026-03-09T02:00:00Z"); // Monday 10:00 in Shanghai: business hours, so a worse level goes out at once
    await send(h, next(h, n, { kind: "escalated", level: "high", score: 75 }));
    const mails = await h.waitEmails(h.owner, 2);
    expect(mails[1]?.subject).toContain("Escalated to High risk");
  });

  it("quiet hours delay a medium alert to the next business morning in the recipient's zone", async () => {
    // Friday 23:00 in Shanghai: the next business morning is Monday 08:00 (Shanghai), i.e. Monday 00:00Z.
    const h = await startHarness({ startAt: "2026-03-06T15:00:00Z" });
    const n = h.notification();
    await send(h, n);
    const delayed = await waitFor(() => h.emailQueue.getDelayed(), { until: (jobs) => jobs.length === 1, description: "a delayed email job", timeoutMs: 15_000 });
    const job = delayed[0];
    expect(job?.opts.delay).toBe(Date.parse("2026-03-09T00:00:00Z") - h.clock.ms); // 57 hours
    expect((job?.data as { sendAt: string }).sendAt).toBe("2026-03-09T00:00:00.000Z");
    expect(await h.emailsTo(h.owner)).toHaveLength(0);

    // A critical alert on another account at the same hour is not held back.
    const critical = h.notification({ accountId: `${n.accountId}-b`, alertId: `${n.accountId}-b:complaints.spike:1`, rule: "complaints.spike", level: "critical", notificationId: `${n.accountId}-b:complaints.spike:1:critical` });
    await send(h, critical);
    await h.waitEmails(h.owner, 1);

    // Monday morning comes (the job's delay elapses: promote stands in for the wait): delivered once.
    h.clock.set("2026-03-09T00:00:00Z");
    await job?.promote();
    const mails = await h.waitEmails(h.owner, 2);
    expect(mails.filter((m) => m.subject.includes("Purchases declining"))).toHaveLength(1);
  });

  it("refuses a forged, re-pointed or expired link and changes nothing", async () => {
    const h = await startHarness();
    const n = h.notification();
    await send(h, n);
    const [mail] = await h.waitEmails(h.owner, 1);
    const link = linkOf(mail, "dismiss");
    const token = link.slice(link.lastIndexOf("/") + 1);
    const [body = "", sig = ""] = token.split(".");
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown>;
    const repointed = Buffer.from(JSON.stringify({ ...claims, a: "acc-someone-else" })).toString("base64url");
    const base = link.slice(0, link.lastIndexOf("/") + 1);
    const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "reason=ok" };

    expect((await fetch(`${base}${repointed}.${sig}`, form)).status).toBe(403); // another account, same signature
    const flipped = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expect((await fetch(`${base}${body}.${flipped}`, form)).status).toBe(403); // forged signature
    expect((await fetch(`${base}garbage`, form)).status).toBe(403);
    h.clock.advance(15 * DAY); // past the 14-day expiry
    expect((await fetch(link, form)).status).toBe(410);
    expect((await fetch(link)).status).toBe(410);

    const detail = (await (await h.api(`/api/alerts/${n.accountId}/purchases.decline`)).json()) as { delivery: { dismissedAt?: string } };
    expect(detail.delivery.dismissedAt).toBeUndefined();
  });

  it("quotes a complaint's text escaped: no markup or script reaches the email", async () => {
    const h = await startHarness();
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)> Delivery late & wrong`;
    await keepComplaintTextsFor(h, `acc-${h.id}`, [{ eventId: "c-1", text: evil }]);
    const n = h.notification({
      rule: "complaints.spike",
      alertId: `acc-${h.id}:complaints.spike:1`,
      notificationId: `acc-${h.id}:complaints.spike:1:high`,
      level: "high",
      eventIds: ["c-1"],
      evidence: [{ signal: "complaints.weighted", unit: "points", value: "24", baseline: "4", windowDays: 30, changePct: 500 }],
    });
    await send(h, n);
    const [mail] = await h.waitEmails(h.owner, 1);
    expect(mail?.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; Delivery late &amp; wrong");
    expect(mail?.html).not.toMatch(/<script|<img/i);
    expect(mail?.text).toContain(evil); // the plain-text part carries it as text
  });

  it("escalates an unacknowledged strategic alert on schedule: manager after 2 business days, then the sponsor", async () => {
    const h = await startHarness({ policy: { repeatIntervalHours: 24 * 30, escalation: { managerAfterBusinessDays: 2, executiveAfterBusinessDays: 3 } } });
    const n = h.notification({ level: "high", notificationId: `acc-${h.id}:purchases.decline:1772414100000:high`, score: 75 });
    await send(h, n); // Wednesday 10:00 Shanghai
    await h.waitEmails(h.owner, 1);

    h.clock.set("2026-03-05T02:00:00Z"); // Thursday: one business day, too early
    await tickAndSettle(h);
    expect(await h.emailsTo(h.manager)).toHaveLength(0);
    h.clock.set("2026-03-06T01:59:00Z"); // Friday 09:59, a minute before two business days
    await tickAndSettle(h);
    expect(await h.emailsTo(h.manager)).toHaveLength(0);
    h.clock.set("2026-03-06T02:00:00Z"); // Friday 10:00: due
    await tickAndSettle(h);
    await tickAndSettle(h);
    const [toManager, ...moreToManager] = await h.waitEmails(h.manager, 1);
    expect(moreToManager).toHaveLength(0);
    expect(toManager?.text).toContain("Escalated to you: this strategic account's alert has not been acknowledged by Li Wei.");
    expect(toManager?.text).toContain("Visit the account in person");

    h.clock.set("2026-03-10T02:00:00Z"); // Tuesday: two business days after Friday (the weekend does not count)
    await tickAndSettle(h);
    expect(await h.emailsTo(h.sponsor)).toHaveLength(0);
    h.clock.set("2026-03-11T02:00:00Z"); // Wednesday: three business days
    await tickAndSettle(h);
    const [toSponsor] = await h.waitEmails(h.sponsor, 1);
    expect(toSponsor?.text).toContain("executive contact");
    expect(await h.emailsTo(h.owner)).toHaveLength(1);
    expect(await h.emailsTo(h.manager)).toHaveLength(1);
    expect(await h.alertQueue.getJobState(alertJobId(n.notificationId))).toBe("completed");
  });

  it("low-level alerts and alerts over the daily budget wait for the next morning's summary instead of interrupting", async () => {
    const h = await startHarness({ policy: { perRecipientBudget: 1 } });
    const low = h.notification({ level: "low", score: 30, notificationId: `acc-${h.id}:purchases.decline:1772414100000:low` });
    await send(h, low);
    const other = (k: string) =>
      h.notification({ accountId: `${k}-${h.id}`, alertId: `${k}-${h.id}:payments.overdue:1`, notificationId: `${k}-${h.id}:payments.overdue:1:medium`, rule: "payments.overdue" });
    await send(h, other("acc-b")); // the day's one interrupting email
    await send(h, other("acc-c")); // over budget: waits
    await settle(h);
    const now = await h.emailsTo(h.owner);
    expect(now.map((m) => m.subject)).toEqual([expect.stringContaining("Overdue invoices")]);

    h.clock.set("2026-03-05T00:05:00Z"); // Thursday 08:05 in Shanghai: the summary of Wednesday is due
    await tickAndSettle(h);
    const mails = await h.waitEmails(h.owner, 2);
    const summary = mails.find((m) => m.subject.includes("Daily summary"));
    expect(summary?.subject).toBe("[Churnwatch] Daily summary for 2026-03-04: 2 alerts that did not interrupt you");
    expect(summary?.text).toContain("Overdue invoices · Medium (over your daily budget)");
    expect(summary?.text).toContain("Purchases declining · Low (low level)");
    await tickAndSettle(h);
    expect(await h.emailsTo(h.owner)).toHaveLength(2); // sent once
  });

  it("still sends the summary entries kept, before key names stopped naming addresses, under the address", async () => {
    const h = await startHarness();
    const low = h.notification({ level: "low", score: 30, notificationId: `acc-${h.id}:purchases.decline:1772414100000:low` });
    await send(h, low);
    const keys = inboxKeys(h.config.keyPrefix);
    // As a notifier before the upgrade kept it: under the address itself.
    await h.redis.rename(keys.digest(h.owner, "2026-03-04"), keys.legacyDigest(h.owner, "2026-03-04"));
    h.clock.set("2026-03-05T00:05:00Z"); // Thursday 08:05 in Shanghai
    await tickAndSettle(h);
    const [summary] = await h.waitEmails(h.owner, 1);
    expect(summary?.text).toContain("Purchases declining · Low (low level)");
    await h.redis.del(keys.legacyDigest(h.owner, "2026-03-04")); // the only key allowed an address, and only here
  });

  it("sends a resolved notice where configured, once, after its grace period", async () => {
    const h = await startHarness({ policy: { sendResolvedNotice: true, resolvedNoticeDelayMinutes: 60 } });
    const n = h.notification();
    await send(h, n);
    await h.waitEmails(h.owner, 1);

    h.clock.advance(HOUR);
    await send(h, next(h, n, { kind: "resolved" }));
    h.clock.advance(30 * 60_000);
    await tickAndSettle(h);
    expect(await h.emailsTo(h.owner)).toHaveLength(1); // still within the grace period

    h.clock.advance(31 * 60_000);
    await tickAndSettle(h);
    await tickAndSettle(h);
    const mails = await h.waitEmails(h.owner, 2);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toBe("[Churnwatch] Resolved · Huadong Precision Parts: Purchases declining");
    expect(mails[1]?.text).toContain("the signal has recovered and the alert is resolved");
    expect(mails[1]?.text).not.toContain("/actions/"); // nothing to answer
  });
});
