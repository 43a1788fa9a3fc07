// An SMTP server that stops answering mid-transaction: the notifier's send gives up at its deadline (twice
// SMTP_TIMEOUT_MS; 3 s in the harness), the email job is retried with backoff, and it is delivered once.
// Before the deadline this send stayed pending for good: nodemailer's socketTimeout did not end the session.
import { afterEach, describe, expect, it } from "vitest";
import { cleanupHarnesses, startHarness } from "./testSupport/harness.ts";
import { waitFor } from "@churnwatch/testing";

afterEach(cleanupHarnesses);

describe("notifier delivery: SMTP timeouts", () => {
  it("retries a server that stops answering at RCPT TO and then delivers once", async () => {
    const ctx = await startHarness();
    let stalls = 0;
    // The first session hangs after RCPT TO: its reply (a 451) comes only after 15 s, well past the notifier's
    // deadline (twice SMTP_TIMEOUT_MS, 6 s here), and ends that session; the next session is answered at once.
    let stalledAnswered = false;
    ctx.sink.onRecipient(() =>
      stalls++ < 1
        ? new Promise((resolve) =>
            setTimeout(() => {
              stalledAnswered = true;
              resolve({ code: 451, message: "4.4.2 too late" });
            }, 15_000),
          )
        : undefined,
    );
    const started = Date.now();
    const n = ctx.notification();
    await ctx.enqueue(n);
    const jobs = await waitFor(() => ctx.emailQueue.getJobs(["waiting", "active", "delayed", "completed", "failed"]), { until: (j) => j.length >= 1, description: "an email job", timeoutMs: 15_000 });
    const id = jobs[0]?.id ?? "";
    await waitFor(() => ctx.emailQueue.getJobState(id), { until: (s) => s === "completed", description: "the email job completed", timeoutMs: 30_000 });
    const job = await ctx.emailQueue.getJob(id);
    expect(stalls).toBe(2);
    // Delivered by the retry, not because the stalled session finally ended (fails on a mailer without a deadline).
    expect(stalledAnswered).toBe(false);
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(2);
    const emails = await ctx.waitEmails(ctx.owner, 1);
    expect(emails).toHaveLength(1);
    console.log(`smtp timeout: 1 stalled session, delivered once after ${((Date.now() - started) / 1000).toFixed(1)} s (attemptsMade ${job?.attemptsMade ?? 0})`);
  }, 45_000);
});
