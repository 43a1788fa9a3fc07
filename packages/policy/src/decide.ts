import type { Level, RuleId } from "@churnwatch/contracts";
import { instant, toIso } from "./calendar.ts";
import { audit, endEpisode, notify, rank, silenced } from "./notify.ts";
import { onTick } from "./tick.ts";
import type { ActionInput, Decision, DeliveryRecord, Effect, EngineInput, PolicyContext, Role } from "./types.ts";

export function newRecord(init: { alertId: string; accountId: string; rule: RuleId; level: Level }): DeliveryRecord {
  return { ...init, state: "pending", notifications: 0, emailed: [], escalationStep: 0, escalatedAt: {} };
}

/**
 * The notification policy: the record's next state and what to send, from an engine input, a clock tick
 * or a recipient's action. Pure: the same (record, input, ctx) always gives the same decision.
 */
export function decide(record: DeliveryRecord, input: EngineInput | ActionInput | { type: "tick" }, ctx: PolicyContext): Decision {
  switch (input.type) {
    case "fired":
    case "escalated":
    case "updated":
      return onFiring(record, input, ctx);
    case "resolved":
      return onResolved(record, input, ctx);
    case "tick":
      return onTick(record, input, ctx);
    default:
      return onAction(record, input, ctx);
  }
}

/** Roles that hear about a change: the owner, plus whoever the ladder already reached. */
function audience(record: DeliveryRecord): Role[] {
  return ["owner", ...record.emailed.filter((r) => r !== "owner")];
}

function onFiring(record: DeliveryRecord, input: Extract<EngineInput, { level: Level }>, ctx: PolicyContext): Decision {
  const nowMs = instant(ctx.now);
  const effects: Effect[] = [];
  let next: DeliveryRecord = { ...record, level: input.level, state: "firing" };
  if (record.state === "pending") {
    effects.push(audit(record, next, "fired", input, ctx));
  } else if (record.state === "resolved") {
    // Flapping: a re-fire within the repeat interval of the last notice resumes the episode quietly.
    const last = record.lastNotifiedAt === undefined ? undefined : instant(record.lastNotifiedAt);
    const flapping = last !== undefined && nowMs < last + ctx.config.repeatIntervalHours * 3_600_000;
    if (!flapping) next = endEpisode(next);
    delete next.resolvedAt;
    delete next.resolvedNoticeDueAt;
    effects.push(audit(record, next, "refired", input, ctx, flapping ? "within the flap window" : "new episode"));
  } else if (input.level !== record.level) {
    const raised = rank(input.level) > rank(record.level);
    effects.push(audit(record, next, raised ? "level-raised" : "level-lowered", input, ctx, `${record.level} → ${input.level}`));
  } else {
    effects.push(audit(record, next, "updated", input, ctx));
  }
  if (next.snoozeUntilWorseThan !== undefined && rank(next.level) > rank(next.snoozeUntilWorseThan)) {
    const woke = { ...next };
    delete woke.snoozeUntilWorseThan;
    effects.push(audit(next, woke, "snooze-ended", input, ctx, `level rose above ${next.snoozeUntilWorseThan}`));
    next = woke;
  }
  if (!silenced(next, nowMs) && rank(next.level) > rank(next.lastNotifiedLevel)) {
    const reason = next.lastNotifiedLevel === undefined ? "first" : "escalated";
    const sent = notify(next, audience(next), reason, ctx);
    effects.push(...sent.effects, audit(next, sent.record, "notified", input, ctx, reason));
    next = sent.record;
  }
  return { record: next, effects };
}

function onResolved(record: DeliveryRecord, input: EngineInput, ctx: PolicyContext): Decision {
  if (record.state === "resolved") return { record, effects: [] };
  const nowMs = instant(ctx.now);
  const next: DeliveryRecord = { ...record, state: "resolved", resolvedAt: toIso(nowMs) };
  const effects: Effect[] = [];
  if (next.dismissedAt !== undefined) {
    // "Not a risk" holds until the alert resolves; no resolved notice for something declared harmless.
    for (const key of ["dismissedAt", "dismissedBy", "dismissedReason"] as const) delete next[key];
    effects.push(audit(record, next, "resolved", input, ctx, "dismissal ends"));
    return { record: next, effects };
  }
  if (ctx.config.sendResolvedNotice && next.emailed.length > 0) {
    next.resolvedNoticeDueAt = toIso(nowMs + ctx.config.resolvedNoticeDelayMinutes * 60_000);
  }
  effects.push(audit(record, next, "resolved", input, ctx));
  if (ctx.config.resolvedNoticeDelayMinutes === 0 && next.resolvedNoticeDueAt !== undefined) {
    const tick = onTick(next, { type: "tick" }, ctx);
    return { record: tick.record, effects: [...effects, ...tick.effects] };
  }
  return { record: next, effects };
}

function onAction(record: DeliveryRecord, input: ActionInput, ctx: PolicyContext): Decision {
  const nowMs = instant(ctx.now);
  const ignore = (note: string): Decision => ({
    record,
    effects: [audit(record, record, "action-ignored", input, ctx, note)],
  });
  if (record.state !== "firing") return ignore(`alert is ${record.state}`);
  const at = toIso(nowMs);
  switch (input.type) {
    case "acknowledge": {
      if (record.acknowledgedAt !== undefined) return ignore("already acknowledged");
      const next = { ...record, acknowledgedAt: at, acknowledgedBy: input.actor };
      return { record: next, effects: [audit(record, next, "acknowledged", input, ctx)] };
    }
    case "snooze": {
      const until = Date.parse(input.until);
      if (!Number.isFinite(until) || until <= nowMs) return ignore(`snooze date ${JSON.stringify(input.until)} is not in the future`);
      const next = { ...record, snoozedUntil: toIso(until) };
      return { record: next, effects: [audit(record, next, "snoozed", input, ctx, `until ${next.snoozedUntil}`)] };
    }
    case "snoozeUntilWorse": {
      const next = { ...record, snoozeUntilWorseThan: record.level };
      return { record: next, effects: [audit(record, next, "snoozed", input, ctx, `until worse than ${record.level}`)] };
    }
    case "dismiss": {
      const reason = input.reason.trim();
      if (reason === "") return ignore("dismissing needs a reason");
      const next = { ...record, dismissedAt: at, dismissedBy: input.actor, dismissedReason: reason };
      return { record: next, effects: [audit(record, next, "dismissed", input, ctx, reason)] };
    }
  }
}
