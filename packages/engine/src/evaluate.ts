import { levelRank, ruleIds, type Evidence, type RuleId } from "@churnwatch/contracts";
import { thresholdsFor, type EngineConfig } from "./config.ts";
import { isQuiet, noteQuiet } from "./quiet.ts";
import { rules, type RuleContext, type RuleOutcome } from "./rules/index.ts";
import { withProps, without } from "./records.ts";
import type { AccountState, AlertChange, AlertRecord } from "./state.ts";
import { toIso } from "./time.ts";
import { buildView } from "./view.ts";

/** Re-evaluates every rule at `asOfMs` and moves each alert through fire / update / resolve. */
export function evaluate(
  state: AccountState,
  asOfMs: number,
  config: EngineConfig,
  /** asOfMs as an ISO instant, when the caller has it already. */
  at: string = toIso(asOfMs),
): { alerts: AccountState["alerts"]; changes: AlertChange[] } {
  const ctx: RuleContext = {
    state,
    view: buildView(state),
    asOfMs,
    thresholds: thresholdsFor(config, state.profile?.tier, state.accountId),
    model: config.model,
    maxEventIds: config.maxEventIds,
    onlyIfFiring: false,
  };
  const alerts: AccountState["alerts"] = {};
  const changes: AlertChange[] = [];
  let changed = false;
  for (const rule of ruleIds) {
    const current = state.alerts[rule];
    // Without an alert (pending or open) only a firing outcome can start one: the rule may stop early, or
    // not run at all while its inputs are those it was last quiet on (see quiet.ts).
    if (current === undefined && isQuiet(rule, ctx)) continue;
    ctx.onlyIfFiring = current === undefined;
    const { record, change } = transition(state.accountId, rule, current, rules[rule](ctx), at, config.lifecycle);
    if (record) alerts[rule] = record;
    if (change) changes.push(change);
    if (record !== current) changed = true;
    else if (current === undefined) noteQuiet(rule, ctx);
  }
  return { alerts: changed ? alerts : state.alerts, changes };
}

/**
 * One alert's lifecycle. Fires only when eligible and past the fire threshold; once firing it is
 * updated in place (one alert per episode) until the signal recovers past the resolve threshold.
 */
export function transition(
  accountId: string,
  rule: RuleId,
  current: AlertRecord | undefined,
  outcome: RuleOutcome,
  at: string,
  lifecycle: EngineConfig["lifecycle"] = { pendingDays: 0, keepFiringDays: 0 },
): { record: AlertRecord | undefined; change: AlertChange | undefined } {
  const pastThreshold = outcome.kind === "measured" && outcome.eligible && outcome.fires;
  if (!current || current.pendingSince !== undefined) {
    // A pending alert holds inside the hysteresis band and lapses (leaving no trace) only once recovered.
    const holds = outcome.kind === "measured" && (pastThreshold || (current !== undefined && !outcome.recovered));
    if (outcome.kind === "none" || !holds) return NOTHING;
    const pendingSince = current?.pendingSince ?? at;
    const { level, score, evidence, eventIds } = outcome;
    // Records are written out key by key (not spread) so they share hidden classes: see withProps.
    if (daysSince(at, pendingSince) < lifecycle.pendingDays) {
      // Not yet an alert: nothing is announced and no change is reported until the period runs out.
      const pending: AlertRecord = { alertId: "", rule, firedAt: pendingSince, level, score, evidence, eventIds, lastEvaluatedAt: at, pendingSince };
      return { record: pending, change: undefined };
    }
    const record: AlertRecord = { alertId: `${accountId}:${rule}:${Date.parse(at)}`, rule, firedAt: at, level, score, evidence, eventIds, lastEvaluatedAt: at };
    return { record, change: { type: "fired", alert: record, at } };
  }
  const recovered = outcome.kind === "none" || outcome.recovered;
  if (recovered && lifecycle.keepFiringDays > 0 && daysSince(at, current.recoveringSince ?? at) < lifecycle.keepFiringDays) {
    // Keep firing through a short recovery, so a signal hovering at the band does not resolve and re-fire.
    return { record: withProps(current, { recoveringSince: current.recoveringSince ?? at, lastEvaluatedAt: at }), change: undefined };
  }
  if (recovered) {
    const final: AlertRecord =
      outcome.kind === "none"
        ? withProps(current, { lastEvaluatedAt: at })
        : withProps(current, { score: outcome.score, evidence: outcome.evidence, eventIds: outcome.eventIds, lastEvaluatedAt: at });
    return { record: undefined, change: { type: "resolved", alert: final, at } };
  }
  const record: AlertRecord = Object.assign(without(current, NOT_RECOVERING), {
    level: outcome.level,
    score: outcome.score,
    evidence: outcome.evidence,
    eventIds: outcome.eventIds,
    lastEvaluatedAt: at,
  });
  if (levelRank[record.level] > levelRank[current.level]) return { record, change: { type: "escalated", alert: record, at } };
  const same =
    record.level === current.level &&
    record.score === current.score &&
    sameList(record.evidence, current.evidence, sameEvidence) &&
    sameList(record.eventIds, current.eventIds, (a, b) => a === b);
  return { record, change: same ? undefined : { type: "updated", alert: record, at } };
}

const NOTHING: { record: undefined; change: undefined } = Object.freeze({ record: undefined, change: undefined });

const NOT_RECOVERING = ["recoveringSince"] as const;

function daysSince(at: string, iso: string): number {
  return (Date.parse(at) - Date.parse(iso)) / 86_400_000;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i] as T));
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  return (
    a.signal === b.signal &&
    a.unit === b.unit &&
    a.value === b.value &&
    a.baseline === b.baseline &&
    a.threshold === b.threshold &&
    a.windowDays === b.windowDays &&
    a.changePct === b.changePct
  );
}
