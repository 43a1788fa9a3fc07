import { IANAZone } from "luxon";
import { z } from "zod";
import { levelSchema, localeSchema, tierSchema } from "@churnwatch/contracts";

/** ISO weekdays, Monday = 1 (luxon's numbering); names are accepted on input. */
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const WEEKDAY_ERROR = "a weekday: mon, tue, wed, thu, fri, sat or sun (or 1 = Monday … 7 = Sunday)";
const weekday = z.preprocess(
  (v) => (typeof v === "string" ? WEEKDAYS.indexOf(v.trim().toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]) + 1 || v : v),
  z.number({ error: WEEKDAY_ERROR }).int(WEEKDAY_ERROR).min(1, WEEKDAY_ERROR).max(7, WEEKDAY_ERROR),
);

const timezone = z
  .string({ error: "an IANA timezone such as Asia/Shanghai or America/New_York" })
  .refine((tz) => IANAZone.isValidZone(tz), { error: (i) => `${JSON.stringify(i.input)} is not an IANA timezone (e.g. Asia/Shanghai, America/New_York)` });

export const scheduleSchema = z
  .object({
    cadence: z.enum(["daily", "weekly", "monthly"], { error: "daily, weekly or monthly" }),
    /** Weekly only: the day it goes out, 1 = Monday … 7 = Sunday. */
    weekday: weekday.optional(),
    /** Monthly only: 1–28, so every month has that day. */
    dayOfMonth: z.number().int().min(1, "1 to 28").max(28, "1 to 28 (so that every month has that day)").optional(),
    /** Local wall time in `timezone`, 24-hour. */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time as HH:mm, 24-hour, such as 08:00"),
    timezone,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.cadence === "weekly" && s.weekday === undefined) ctx.addIssue({ code: "custom", path: ["weekday"], message: "a weekly digest needs a weekday" });
    if (s.cadence === "monthly" && s.dayOfMonth === undefined) ctx.addIssue({ code: "custom", path: ["dayOfMonth"], message: "a monthly digest needs a dayOfMonth (1 to 28)" });
    if (s.cadence !== "weekly" && s.weekday !== undefined) ctx.addIssue({ code: "custom", path: ["weekday"], message: "only a weekly digest takes a weekday" });
    if (s.cadence !== "monthly" && s.dayOfMonth !== undefined) ctx.addIssue({ code: "custom", path: ["dayOfMonth"], message: "only a monthly digest takes a dayOfMonth" });
  });
export type Schedule = z.infer<typeof scheduleSchema>;

export const filtersSchema = z
  .object({
    regions: z.array(z.string().min(1).max(100)).max(50).optional(),
    tiers: z.array(tierSchema).max(3).optional(),
    /** Only accounts whose highest firing alert is at least this level. */
    minLevel: levelSchema.optional(),
    /** Account owners (their email addresses): a team is the list of its account managers. */
    owners: z.array(z.email().transform((e) => e.toLowerCase())).max(200).optional(),
  })
  .strict();
type DigestFilters = z.infer<typeof filtersSchema>;

/** What a caller sends to create or replace a subscription. */
export const subscriptionInputSchema = z
  .object({
    recipient: z
      .object({
        name: z.string().trim().min(1).max(200),
        email: z.email(),
        locale: localeSchema.default("en"),
      })
      .strict(),
    schedule: scheduleSchema,
    filters: filtersSchema.default({}),
    /** How many accounts the ranking shows; totals always count every account that matches. */
    top: z.number().int().min(1).max(50).default(10),
    /** Policy when no account matches: skip the email (default) or send an "all clear". */
    whenEmpty: z.enum(["skip", "send"]).default("skip"),
    /** No digest before this instant (e.g. from the start of next quarter). */
    startsAt: z.iso.datetime({ offset: true, error: "an ISO instant with its offset, such as 2027-03-01T00:00:00+08:00" }).optional(),
  })
  .strict();
type SubscriptionInput = z.input<typeof subscriptionInputSchema>;

export const subscriptionSchema = subscriptionInputSchema.extend({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;
