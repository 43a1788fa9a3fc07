import { levelRank, type Level } from "@churnwatch/contracts";
import { instant, localDate, sendAt, toIso } from "./calendar.ts";
import type {
  AlertState,
  AuditEffect,
  DeliveryRecord,
  Effect,
  EmailReason,
  PolicyContext,
  PolicyInput,
  Role,
  Transition,
} from "./types.ts";

export const rank = (level: Level | undefined): number => (level === undefined ? -1 : levelRank[level]);

export function actorOf(input: PolicyInput): string {
  if ("actor" in input) return input.actor;
  return input.type === "tick" ? "clock" : "engine";
}

export function audit(
  before: DeliveryRecord,
  after: DeliveryRecord,
  transition: Transition,
  input: PolicyInput,
  ctx: PolicyContext,
  note?: string,
): AuditEffect {
  const from: AlertState = before.state;
  const effect: AuditEffect = {
    kind: "audit",
    alertId: after.alertId,
    accountId: after.accountId,
    transition,
    from,
    to: after.state,
    level: after.level,
    cause: input.type,
    actor: actorOf(input),
    at: toIso(instant(ctx.now)),
  };
  if (note !== undefined) effect.note = note;
  return effect;
}

/** Silenced by the recipient: dismissed, snoozed to a date, or snoozed until it gets worse. */
export function silenced(record: DeliveryRecord, nowMs: number): boolean {
  if (record.dismissedAt !== undefined) return true;
  if (record.snoozedUntil !== undefined && nowMs < instant(record.snoozedUntil)) return true;
  return record.snoozeUntilWorseThan !== undefined;
}

/**
 * One notification decision: emails (or digest entries for low alerts) to `roles`, all sharing one alert
 * version. Roles without a recipient on record are skipped; the audit still shows the decision.
 */
export function notify(
  record: DeliveryRecord,
  roles: readonly Role[],
  reason: EmailReason,
  ctx: PolicyContext,
): { record: DeliveryRecord; effects: Effect[] } {
  const nowMs = instant(ctx.now);
  const n = record.notifications + 1;
  const alertVersion = `${record.alertId}:${record.level}:${n}`;
  const toDigest = record.level === "low" && ctx.config.lowLevelToDigest && reason !== "resolved";
  const effects: Effect[] = [];
  const emailed = new Set(record.emailed);
  let ownerAt: number | undefined;
  for (const to of new Set(roles)) {
    const recipient = ctx.recipients[to];
    if (!recipient) continue;
    const base = {
      to,
      recipientId: recipient.id,
      timezone: recipient.timezone,
      alertId: record.alertId,
      accountId: record.accountId,
      rule: record.rule,
      level: record.level,
      reason,
      alertVersion,
    };
    if (toDigest) {
      effects.push({ ...base, kind: "digest", digestDate: localDate(nowMs, recipient.timezone), cause: "low-level" });
      ownerAt ??= nowMs;
      continue;
    }
    const at = sendAt(nowMs, recipient.timezone, ctx.config, record.level === "critical");
    effects.push({ ...base, kind: "email", sendAt: toIso(at) });
    emailed.add(to);
    if (to === "owner") ownerAt = at;
  }
  const next: DeliveryRecord = { ...record, notifications: n, emailed: [...emailed] };
  if (reason === "resolved") return { record: next, effects };
  const at = toIso(ownerAt ?? nowMs);
  next.lastNotifiedAt = at;
  next.lastNotifiedLevel = record.level;
  next.firstNotifiedAt ??= at;
  if (rank(record.level) >= levelRank.high) next.seriousSince ??= toIso(nowMs);
  return { record: next, effects };
}

/** Clears what belongs to one episode, so a re-fire after a real recovery starts fresh. */
export function endEpisode(record: DeliveryRecord): DeliveryRecord {
  const next: DeliveryRecord = { ...record, emailed: [], escalationStep: 0, escalatedAt: {} };
  for (const key of [
    "firstNotifiedAt",
    "lastNotifiedAt",
    "lastNotifiedLevel",
    "acknowledgedAt",
    "acknowledgedBy",
    "snoozeUntilWorseThan",
    "seriousSince",
    "resolvedNoticeDueAt",
  ] as const) {
    delete next[key];
  }
  return next;
}
