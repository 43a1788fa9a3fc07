import { createHash } from "node:crypto";
import { z } from "zod";
import { alertJobOptions, levels, localeSchema, ruleIdSchema } from "@churnwatch/contracts";

export { EMAIL_QUEUE } from "@churnwatch/contracts";
export const EMAIL_JOB = "send-email";
export const TICK_JOB = "policy-tick";

/**
 * The job id derives from the email's group id (alert versions and recipient), so an email decided once is
 * queued once however often the relay repeats itself. BullMQ refuses ":" in ids, hence the digest.
 */
export function emailJobId(groupId: string): string {
  return `e-${createHash("sha256").update(groupId).digest("hex").slice(0, 40)}`;
}

/** Same retry budget as alert jobs (about six hours of SMTP outage), failed jobs kept for operations. */
export const emailJobOptions = alertJobOptions;

const level = z.enum(levels);
/** The send step re-validates what it takes off the queue: a job is data from Redis, not a trusted call. */
export const emailJobSchema = z.object({
  groupId: z.string().min(1),
  accountId: z.string().min(1),
  sendAt: z.iso.datetime({ offset: true }),
  level,
  recipient: z.object({
    role: z.enum(["owner", "manager", "executive"]),
    name: z.string(),
    email: z.string(),
    locale: localeSchema,
    timezone: z.string().min(1),
  }),
  items: z
    .array(
      z.object({
        rule: ruleIdSchema,
        alertVersion: z.string().min(1),
        reason: z.enum(["first", "escalated", "repeat", "resolved", "escalation-step"]),
        level,
      }),
    )
    .min(1),
});
