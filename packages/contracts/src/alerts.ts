import { createHash } from "node:crypto";
import { z } from "zod";
import { localeSchema, tierSchema } from "./events.ts";

/** The alert rules the engine knows. Each has an explanation template in both locales. */
export const ruleIds = [
  "purchases.decline",
  "purchases.silence",
  "purchases.narrowing",
  "payments.overdue",
  "payments.slipping",
  "complaints.spike",
  "contact.silence",
] as const;
export const ruleIdSchema = z.enum(ruleIds);
export type RuleId = z.infer<typeof ruleIdSchema>;

export const levels = ["low", "medium", "high", "critical"] as const;
export const levelSchema = z.enum(levels);
export type Level = z.infer<typeof levelSchema>;
export const levelRank: Record<Level, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Units tell the renderer how to format a number; money is a decimal string in major units. */
export const unitSchema = z.enum(["money", "count", "days", "points", "percent"]);
export type Unit = z.infer<typeof unitSchema>;

/** Every evidence signal the engine reports; the email catalog must name each one in both locales. */
export const signalIds = [
  "orders.value",
  "orders.count",
  "orders.daysSinceLast",
  "orders.quietChance",
  "orders.categories",
  "orders.linesMissing",
  "orders.averageValue",
  "orders.grossMargin",
  "orders.cancelled",
  "invoices.daysPastDue",
  "invoices.usualDaysLate",
  "invoices.openOverdueAmount",
  "invoices.openOverdueCount",
  "invoices.partPaidCount",
  "payments.meanDaysLate",
  "payments.daysLaterThanUsual",
  "payments.invoicesPaid",
  "complaints.weighted",
  "complaints.count",
  "complaints.criticalUnresolvedDays",
  "complaints.repeats",
  "complaints.unresolved",
  "complaints.oldestUnresolvedDays",
  "complaints.satisfaction",
  "contact.daysSinceLast",
  "contact.unanswered",
  "contact.daysSinceInbound",
] as const;
export const signalIdSchema = z.enum(signalIds);
export type SignalId = z.infer<typeof signalIdSchema>;

export const evidenceSchema = z.object({
  signal: signalIdSchema,
  unit: unitSchema,
  value: z.string(),
  baseline: z.string().optional(),
  threshold: z.string().optional(),
  windowDays: z.number().int().positive().optional(),
  /** Relative change against the baseline in percent, e.g. -71. */
  changePct: z.number().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

const recipient = z.object({
  name: z.string(),
  email: z.email(),
  locale: localeSchema.optional(),
  timezone: z.string().optional(),
});
export type AlertRecipient = z.infer<typeof recipient>;

/** Another alert on the same account, announced in the same evaluation: it rides in the same email. */
export const relatedAlertSchema = z.object({
  notificationId: z.string().min(1),
  kind: z.enum(["firing", "escalated", "resolved"]),
  alertId: z.string().min(1),
  rule: ruleIdSchema,
  level: levelSchema,
  score: z.number().min(0).max(100),
  firedAt: z.iso.datetime({ offset: true }),
  evidence: z.array(evidenceSchema).min(1),
  eventIds: z.array(z.string()),
});
export type RelatedAlert = z.infer<typeof relatedAlertSchema>;

/**
 * What the signal worker enqueues for every alert change the notification policy needs to hear about:
 * first firing, a higher level, and resolution. The notifier's policy decides what, if anything, to email.
 */
export const alertNotificationSchema = z.object({
  notificationId: z.string().min(1),
  kind: z.enum(["firing", "escalated", "resolved"]),
  alertId: z.string().min(1),
  accountId: z.string().min(1),
  rule: ruleIdSchema,
  level: levelSchema,
  score: z.number().min(0).max(100),
  firedAt: z.iso.datetime({ offset: true }),
  evaluatedAt: z.iso.datetime({ offset: true }),
  configVersion: z.string(),
  evidence: z.array(evidenceSchema).min(1),
  eventIds: z.array(z.string()),
  account: z.object({
    name: z.string(),
    tier: tierSchema.optional(),
    region: z.string().optional(),
    currency: z.string().optional(),
    timezone: z.string().optional(),
    locale: localeSchema,
    owner: recipient.optional(),
    manager: recipient.optional(),
    sponsor: recipient.optional(),
  }),
  /** Other alerts of this account due at the same moment: one email per account, not one per rule. */
  related: z.array(relatedAlertSchema).optional(),
});
export type AlertNotification = z.infer<typeof alertNotificationSchema>;

/**
 * Folds the notifications of one account's evaluation into one: the most serious leads (its id stays the
 * job's identity), the others ride along in `related`.
 */
export function groupNotifications(notifications: readonly AlertNotification[]): AlertNotification[] {
  if (notifications.length <= 1) return [...notifications];
  // A live alert leads (its subject line is the news); resolutions ride along.
  const live = (n: AlertNotification) => (n.kind === "resolved" ? 0 : 1);
  const [lead, ...rest] = [...notifications].sort(
    (a, b) => live(b) - live(a) || levelRank[b.level] - levelRank[a.level] || b.score - a.score,
  );
  if (!lead) return [];
  const related = rest.map(({ notificationId, kind, alertId, rule, level, score, firedAt, evidence, eventIds }) => ({
    notificationId, kind, alertId, rule, level, score, firedAt, evidence, eventIds,
  }));
  return [{ ...lead, related: [...(lead.related ?? []), ...related] }];
}

export const ALERT_QUEUE = "churnwatch-alerts";
/** Between the notification policy and SMTP: one job per email, scheduled at its send time. */
export const EMAIL_QUEUE = "churnwatch-emails";
export const ALERT_JOB = "notify-owner";

/** The custom backoff the notifier's worker implements: exponential with jitter, capped by its settings. */
export const JITTER_BACKOFF = "jitter";

/**
 * Options every producer of ALERT_JOB uses. 20 attempts with the notifier's default 5 s base and 30 min cap
 * cover about six hours of SMTP outage; failed jobs are kept so every undelivered alert stays visible.
 */
export const alertJobOptions = {
  attempts: 20,
  backoff: { type: JITTER_BACKOFF },
  removeOnComplete: { age: 14 * 24 * 3600, count: 50_000 },
  removeOnFail: false,
} as const;

/**
 * BullMQ job id of a notification. BullMQ refuses ids containing ":" (its key separator), which account
 * ids may hold, so the id is a digest: the same notification always maps to the same job, deduping enqueues.
 */
export function alertJobId(notificationId: string): string {
  return `n-${createHash("sha256").update(notificationId).digest("hex").slice(0, 40)}`;
}

/** What the engine records: the signal's own changes. */
export const engineTransitionTypes = ["fired", "escalated", "resolved"] as const;
/** What the notification policy and the recipients do with an alert. */
export const policyTransitionTypes = [
  "notified",
  "acknowledged",
  "snoozed",
  "snooze-ended",
  "dismissed",
  "escalated-to-manager",
  "escalated-to-executive",
  "resolved-notice",
  "action-ignored",
] as const;
/** What delivery and operations record. */
export const deliveryTransitionTypes = ["email-sent", "email-superseded", "email-failed", "defection-confirmed"] as const;
export const transitionTypes = [...engineTransitionTypes, ...policyTransitionTypes, ...deliveryTransitionTypes] as const;
export type TransitionType = (typeof transitionTypes)[number];

/**
 * One step in an alert's life, as the audit history keeps it (per account in Redis, durably in Kafka).
 * transitionId is deterministic, so a transition written twice (at-least-once) is recognised as one.
 */
export const alertTransitionSchema = z.object({
  transitionId: z.string().min(1),
  alertId: z.string().min(1),
  accountId: z.string().min(1),
  rule: ruleIdSchema,
  /** Engine changes (fired, escalated, resolved), then the notification policy's and the recipients' steps. */
  type: z.enum(transitionTypes),
  level: levelSchema,
  score: z.number().min(0).max(100),
  at: z.iso.datetime({ offset: true }),
  cause: z.string(),
  actor: z.string(),
  configVersion: z.string(),
  /** What a person said or what the policy decided, e.g. a dismissal reason or "repeat to owner". */
  note: z.string().optional(),
});
export type AlertTransition = z.infer<typeof alertTransitionSchema>;

/** At-least-once relays may write a transition twice; its id says it is one. Keeps the first, in order. */
export function dedupeTransitions(history: readonly AlertTransition[]): AlertTransition[] {
  const seen = new Set<string>();
  return history.filter((t) => !seen.has(t.transitionId) && seen.add(t.transitionId));
}
