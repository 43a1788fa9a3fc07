/**
 * `retry-failed-emails [--dry-run]`: puts every alert email that failed for good (BullMQ's failed set) back in
 * the queue, e.g. after a mailbox or SMTP credential was fixed. Safe to repeat: the notifier's sent markers
 * keep an email that did go out from going out again.
 */
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import { EMAIL_QUEUE } from "@churnwatch/contracts";
import { envFields, maskEmails, parseEnv, runMain } from "@churnwatch/platform";

const schema = z.object({ REDIS_URL: envFields.redisUrl, EMAIL_QUEUE: envFields.name.default(EMAIL_QUEUE) });

export interface RetryOutcome {
  retried: Array<{ jobId: string; accountId: string; reason: string }>;
}

export async function retryFailedEmails(queue: Queue, opts: { dryRun: boolean }): Promise<RetryOutcome> {
  const retried: RetryOutcome["retried"] = [];
  const seen = new Set<string>();
  // A dry run pages through the set; a real run keeps taking the first page, since retried jobs leave it.
  for (let start = 0; ; start = opts.dryRun ? start + 100 : 0) {
    const jobs = (await queue.getFailed(start, start + 99)).filter((j) => !seen.has(String(j.id)));
    if (jobs.length === 0) break;
    for (const job of jobs) {
      seen.add(String(job.id));
      retried.push({ jobId: String(job.id), accountId: String(job.data?.accountId ?? "?"), reason: maskEmails(job.failedReason ?? "") });
      if (!opts.dryRun) await job.retry("failed");
    }
  }
  return { retried };
}

if (process.argv[1]?.endsWith("retryFailedEmails.ts")) {
  await runMain(async () => {
    const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });
    const env = parseEnv(schema, process.env);
    const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    const queue = new Queue(env.EMAIL_QUEUE, { connection });
    try {
      const { retried } = await retryFailedEmails(queue, { dryRun: values["dry-run"] === true });
      for (const r of retried) process.stdout.write(`${values["dry-run"] ? "would retry" : "retried"} ${r.jobId} (${r.accountId}): ${r.reason}\n`);
      process.stdout.write(`${retried.length} failed email(s) ${values["dry-run"] ? "would be" : "were"} put back in ${env.EMAIL_QUEUE}\n`);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
}
