// Executive digests on a real notifier (Redis, Kafka, SMTP): BullMQ job schedulers firing at the right UTC
// instant through a DST change, one digest per period with two instances, the content against seeded
// state, the subscriptions surviving a Redis loss, and the signed unsubscribe link.
import { afterEach, describe, expect, it } from "vitest";
import { Job } from "bullmq";
import { runDigestsCli } from "./digest/cli.ts";
import { nextRun } from "./digest/schedule.ts";
import { scheduleSchema } from "./digest/subscription.ts";
import { DIGEST_JOB, schedulerIdOf } from "./digest/scheduler.ts";
import type { DigestRunResult } from "./digest/runner.ts";
import { seedAccounts, type SeedAccount } from "./testSupport/accountStates.ts";
import { cleanupHarnesses, OPS_TOKEN, startHarness, type Harness } from "./testSupport/harness.ts";
import { waitFor } from "@churnwatch/testing";

afterEach(cleanupHarnesses);

interface Saved {
  subscription: { id: string };
  nextRuns: string[];
}

async function subscribe(h: Harness, body: object): Promise<Saved> {
  const res = await h.api("/api/digests", { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Saved;
}

const weekly = (email: string, timezone: string, extra: object = {}) => ({
  recipient: { name: "Wang Fang", email, locale: "en" },
  schedule: { cadence: "weekly", weekday: "mon", time: "08:00", timezone },
  ...extra,
});

/** The subscription's pending run (BullMQ's delayed job), with the instant BullMQ scheduled it for. */
async function pendingRun(h: Harness, subscriptionId: string, after = 0): Promise<{ job: Job; at: number }> {
  const prefix = `repeat:${schedulerIdOf(subscriptionId)}:`;
  const job = await waitFor(async () => (await h.digestQueue.getDelayed()).find((j) => j.id?.startsWith(prefix) && Number(j.id.slice(prefix.length)) > after), { until: (j) => j !== undefined, description: `the next run of ${subscriptionId}`, timeoutMs: 15_000 });
  if (!job?.id) throw new Error("unreachable");
  const at = Number(job.id.slice(prefix.length));
  // The job's own delay agrees with its name: it becomes due at that instant.
  expect(job.timestamp + (job.opts.delay ?? 0)).toBe(at);
  return { job, at };
}

/** Runs a pending job now (as if its time had come, at `clockAt` on the policy clock) and waits for its result. */
async function run(h: Harness, job: Job, clockAt: number): Promise<DigestRunResult> {
  h.clock.ms = clockAt;
  await job.promote();
  return finished(h, String(job.id));
}

async function finished(h: Harness, jobId: string): Promise<DigestRunResult> {
  const state = await waitFor(() => h.digestQueue.getJobState(jobId), { until: (s) => s === "completed" || s === "failed", description: `digest job ${jobId} done`, timeoutMs: 15_000 });
  const job = await Job.fromId(h.digestQueue, jobId);
  // failedReason stays from an earlier attempt that was retried; only the state says how it ended.
  if (!job || state === "failed") throw new Error(`digest job failed: ${job?.failedReason}`);
  return job.returnvalue as DigestRunResult;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("digest scheduling", () => {
  it("fires weekly 08:00 Asia/Shanghai and America/New_York at the right UTC instants through the 2027-03-14 DST change, once each", async () => {
    const h = await startHarness();
    const exec = `exec-${h.id}@example.com`;
    const execNy = `exec-ny-${h.id}@example.com`;
    const sh = await subscribe(h, weekly(exec, "Asia/Shanghai", { whenEmpty: "send", startsAt: "2027-02-28T00:00:00Z" }));
    const ny = await subscribe(h, weekly(execNy, "America/New_York", { whenEmpty: "send", startsAt: "2027-03-01T00:00:00Z" }));
    // Monday 08:00 in Shanghai is 00:00Z all year; New York is 13:00Z before the change and 12:00Z after.
    const expected = {
      [sh.subscription.id]: ["2027-03-01T00:00:00.000Z", "2027-03-08T00:00:00.000Z", "2027-03-15T00:00:00.000Z", "2027-03-22T00:00:00.000Z"],
      [ny.subscription.id]: ["2027-03-01T13:00:00.000Z", "2027-03-08T13:00:00.000Z", "2027-03-15T12:00:00.000Z", "2027-03-22T12:00:00.000Z"],
    };
    expect(sh.nextRuns).toEqual(expected[sh.subscription.id]?.slice(0, 3));
    expect(ny.nextRuns).toEqual(expected[ny.subscription.id]?.slice(0, 3));

    for (const [id, to, zone] of [
      [sh.subscription.id, exec, "Asia/Shanghai"],
      [ny.subscription.id, execNy, "America/New_York"],
    ] as const) {
      let after = 0;
      for (const [i, want] of (expected[id] ?? []).entries()) {
        const { job, at } = await pendingRun(h, id, after);
        expect(iso(at)).toBe(want);
        // Our own reckoning (luxon) agrees with BullMQ's (cron-parser with tz).
        if (after > 0) expect(nextRun(scheduleSchema.parse({ cadence: "weekly", weekday: 1, time: "08:00", timezone: zone }), after)).toBe(at);
        const result = await run(h, job, at + 60_000);
        expect(result).toMatchObject({ status: "sent", late: false });
        const mails = await h.waitEmails(to, i + 1);
        expect(mails).toHaveLength(i + 1);
        after = at;
      }
    }
    const subjects = (await h.emailsTo(execNy)).map((m) => m.subject).sort();
    expect(subjects).toEqual([
      "[Churnwatch] Weekly key-account risk digest 2027-W09: all clear",
      "[Churnwatch] Weekly key-account risk digest 2027-W10: all clear",
      "[Churnwatch] Weekly key-account risk digest 2027-W11: all clear",
      "[Churnwatch] Weekly key-account risk digest 2027-W12: all clear",
    ]);
  });

  it("sends a run processed late once, marked late, and a second run of the same period sends nothing", async () => {
    const h = await startHarness();
    const exec = `exec-${h.id}@example.com`;
    const { subscription } = await subscribe(h, weekly(exec, "Asia/Shanghai", { whenEmpty: "send", startsAt: "2027-02-28T00:00:00Z" }));
    const { job, at } = await pendingRun(h, subscription.id);
    // The notifier was down: the run is processed three hours after its time, and a restart keeps it.
    await h.startPeer();
    expect((await pendingRun(h, subscription.id)).job.id).toBe(job.id);
    expect(await run(h, job, at + 3 * 3_600_000)).toMatchObject({ status: "sent", late: true, period: "2027-W09" });
    const [mail] = await h.waitEmails(exec, 1);
    expect(mail?.subject).toBe("[Churnwatch] Weekly key-account risk digest 2027-W09: all clear (late)");
    expect(mail?.text).toContain("Sent late: this digest was due on 1 Mar 2027, 08:00 (Asia/Shanghai)");

    const again = await h.digestQueue.add(DIGEST_JOB, { subscriptionId: subscription.id }, { jobId: `repeat:replayed-${subscription.id}:${at}` });
    expect(await finished(h, String(again.id))).toEqual({ status: "already-sent", period: "2027-W09" });
    expect(await h.emailsTo(exec)).toHaveLength(1);
  });

  it("sends one digest, not two, with two notifier instances on the same queues", async () => {
    const h = await startHarness();
    const exec = `exec-${h.id}@example.com`;
    const { subscription } = await subscribe(h, weekly(exec, "Asia/Shanghai", { whenEmpty: "send", startsAt: "2027-02-28T00:00:00Z" }));
    await h.startPeer(); // starts, loads the subscriptions from the topic and syncs the same scheduler
    expect((await h.digestQueue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(subscription.id)]);
    const { job, at } = await pendingRun(h, subscription.id);
    expect((await h.digestQueue.getDelayed()).filter((j) => j.name === DIGEST_JOB)).toHaveLength(1);

    // Both instances take a run of the same period at once (as if each had its own scheduler).
    const twin = await h.digestQueue.add(DIGEST_JOB, { subscriptionId: subscription.id }, { jobId: `repeat:twin-${subscription.id}:${at}`, attempts: 5, backoff: { type: "fixed", delay: 100 } });
    h.clock.ms = at;
    await job.promote();
    const results = [await finished(h, String(job.id)), await finished(h, String(twin.id))];
    expect(results.map((r) => r.status).sort()).toEqual(["already-sent", "sent"]);
    await h.waitEmails(exec, 1);
    expect(await h.emailsTo(exec)).toHaveLength(1);
  });
});

describe("digest content", () => {
  /** Five accounts as the signal worker would hold them: three at risk, one calm, one only pending. */
  function portfolio(h: Harness): SeedAccount[] {
    const other = { name: "Chen Jie", email: `other-${h.id}@example.com` };
    return [
      { accountId: `acc-${h.id}`, name: "Huadong Precision Parts", tier: "strategic", region: "East", owner: { name: "Li Wei", email: h.owner }, revenue: 1_000_000, alerts: [{ rule: "purchases.decline", level: "high", score: 70 }] },
      { accountId: `b-${h.id}`, name: "Beijing <b>Bold</b> & Sons", tier: "partner", region: "North", owner: other, revenue: 500_000, alerts: [{ rule: "payments.overdue", level: "critical", score: 90 }] },
      { accountId: `c-${h.id}`, name: "Shenzhen Ordinary Supply", tier: "ordinary", region: "East", owner: other, revenue: 2_000_000, alerts: [{ rule: "payments.slipping", level: "low", score: 20 }] },
      { accountId: `d-${h.id}`, name: "Calm Holdings", tier: "strategic", region: "East", owner: other, revenue: 3_000_000, alerts: [] },
      { accountId: `e-${h.id}`, name: "Pending Industries", tier: "strategic", region: "East", owner: other, revenue: 5_000_000, alerts: [{ rule: "complaints.spike", level: "high", score: 80, pending: true }] },
    ];
  }

  it("ranks by revenue at risk with level, signals, trend, owner and acknowledgement, applies filters, and tells what changed", async () => {
    const h = await startHarness();
    // The lead account's alert goes through the real lifecycle and is acknowledged by its owner.
    const n = h.notification({ level: "high", notificationId: `acc-${h.id}:purchases.decline:1772414100000:high` });
    await h.enqueue(n);
    await h.decided(n);
    expect((await h.api(`/api/alerts/${n.accountId}/purchases.decline/acknowledge`, { method: "POST", token: h.ownerToken })).status).toBe(200);
    const accounts = portfolio(h);
    await seedAccounts(h.redis, h.config.signalKeyPrefix, accounts, h.clock.ms);

    const ceo = `ceo-${h.id}@example.com`;
    const east = `east-${h.id}@example.com`;
    const nobody = `nobody-${h.id}@example.com`;
    const all = await subscribe(h, { ...weekly(ceo, "Asia/Shanghai"), top: 2 });
    const eastOnly = await subscribe(h, {
      ...weekly(east, "Asia/Shanghai"),
      recipient: { name: "赵总", email: east, locale: "zh-CN" },
      filters: { regions: ["East"], minLevel: "medium" },
    });
    const empty = await subscribe(h, { ...weekly(nobody, "Asia/Shanghai"), filters: { regions: ["Nowhere"] } });

    // A preview shows the same digest without sending it or counting it as this period's.
    const preview = (await (await h.api(`/api/digests/${all.subscription.id}/preview`)).json()) as { matching: number; wouldSend: boolean; subject: string; text: string };
    expect(preview).toMatchObject({ matching: 3, wouldSend: true });
    expect(preview.text).toContain("1. Huadong Precision Parts · High · Revenue at risk CN¥500,000.00");
    expect(await h.emailsTo(ceo)).toHaveLength(0);

    const first = await pendingRun(h, all.subscription.id);
    expect(await run(h, first.job, h.clock.ms)).toMatchObject({ status: "sent", accounts: 3 });
    const [mail] = await h.waitEmails(ceo, 1);
    const text = mail?.text ?? "";
    expect(mail?.subject).toMatch(/^\[Churnwatch\] Weekly key-account risk digest \d{4}-W\d{2}: 3 accounts at risk$/);
    expect(text).toContain("3 key accounts are at risk in this digest's scope");
    expect(text).toContain("Scope: every key account");
    // Critical Beijing (500k × its 90% overdue sign and a small purchase chance: about 451k at risk) ranks below
    // high Huadong (1M × the high level's 50% floor): the order is by what is at stake.
    expect(text).toContain("1. Huadong Precision Parts · High · Revenue at risk CN¥500,000.00");
    expect(text).toMatch(/\n2\. Beijing <b>Bold<\/b> & Sons · Critical · Revenue at risk CN¥45\d,\d{3}\.\d\d\n/);
    expect(text).toContain("   - Purchases declining (High): Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline");
    expect(text).toContain("Trend ▅ (50) · Owner Li Wei · Acknowledged Yes");
    expect(text).toContain("Trend ▇ (90) · Owner Chen Jie · Acknowledged No");
    expect(text).toContain("Showing the top 2 of 3.");
    expect(text).not.toContain("Calm Holdings");
    expect(text).not.toContain("Pending Industries");
    expect(text).toContain("This is the first digest of this subscription");
    // Totals add each account's trailing value × its risk chance: Huadong 500k, Shenzhen 2M × its low sign's
    // 20% and a small purchase chance (about 413k), Beijing about 451k.
    const money = (label: string) => Number(new RegExp(`- ${label}: \\d+ · CN¥([\\d,.]+)`).exec(text)?.[1]?.replaceAll(",", "") ?? NaN);
    expect(money("East")).toBeCloseTo(500_000 + money("Ordinary key account"), 2);
    expect(money("North")).toBe(money("Partner key account"));
    expect(money("Strategic key account")).toBe(500_000);
    expect(money("Ordinary key account")).toBeGreaterThan(400_000);
    expect(money("Ordinary key account")).toBeLessThan(450_000);
    expect(text).toMatch(/Totals by region\n- East: 2 · [^\n]+\n- North: 1 · [^\n]+\n\nTotals by tier\n- Ordinary key account: 1 · [^\n]+\n- Partner key account: 1 · [^\n]+\n- Strategic key account: 1 · /);
    // Untrusted names are escaped in the HTML part; the trend is table cells, nothing fetched.
    expect(mail?.html).toContain("Beijing &lt;b&gt;Bold&lt;/b&gt; &amp; Sons");
    expect(mail?.html).not.toContain("<b>Bold</b>");
    expect(mail?.html).not.toMatch(/<img|<script|<svg/i);
    expect(mail?.html).toContain('aria-label="50"');

    const second = await pendingRun(h, eastOnly.subscription.id);
    expect(await run(h, second.job, h.clock.ms)).toMatchObject({ status: "sent", accounts: 1 });
    const [zh] = await h.waitEmails(east, 1);
    expect(zh?.subject).toMatch(/^【Churnwatch】大客户风险周报（\d{4}-W\d{2}）：1 家客户存在流失风险$/);
    expect(zh?.text).toContain("赵总，您好：");
    expect(zh?.text).toContain("1. Huadong Precision Parts · 高");
    expect(zh?.text).toContain("范围：区域 East · 风险不低于 中");
    expect(zh?.text).not.toContain("Shenzhen"); // low, below the filter
    expect(zh?.text).not.toContain("Beijing"); // North

    const third = await pendingRun(h, empty.subscription.id);
    expect(await run(h, third.job, h.clock.ms)).toMatchObject({ status: "skipped", reason: "nothing at risk" });

    // A week on: Beijing recovered, Shenzhen escalated, a new account appeared.
    await seedAccounts(
      h.redis,
      h.config.signalKeyPrefix,
      [
        { ...(accounts[1] as SeedAccount), alerts: [] },
        { ...(accounts[2] as SeedAccount), alerts: [{ rule: "payments.slipping", level: "high", score: 75 }] },
        { accountId: `f-${h.id}`, name: "Xi'an New Risk", tier: "ordinary", region: "West", owner: { name: "Chen Jie", email: `other-${h.id}@example.com` }, revenue: 100_000, alerts: [{ rule: "purchases.silence", level: "medium", score: 60 }] },
      ],
      h.clock.ms,
    );
    const next = await pendingRun(h, all.subscription.id, first.at);
    expect(await run(h, next.job, h.clock.ms)).toMatchObject({ status: "sent", accounts: 3 });
    const mails = await h.waitEmails(ceo, 2);
    const week2 = mails.find((m) => m.messageId !== mail?.messageId)?.text ?? "";
    // Its 75% slipping sign and a small purchase chance make 75: the model's critical level, whatever the alert's own.
    expect(week2).toMatch(/\n1\. Shenzhen Ordinary Supply \[escalated\] · Critical · Revenue at risk CN¥1,50\d,\d{3}\.\d\d\n/);
    expect(week2).toMatch(/Trend ▂▆ \(2\d → 75\)/);
    expect(week2).toContain("2. Huadong Precision Parts · High");
    expect(week2).toContain("Trend ▅▅ (50 → 50)");
    expect(week2).toContain("- New: Xi'an New Risk");
    expect(week2).toContain("- Escalated: Shenzhen Ordinary Supply (Low → Critical)");
    expect(week2).toContain("- Recovered: Beijing <b>Bold</b> & Sons");

    const metrics = await (await fetch(`http://127.0.0.1:${h.notifier.opsPort()}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).text();
    expect(metrics).toContain('churnwatch_digest_runs_total{status="sent",late="false"} 3');
    expect(metrics).toContain('churnwatch_digest_runs_total{status="skipped",late="false"} 1');
  });
});

describe("digest subscriptions and unsubscribe", () => {
  it("validates subscriptions with clear errors and keeps them to operations tokens", async () => {
    const h = await startHarness();
    const bad = await h.api("/api/digests", { method: "POST", body: JSON.stringify(weekly(`x-${h.id}@example.com`, "Asia/Beijing")) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('"Asia/Beijing" is not an IANA timezone');
    const badTime = await h.api("/api/digests", { method: "POST", body: JSON.stringify({ ...weekly(`x-${h.id}@example.com`, "UTC"), schedule: { cadence: "daily", time: "8am", timezone: "UTC" } }) });
    expect(((await badTime.json()) as { detail: string }).detail).toContain("a local time as HH:mm");
    expect((await h.api("/api/digests", { token: h.ownerToken })).status).toBe(403);
    expect((await h.api("/api/digests", { method: "POST", token: h.ownerToken, body: JSON.stringify(weekly(h.owner, "UTC")) })).status).toBe(403);
    expect((await h.api("/api/digests", { token: "" })).status).toBe(401);

    const { subscription } = await subscribe(h, weekly(`x-${h.id}@example.com`, "UTC"));
    const changed = await h.api(`/api/digests/${subscription.id}`, { method: "PUT", body: JSON.stringify({ ...weekly(`x-${h.id}@example.com`, "UTC"), schedule: { cadence: "monthly", dayOfMonth: 1, time: "07:30", timezone: "Europe/Paris" } }) });
    expect(changed.status).toBe(200);
    expect(await h.digestQueue.getJobScheduler(schedulerIdOf(subscription.id))).toMatchObject({ pattern: "30 7 1 * *", tz: "Europe/Paris" });
    expect((await h.api(`/api/digests/${subscription.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await h.digestQueue.getJobScheduler(schedulerIdOf(subscription.id))).toBeUndefined();
    expect((await h.api(`/api/digests/${subscription.id}`)).status).toBe(404);
  });

  it("manages subscriptions from the CLI, with the next runs in local time and UTC and the API's errors", async () => {
    const h = await startHarness();
    const lines: string[] = [];
    const io = { baseUrl: `http://127.0.0.1:${h.notifier.apiPort()}`, token: OPS_TOKEN, fetch, out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    const cli = (...argv: string[]) => runDigestsCli(argv, io);
    const add = ["add", "--email", `ny-${h.id}@example.com`, "--name", "Ann Lee", "--cadence", "weekly", "--weekday", "mon", "--time", "08:00"];
    expect(await cli(...add, "--timezone", "America/New_York", "--starts-at", "2027-03-08T14:00:00Z", "--tier", "strategic")).toBe(0);
    expect(lines).toContain("Subscribed ny-" + h.id + "@example.com to the weekly Mon 08:00 America/New_York digest.");
    expect(lines).toContain("  next: Mon 15 Mar 2027 08:00 EDT (2027-03-15T12:00:00Z)");
    const id = /^(\S+) {2}Ann Lee/.exec(lines.find((l) => l.includes("Ann Lee <")) ?? "")?.[1] ?? "";

    lines.length = 0;
    expect(await cli(...add, "--timezone", "New York")).toBe(1);
    expect(lines.join("\n")).toContain('ERR error (400): invalid subscription\n✖ "New York" is not an IANA timezone');

    lines.length = 0;
    expect(await cli("preview", id)).toBe(0);
    expect(lines[0]).toMatch(/^Period \d{4}-W\d{2}: 0 account\(s\) at risk; it would be skipped \(nothing at risk\)\.$/);
    expect(lines[1]).toMatch(/^Subject: \[Churnwatch\] Weekly key-account risk digest .*: all clear$/);

    lines.length = 0;
    expect(await cli("list")).toBe(0);
    expect(lines[0]).toBe(`${id}  Ann Lee <ny-${h.id}@example.com> (en)`);
    expect(lines[1]).toBe("  weekly Mon 08:00 America/New_York · tier strategic · top 10 · skipped when nothing is at risk");
    expect(await cli("remove", id)).toBe(0);
    expect(await cli("remove", id)).toBe(1);
    expect(lines.at(-1)).toBe("ERR error (404): no such subscription");
  });

  it("rebuilds the subscriptions and their schedules from the compacted topic after a Redis loss", async () => {
    const h = await startHarness();
    const kept = await subscribe(h, weekly(`kept-${h.id}@example.com`, "Asia/Shanghai"));
    const gone = await subscribe(h, weekly(`gone-${h.id}@example.com`, "Asia/Shanghai"));
    expect((await h.api(`/api/digests/${gone.subscription.id}`, { method: "DELETE" })).status).toBe(204);
    // Redis loses the notifier's cache and the queue's schedulers.
    await h.redis.del(`${h.config.keyPrefix}digest-subscriptions`);
    await h.digestQueue.obliterate({ force: true });
    expect(((await (await h.api("/api/digests")).json()) as { subscriptions: unknown[] }).subscriptions).toEqual([]);

    await h.startPeer(); // a notifier starting reads the topic
    const listed = (await (await h.api("/api/digests")).json()) as { subscriptions: Saved[] };
    expect(listed.subscriptions.map((s) => s.subscription.id)).toEqual([kept.subscription.id]);
    expect((await h.digestQueue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(kept.subscription.id)]);
    await pendingRun(h, kept.subscription.id);
  });

  it("unsubscribes from the signed link in the digest (GET confirms, POST unsubscribes) and refuses a forged one", async () => {
    const h = await startHarness();
    const exec = `exec-${h.id}@example.com`;
    const { subscription } = await subscribe(h, weekly(exec, "Asia/Shanghai", { whenEmpty: "send" }));
    const { job } = await pendingRun(h, subscription.id);
    await run(h, job, h.clock.ms);
    const [mail] = await h.waitEmails(exec, 1);
    const link = /^Unsubscribe from this digest: (\S+)$/m.exec(mail?.text ?? "")?.[1] ?? "";
    expect(link).toContain("/digests/unsubscribe/");
    expect(mail?.headers["list-unsubscribe"]).toBe(`<${link}>`);
    expect(mail?.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");

    const [body = "", sig = ""] = (link.split("/").pop() ?? "").split(".");
    const forged = link.replace(`${body}.${sig}`, `${body}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`);
    expect((await fetch(forged, { method: "POST" })).status).toBe(403);
    // Claims for another subscription under this one's signature.
    const other = Buffer.from(JSON.stringify({ s: "someone-else", w: exec })).toString("base64url");
    expect((await fetch(link.replace(body, other), { method: "POST" })).status).toBe(403);
    expect((await h.api(`/api/digests/${subscription.id}`)).status).toBe(200);

    const confirm = await fetch(link);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Stop sending you the weekly key-account risk digest?");
    expect((await h.api(`/api/digests/${subscription.id}`)).status).toBe(200); // a GET changes nothing

    // The mail client's one-click button (RFC 8058).
    const done = await fetch(link, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("You are unsubscribed");
    expect((await h.api(`/api/digests/${subscription.id}`)).status).toBe(404);
    expect(await h.digestQueue.getJobScheduler(schedulerIdOf(subscription.id))).toBeUndefined();
    expect((await fetch(link, { method: "POST" })).status).toBe(410);
  });
});
