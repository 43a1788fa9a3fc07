import type { Queue } from "bullmq";
import { alertJobOptions } from "@churnwatch/contracts";
import type { Logger } from "@churnwatch/platform";
import { cronPattern } from "./schedule.ts";
import type { Subscription } from "./subscription.ts";

export const DIGEST_QUEUE = "churnwatch-digests";
export const DIGEST_JOB = "digest-run";
/** One BullMQ job scheduler per subscription; its id is the subscription's, so every instance shares it. */
export const schedulerIdOf = (subscriptionId: string): string => `digest-${subscriptionId}`;

/**
 * The run's scheduled instant: BullMQ names each scheduled job `repeat:<schedulerId>:<millis>` after the
 * instant its pattern gave, which stays true however late the job is processed.
 */
export function scheduledMillisOf(jobId: string | undefined): number | undefined {
  const m = /^repeat:.+:(\d{10,})$/.exec(jobId ?? "");
  return m?.[1] ? Number(m[1]) : undefined;
}

export interface DigestScheduler {
  /** Creates or changes the subscription's scheduler when its pattern or timezone differ from Redis. */
  ensure(s: Subscription): Promise<"created" | "updated" | "unchanged">;
  remove(subscriptionId: string): Promise<void>;
  /** Schedules every subscription that is not yet (start-up, after a rebuild from the topic). */
  sync(subs: readonly Subscription[]): Promise<void>;
}

export function createDigestScheduler(deps: { queue: Queue; logger: Logger }): DigestScheduler {
  const { queue } = deps;
  async function ensure(s: Subscription): Promise<"created" | "updated" | "unchanged"> {
    const id = schedulerIdOf(s.id);
    const pattern = cronPattern(s.schedule);
    const existing = await queue.getJobScheduler(id);
    // Upserting an unchanged scheduler would replace its pending job with one for the next future run:
    // a run that fell due while every notifier was down would be dropped instead of sent late. So only a
    // new or changed schedule is written.
    const startDate = s.startsAt ? Date.parse(s.startsAt) : undefined;
    if (existing && existing.pattern === pattern && existing.tz === s.schedule.timezone && existing.startDate === startDate) return "unchanged";
    await queue.upsertJobScheduler(
      id,
      { pattern, tz: s.schedule.timezone, ...(startDate !== undefined ? { startDate } : {}) },
      {
        name: DIGEST_JOB,
        data: { subscriptionId: s.id },
        opts: { attempts: alertJobOptions.attempts, backoff: alertJobOptions.backoff, removeOnComplete: { count: 1_000 }, removeOnFail: false },
      },
    );
    deps.logger.info({ subscriptionId: s.id, pattern, tz: s.schedule.timezone }, existing ? "digest schedule changed" : "digest scheduled");
    return existing ? "updated" : "created";
  }
  return {
    ensure,
    async remove(subscriptionId) {
      await queue.removeJobScheduler(schedulerIdOf(subscriptionId));
    },
    async sync(subs) {
      // Schedulers of deleted subscriptions are not hunted here: a run whose subscription is gone removes
      // its own scheduler (runner.ts), which also covers a crash between the tombstone and the removal.
      for (const s of subs) await ensure(s);
    },
  };
}
