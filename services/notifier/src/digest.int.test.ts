// Executive digests on a real notifier (Redis, Kafka, SMTP): BullMQ job schedulers firing at the right UTC
// instant through a DST change, one digest per period with two instances, the content against seeded
// state, the subscriptions surviving a Redis loss, and the signed unsubscribe link.
import { afterEach, describe, expect, it } from "vitest";
import { Job } from "bullmq";
import { nextRun } from "./digest/schedule.ts";
import { scheduleSchema } from "./digest/subscription.ts";
import { DIGEST_JOB, schedulerIdOf } from "./digest/scheduler.ts";
import type { DigestRunResult } from "./digest/runner.ts";
import { seedAccounts, type SeedAccount } from "./testSupport/accountStates.ts";
import { cleanupHarnesses, startHarness, type Harness } from "./testSupport/harness.ts";
import { waitFor } from "./testSupport/waitFor.ts";

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
  const job = await waitFor(
    async () => (await h.digestQueue.getDelayed()).find((j) => j.id?.startsWith(prefix) && Number(j.id.slice(prefix.length)) > after),
    (j) => j !== undefined,
    { what: `the next run of ${subscriptionId}` },
  );
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
  const state = await waitFor(() => h.digestQueue.getJobState(jobId), (s) => s === "completed" || s === "failed", { what: `digest job ${jobId} done` });
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
