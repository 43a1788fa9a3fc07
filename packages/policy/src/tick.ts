import { levelRank } from "@churnwatch/contracts";
import { addBusinessDays, instant, toIso } from "./calendar.ts";
import { audit, endEpisode, notify, rank, silenced } from "./notify.ts";
import type { ClockInput, Decision, DeliveryRecord, Effect, PolicyContext, Role } from "./types.ts";

const HOUR_MS = 3_600_000;

/** Time-driven decisions: snooze expiry, the delayed resolved notice, repeats and the escalation ladder. */
export function onTick(record: DeliveryRecord, input: ClockInput, ctx: PolicyContext): Decision {
  const nowMs = instant(ctx.now);
  const effects: Effect[] = [];
  let next = record;

  if (next.snoozedUntil !== undefined && nowMs >= instant(next.snoozedUntil)) {
    const woke = { ...next };
    delete woke.snoozedUntil;
    // A snooze is an answer: restart the escalation clock from its end rather than escalating at once.
    if (woke.seriousSince !== undefined) woke.seriousSince = toIso(nowMs);
    effects.push(audit(next, woke, "snooze-ended", input, ctx, "snooze date reached"));
    next = woke;
  }

  if (next.state === "resolved" && next.resolvedNoticeDueAt !== undefined && nowMs >= instant(next.resolvedNoticeDueAt)) {
    const sent = notify(next, next.emailed, "resolved", ctx);
    const ended = endEpisode(sent.record);
    effects.push(...sent.effects, audit(next, ended, "resolved-notice", input, ctx));
    return { record: ended, effects };
  }

  if (next.state !== "firing" || silenced(next, nowMs)) return { record: next, effects };

  if (rank(next.level) > rank(next.lastNotifiedLevel)) {
    // Held back by a snooze: announce now what the recipient has not yet heard.
    const reason = next.lastNotifiedLevel === undefined ? "first" : "escalated";
    const roles: Role[] = ["owner", ...next.emailed.filter((r) => r !== "owner")];
    const sent = notify(next, roles, reason, ctx);
    effects.push(...sent.effects, audit(next, sent.record, "notified", input, ctx, reason));
    next = sent.record;
  } else if (next.acknowledgedAt === undefined && next.lastNotifiedAt !== undefined) {
    const due = instant(next.lastNotifiedAt) + ctx.config.repeatIntervalHours * HOUR_MS;
    if (nowMs >= due) {
      const sent = notify(next, ["owner"], "repeat", ctx);
      effects.push(...sent.effects, audit(next, sent.record, "notified", input, ctx, "repeat"));
      next = sent.record;
    }
  }

  const step = escalate(next, input, ctx, nowMs);
  return { record: step.record, effects: [...effects, ...step.effects] };
}

/**
 * The prevention ladder: an unacknowledged high or critical alert on a strategic account goes to the
 * owner's manager after N business days, then to the executive sponsor M business days later.
 */
function escalate(record: DeliveryRecord, input: ClockInput, ctx: PolicyContext, nowMs: number): Decision {
  const { escalation } = ctx.config;
  if (ctx.tier !== "strategic" || record.acknowledgedAt !== undefined || record.escalationStep >= 2) {
    return { record, effects: [] };
  }
  if (rank(record.level) < levelRank.high || record.seriousSince === undefined) return { record, effects: [] };
  const toManager = record.escalationStep === 0;
  const role: Role = toManager ? "manager" : "executive";
  const from = toManager ? record.seriousSince : record.escalatedAt.manager;
  if (from === undefined) return { record, effects: [] };
  const recipient = ctx.recipients[role];
  // Business days are counted where the next recipient works; without one, the owner's zone keeps the clock.
  const zone = (recipient ?? ctx.recipients.owner).timezone;
  const days = toManager ? escalation.managerAfterBusinessDays : escalation.executiveAfterBusinessDays;
  if (nowMs < addBusinessDays(instant(from), days, zone, ctx.config)) return { record, effects: [] };

  const stepped: DeliveryRecord = {
    ...record,
    escalationStep: toManager ? 1 : 2,
    escalatedAt: { ...record.escalatedAt, [role]: toIso(nowMs) },
  };
  const transition = toManager ? "escalated-to-manager" : "escalated-to-executive";
  if (!recipient) {
    // Keep climbing the ladder even when a rung is missing; the audit says who could not be told.
    return { record: stepped, effects: [audit(record, stepped, transition, input, ctx, `no ${role} on record`)] };
  }
  const sent = notify(stepped, [role], "escalation-step", ctx);
  // A ladder step is not a repeat to the owner: keep the owner's repeat clock where it was.
  const kept: DeliveryRecord = { ...sent.record };
  if (record.lastNotifiedAt !== undefined) kept.lastNotifiedAt = record.lastNotifiedAt;
  return { record: kept, effects: [...sent.effects, audit(record, kept, transition, input, ctx)] };
}
