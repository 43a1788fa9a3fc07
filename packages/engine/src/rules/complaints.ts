import type { Evidence, Level } from "@churnwatch/contracts";
import type { MultipleWithFloor } from "../config.ts";
import { scoreFor } from "../score.ts";
import { changePct, num, optionalPct } from "../stats.ts";
import { DAY_MS, parseInstant } from "../time.ts";
import { latestIds } from "../view.ts";
import { complaintSigns, satisfactionThreshold } from "./complaintSigns.ts";
import { BOUND_SLACK_MS, NONE, type RuleContext, type RuleOutcome } from "./types.ts";

const at = (m: MultipleWithFloor, baseline: number) => Math.max(m.multiple * baseline, m.floor);

/**
 * complaints.spike: severity-weighted complaints opened in the last `windowDays` against the
 * account's own rate over the `baselineDays` before (scaled to the window; a younger account uses
 * what it has). Below the high band a spike must also show a sign of a real problem: repeats, complaints
 * left open or falling satisfaction (complaintSigns.ts); a spike past the high band is a sign in itself. An
 * unresolved critical complaint older than `criticalUnresolvedDays` makes a firing alert critical and keeps
 * it from resolving: ageing unresolved complaints are a defection sign.
 */
export function complaintsSpike({ state, view, asOfMs, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["complaints.spike"];
  if (state.firstEventAt === undefined) return NONE;
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  const baseStart = Math.max(windowStart - t.baselineDays * DAY_MS, parseInstant(state.firstEventAt));
  const spanDays = (windowStart - baseStart) / DAY_MS;
  const criticalAgeMs = t.criticalUnresolvedDays * DAY_MS;

  let recent = 0;
  let recentCount = 0;
  let base = 0;
  let oldestCriticalMs: number | undefined;
  const moved: Array<{ atMs: number; id: string | undefined }> = [];
  for (const c of view.complaints) {
    if (c.severity === "critical" && c.resolvedAtMs === undefined && asOfMs - c.atMs > criticalAgeMs) {
      oldestCriticalMs = Math.min(oldestCriticalMs ?? c.atMs, c.atMs);
      moved.push({ atMs: c.atMs, id: c.eventId });
    }
    if (c.atMs > windowStart) {
      recent += t.weights[c.severity];
      recentCount++;
      moved.push({ atMs: c.atMs, id: c.eventId });
    } else if (c.atMs > baseStart) {
      base += t.weights[c.severity];
    }
  }
  const baseline = spanDays > 0 ? (base * t.windowDays) / spanDays : 0;
  const fireT = at(t.medium, baseline);
  const highT = at(t.high, baseline);
  const ageing = oldestCriticalMs !== undefined;
  const eligible = spanDays >= t.minBaselineDays;
  const spike = recent >= fireT && recentCount >= t.minComplaints;
  if (onlyIfFiring && !(eligible && (spike || ageing))) return NONE;
  // Measured only past the cheap tests: most evaluations of a quiet account stop above.
  const signs = complaintSigns(view.complaints, asOfMs, t);
  // Healthy accounts' bad months stay in the medium band; missing a severe storm costs more than an alarm.
  const fires = (spike && (signs.corroborated || recent >= highT)) || ageing;
  if (onlyIfFiring && !(eligible && fires)) return NONE;
  const level: Level = ageing ? "critical" : recent >= highT ? "high" : "medium";
  const bands = { resolve: at(t.resolve, baseline), medium: fireT, high: highT, critical: at(t.scoreCeiling, baseline) };

  const evidence: Evidence[] = [
    {
      signal: "complaints.weighted",
      unit: "points",
      value: num(recent),
      baseline: num(baseline),
      threshold: num(fireT),
      windowDays: t.windowDays,
      ...optionalPct(changePct(recent, baseline)),
    },
    { signal: "complaints.count", unit: "count", value: String(recentCount), windowDays: t.windowDays },
  ];
  if (oldestCriticalMs !== undefined) {
    evidence.push({
      signal: "complaints.criticalUnresolvedDays",
      unit: "days",
      value: num((asOfMs - oldestCriticalMs) / DAY_MS),
      threshold: num(t.criticalUnresolvedDays),
    });
  }
  // Said only when something was raised twice: "1 complaint about the same thing" tells the manager nothing.
  if (signs.repeats >= 2) {
    evidence.push({ signal: "complaints.repeats", unit: "count", value: String(signs.repeats), threshold: String(t.minRepeats), windowDays: t.windowDays });
  }
  if (signs.unresolved > 0) {
    evidence.push(
      { signal: "complaints.unresolved", unit: "count", value: String(signs.unresolved), threshold: String(t.minUnresolved) },
      { signal: "complaints.oldestUnresolvedDays", unit: "days", value: num(signs.oldestUnresolvedDays ?? 0) },
    );
  }
  if (signs.satisfaction !== undefined) {
    const { satisfaction: value, satisfactionBaseline: base } = signs;
    evidence.push({
      signal: "complaints.satisfaction",
      unit: "points",
      value: num(value),
      ...(base === undefined ? {} : { baseline: num(base), threshold: num(satisfactionThreshold(base, t)), ...optionalPct(changePct(value, base)) }),
      windowDays: t.satisfactionDays,
    });
  }
  return {
    kind: "measured",
    eligible,
    fires,
    recovered: recent < bands.resolve && !ageing,
    level,
    score: scoreFor(recent, bands, level),
    evidence,
    eventIds: latestIds(signs.moved.length > 0 ? [...moved, ...signs.moved] : moved, maxEventIds),
  };
}

/**
 * Complaints only leave the window with time, so with fewer than `minComplaints` in it only an unresolved
 * critical complaint coming of age, or the account becoming old enough to judge while one has, can make the
 * rule fire. With enough complaints in the window the baseline's drift is not followed: no claim.
 */
export function complaintsQuietUntil({ state, view, asOfMs, thresholds }: RuleContext): number {
  const t = thresholds["complaints.spike"];
  if (state.firstEventAt === undefined) return Number.POSITIVE_INFINITY;
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  let recentCount = 0;
  for (const c of view.complaints) if (c.atMs > windowStart) recentCount++;
  if (recentCount >= t.minComplaints) return asOfMs;
  // Eligible once the baseline span reaches minBaselineDays (it only grows, up to baselineDays).
  const eligibleFrom =
    t.baselineDays >= t.minBaselineDays
      ? parseInstant(state.firstEventAt) + (t.windowDays + t.minBaselineDays) * DAY_MS - BOUND_SLACK_MS
      : Number.POSITIVE_INFINITY;
  const criticalAgeMs = t.criticalUnresolvedDays * DAY_MS;
  let until = Number.POSITIVE_INFINITY;
  for (const c of view.complaints) {
    if (c.severity !== "critical" || c.resolvedAtMs !== undefined) continue;
    const agedFrom = c.atMs + criticalAgeMs;
    until = Math.min(until, agedFrom > asOfMs ? agedFrom : eligibleFrom);
  }
  return until;
}
