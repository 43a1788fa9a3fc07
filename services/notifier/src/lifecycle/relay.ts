import type { Redis } from "ioredis";
import type { Queue } from "bullmq";
import { DateTime } from "luxon";
import { drainUntilEmpty, type Logger } from "@churnwatch/platform";
import { sendAt, type PolicyConfig } from "@churnwatch/policy";
import { EMAIL_JOB, emailJobId, emailJobOptions } from "./emailQueue.ts";
import type { EmailJobData } from "./inbox.ts";
import type { InboxKeys, OutboxItem } from "./redisInbox.ts";
import type { SummaryDue, SummaryEntry } from "./summary.ts";

const BUDGET_TTL_S = 3 * 24 * 3600;
const DIGEST_TTL_S = 14 * 24 * 3600;

/**
 * Moves decided emails from the inbox outbox to the email queue, at their send time. The per-recipient daily
 * budget is counted here, across accounts: the email ids seen per recipient and local day, in order of first
 * sight, so a repeated relay counts an email once and finds the same answer. Over budget, a non-critical
 * email becomes entries of the recipient's daily summary instead, as low-level alerts do: it waits, it is
 * never dropped.
 */
export function createLifecycleRelay(deps: {
  redis: Redis;
  queue: Queue;
  keys: InboxKeys;
  config: Pick<PolicyConfig, "perRecipientBudget" | "quietHours" | "businessDays">;
  now: () => number;
  logger: Logger;
}) {
  const localDay = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toISODate() ?? iso.slice(0, 10);

  async function withinBudget(job: EmailJobData): Promise<boolean> {
    const key = deps.keys.budget(job.recipient.email, localDay(job.sendAt, job.recipient.timezone));
    // Ordered by first sight (NX keeps the first score), so a repeated relay finds the same answer.
    const results = (await deps.redis.multi().zadd(key, "NX", deps.now(), job.groupId).zrank(key, job.groupId).expire(key, BUDGET_TTL_S).exec()) ?? [];
    const rank = Number(results[1]?.[1] ?? 0);
    // Critical always interrupts, and still counts against the day.
    return job.level === "critical" || rank < deps.config.perRecipientBudget;
  }

  /**
   * Keeps entries for a recipient's daily summary of one local day, and registers when that summary is due:
   * the first opening (business day, out of quiet hours) after the day ends where the recipient works.
   */
  async function keepForSummary(recipient: string, timezone: string, day: string, entries: SummaryEntry[]): Promise<void> {
    const key = deps.keys.digest(recipient, day);
    const nextDay = DateTime.fromISO(day, { zone: timezone }).plus({ days: 1 }).startOf("day").toMillis();
    const dueAt = sendAt(nextDay, timezone, deps.config, false);
    const due: SummaryDue = { recipient, timezone, day };
    await deps.redis
      .multi()
      .sadd(key, ...entries.map((e) => JSON.stringify(e)))
      .expire(key, DIGEST_TTL_S)
      .zadd(deps.keys.summariesDue, "NX", dueAt, JSON.stringify(due))
      .exec();
  }

  async function toDigest(job: EmailJobData, cause: SummaryEntry["cause"]): Promise<void> {
    const day = localDay(job.sendAt, job.recipient.timezone);
    const entries = job.items.map((i) => ({ accountId: job.accountId, rule: i.rule, level: i.level, alertVersion: i.alertVersion, cause }));
    await keepForSummary(job.recipient.email, job.recipient.timezone, day, entries);
  }

  async function drainOnce(): Promise<number> {
    const raw = await deps.redis.lrange(deps.keys.outbox, 0, 99);
    if (raw.length === 0) return 0;
    for (const item of raw.map((r) => JSON.parse(r) as OutboxItem)) {
      if (item.kind === "digest") {
        const e = item.entry;
        if (e.recipientId === "") continue; // nobody on record: the alert's history still shows the decision
        await keepForSummary(e.recipientId, e.timezone, e.digestDate, [{ accountId: e.accountId, rule: e.rule, level: e.level, alertVersion: e.alertVersion, cause: e.cause }]);
        continue;
      }
      const job = item.job;
      if (job.recipient.email !== "" && !(await withinBudget(job))) {
        await toDigest(job, "budget");
        deps.logger.info({ accountId: job.accountId, emailJobId: emailJobId(job.groupId) }, "over the recipient's daily budget: kept for the daily summary");
        continue;
      }
      const delay = Math.max(0, Date.parse(job.sendAt) - deps.now());
      await deps.queue.add(EMAIL_JOB, job, { ...emailJobOptions, jobId: emailJobId(job.groupId), delay });
      // The group id names the recipient's address: logs carry the job id (a digest of it) instead.
      deps.logger.info({ accountId: job.accountId, emailJobId: emailJobId(job.groupId), role: job.recipient.role, sendAt: job.sendAt, delayMs: delay }, "email scheduled");
    }
    const pipeline = deps.redis.pipeline();
    for (const r of raw) pipeline.lrem(deps.keys.outbox, 1, r);
    await pipeline.exec();
    return raw.length;
  }

  return { drain: () => drainUntilEmpty(drainOnce) };
}
