import { z } from "zod";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const clock = z.string().regex(HHMM, { message: 'must be a 24-hour "HH:mm" time such as "08:00"' });
const isoWeekday = z
  .number({ message: "must be an ISO weekday number" })
  .int({ message: "must be a whole ISO weekday (1 = Monday … 7 = Sunday)" })
  .min(1, { message: "must be an ISO weekday from 1 (Monday) to 7 (Sunday)" })
  .max(7, { message: "must be an ISO weekday from 1 (Monday) to 7 (Sunday)" });
const wholeDays = (what: string) =>
  z
    .number({ message: `must be a number of business days before ${what}` })
    .int({ message: `must be a whole number of business days before ${what}` })
    .min(1, { message: `must be at least 1 business day before ${what}` })
    .max(60, { message: `must be at most 60 business days before ${what}` });

export const policyConfigSchema = z
  .object({
    /** Re-notify an unacknowledged alert this long after the previous notification; also the flap window. */
    repeatIntervalHours: z
      .number({ message: "must be a number of hours" })
      .positive({ message: "must be more than 0 hours" })
      .max(24 * 30, { message: "must be at most 720 hours (30 days)" })
      .default(24),
    sendResolvedNotice: z.boolean({ message: "must be true or false" }).default(false),
    /** A resolved notice waits this long, so a signal that re-fires soon after sends nothing. */
    resolvedNoticeDelayMinutes: z
      .number({ message: "must be a number of minutes" })
      .int({ message: "must be a whole number of minutes" })
      .min(0, { message: "must be 0 or more minutes" })
      .default(60),
    lowLevelToDigest: z.boolean({ message: "must be true or false" }).default(true),
    perRecipientBudget: z
      .number({ message: "must be a number of emails per day" })
      .int({ message: "must be a whole number of emails per day" })
      .min(1, { message: "must allow at least 1 email per day (excess goes to the digest)" })
      .default(5),
    /** Local hours when only critical alerts interrupt; false sends at any hour (business days still apply). */
    quietHours: z
      .union([
        z.literal(false),
        z
          .object({ start: clock, end: clock })
          .refine((q) => q.start !== q.end, { message: "start and end must differ (use false for no quiet hours)" }),
      ])
      .default({ start: "20:00", end: "08:00" }),
    businessDays: z
      .array(isoWeekday)
      .min(1, { message: "must name at least one business day" })
      .refine((days) => new Set(days).size === days.length, { message: "must not repeat a weekday" })
      .default([1, 2, 3, 4, 5]),
    escalation: z
      .object({
        managerAfterBusinessDays: wholeDays("escalating to the manager").default(2),
        executiveAfterBusinessDays: wholeDays("escalating to the executive sponsor").default(3),
      })
      .default({ managerAfterBusinessDays: 2, executiveAfterBusinessDays: 3 }),
  })
  .strict();

export type PolicyConfig = z.infer<typeof policyConfigSchema>;
export type PolicyConfigInput = z.input<typeof policyConfigSchema>;

export class PolicyConfigError extends Error {
  override readonly name = "PolicyConfigError";
}

/** Parses once at start-up; a bad value throws naming the field, what it should be and what it was. */
export function parsePolicyConfig(input: unknown = {}): PolicyConfig {
  const result = policyConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join(".") : "(root)";
    const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
    return `${path}: ${issue.message}${got}`;
  });
  throw new PolicyConfigError(`invalid notification policy config:\n  ${lines.join("\n  ")}`);
}
