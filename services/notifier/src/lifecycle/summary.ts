import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Queue } from "bullmq";
import { z } from "zod";
import { levelSchema, ruleIdSchema } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import { emailJobOptions } from "./emailQueue.ts";
import type { InboxKeys } from "./redisInbox.ts";

export const SUMMARY_JOB = "send-summary";

/** One alert waiting in a recipient's daily summary: low level, or over the recipient's daily budget. */
export const summaryEntrySchema = z.object({
  accountId: z.string().min(1),
  rule: ruleIdSchema,
  level: levelSchema,
  alertVersion: z.string().min(1),
  cause: z.enum(["low-level", "budget"]),
});
export type SummaryEntry = z.infer<typeof summaryEntrySchema>;

/** A recipient's summary of one local day; also the summary job's data. */
export const summaryDueSchema = z.object({ recipient: z.string().min(1), timezone: z.string().min(1), day: z.iso.date() });
export type SummaryDue = z.infer<typeof summaryDueSchema>;

export const summaryId = (s: SummaryDue): string => `summary|${s.recipient}|${s.day}`;
export const summaryJobId = (s: SummaryDue): string => `s-${createHash("sha256").update(summaryId(s)).digest("hex").slice(0, 40)}`;

/**
 * Queues the daily summaries that are due (the relay registered each with the first business-morning
 * opening after its day). The job id makes a repeated or concurrent run queue a summary once.
 */
export function createSummaryScheduler(deps: { redis: Redis; keys: InboxKeys; queue: Queue; now: () => number; logger: Logger }) {
  return {
    async enqueueDue(): Promise<number> {
      const due = await deps.redis.zrangebyscore(deps.keys.summariesDue, "-inf", deps.now());
      for (const raw of due) {
        const s = summaryDueSchema.parse(JSON.parse(raw));
        await deps.queue.add(SUMMARY_JOB, s, { ...emailJobOptions, jobId: summaryJobId(s) });
        await deps.redis.zrem(deps.keys.summariesDue, raw);
        deps.logger.info({ day: s.day }, "daily summary queued");
      }
      return due.length;
    },
  };
}
