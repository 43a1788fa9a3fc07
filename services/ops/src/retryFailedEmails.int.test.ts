import { afterEach, describe, expect, it } from "vitest";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { redisUrl, uniqueName, waitFor } from "@churnwatch/testing";
import { retryFailedEmails } from "./retryFailedEmails.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

describe("retry-failed-emails", () => {
  it("puts failed alert emails back in the queue, and a dry run only lists them", async () => {
    const name = uniqueName("retry-failed");
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(name, { connection });
    let reject = true;
    const worker = new Worker(
      name,
      async () => {
        if (reject) throw new UnrecoverableError("550 5.1.1 <li.wei@seller.example>: mailbox unavailable");
      },
      { connection },
    );
    cleanup = async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    };
    await queue.add("notify-owner", { accountId: "acc-1" }, { jobId: "n-1" });
    await queue.add("notify-owner", { accountId: "acc-2" }, { jobId: "n-2" });
    await waitFor(() => queue.getFailedCount(), { until: (n) => n === 2, description: "two failed jobs" });

    const dry = await retryFailedEmails(queue, { dryRun: true });
    expect(dry.retried.map((r) => r.accountId).sort()).toEqual(["acc-1", "acc-2"]);
    expect(dry.retried[0]?.reason).toBe("550 5.1.1 <[email]>: mailbox unavailable");
    expect(await queue.getFailedCount()).toBe(2);

    reject = false; // the mailbox was fixed
    const real = await retryFailedEmails(queue, { dryRun: false });
    expect(real.retried).toHaveLength(2);
    await waitFor(() => queue.getCompletedCount(), { until: (n) => n === 2, description: "both delivered after the retry" });
    expect(await queue.getFailedCount()).toBe(0);
    expect((await retryFailedEmails(queue, { dryRun: false })).retried).toEqual([]);
  });
});
