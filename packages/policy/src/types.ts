import type { Level, RuleId, Tier } from "@churnwatch/contracts";
import type { PolicyConfig } from "./config.ts";

export type AlertState = "pending" | "firing" | "resolved";
export type Role = "owner" | "manager" | "executive";

/** Per-alert delivery state: JSON-serialisable, owned by the caller, only ever replaced, never mutated. */
export interface DeliveryRecord {
  alertId: string;
  accountId: string;
  rule: RuleId;
  level: Level;
  state: AlertState;
  /** Notifications decided so far (emails or digest entries); the `n` of alertVersion. */
  notifications: number;
  /** First notification of the current episode (an episode ends when the alert resolves for good). */
  firstNotifiedAt?: string;
  /** When the last notification is due to go out (a quiet-hours delay puts it in the future). */
  lastNotifiedAt?: string;
  lastNotifiedLevel?: Level;
  /** Roles emailed in this episode; they hear about level rises and resolution. */
  emailed: Role[];
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  snoozedUntil?: string;
  snoozeUntilWorseThan?: Level;
  dismissedAt?: string;
  dismissedBy?: string;
  dismissedReason?: string;
  resolvedAt?: string;
  resolvedNoticeDueAt?: string;
  /** When the alert was first announced at high or above in this episode: the escalation clock. */
  seriousSince?: string;
  escalationStep: 0 | 1 | 2;
  escalatedAt: { manager?: string; executive?: string };
}

export type EngineInput =
  | { type: "fired"; level: Level }
  | { type: "escalated"; level: Level }
  | { type: "updated"; level: Level }
  | { type: "resolved" };
export type ClockInput = { type: "tick" };
export type ActionInput =
  | { type: "acknowledge"; actor: string }
  | { type: "snooze"; actor: string; until: string }
  | { type: "snoozeUntilWorse"; actor: string }
  | { type: "dismiss"; actor: string; reason: string };
export type PolicyInput = EngineInput | ClockInput | ActionInput;

export interface Recipient {
  /** Stable identity across accounts (user id or address), for the per-recipient budget and grouping. */
  id: string;
  /** IANA zone, e.g. "Asia/Shanghai". */
  timezone: string;
}

export interface PolicyContext {
  now: string;
  config: PolicyConfig;
  tier?: Tier;
  recipients: { owner: Recipient; manager?: Recipient; executive?: Recipient };
}

export type EmailReason = "first" | "escalated" | "repeat" | "resolved" | "escalation-step";

interface Delivery {
  to: Role;
  recipientId: string;
  timezone: string;
  alertId: string;
  accountId: string;
  rule: RuleId;
  level: Level;
  reason: EmailReason;
  /** `${alertId}:${level}:${n}`: the notifier derives its job id from this plus `to`. */
  alertVersion: string;
}
export interface EmailEffect extends Delivery {
  kind: "email";
  sendAt: string;
}
export interface DigestEffect extends Delivery {
  kind: "digest";
  /** Local date (recipient zone) of the daily summary that carries it. */
  digestDate: string;
  cause: "low-level" | "budget";
}
export type Transition =
  | "fired"
  | "refired"
  | "level-raised"
  | "level-lowered"
  | "updated"
  | "resolved"
  | "notified"
  | "acknowledged"
  | "snoozed"
  | "snooze-ended"
  | "dismissed"
  | "escalated-to-manager"
  | "escalated-to-executive"
  | "resolved-notice"
  | "action-ignored";
export interface AuditEffect {
  kind: "audit";
  alertId: string;
  accountId: string;
  transition: Transition;
  from: AlertState;
  to: AlertState;
  level: Level;
  cause: PolicyInput["type"];
  actor: string;
  at: string;
  note?: string;
}
export type Effect = EmailEffect | DigestEffect | AuditEffect;

export interface Decision {
  record: DeliveryRecord;
  effects: Effect[];
}
