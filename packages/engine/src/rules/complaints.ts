import type { Evidence, Level } from "@churnwatch/contracts";
import type { MultipleWithFloor } from "../config.ts";
import { scoreFor } from "../score.ts";
import { changePct, num, optionalPct } from "../stats.ts";
import { DAY_MS, parseInstant } from "../time.ts";
import { latestIds } from "../view.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

const at = (m: MultipleWithFloor, baseline: number) => Math.max(m.multiple * baseline, m.floor);

/**
 * complaints.spike: severity-weighted complaints opened in the last `windowDays` against the
 * account's own rate over the `baselineDays` before (scaled to the window; a younger account uses
 * what it has). An unresolved critical complaint older than `criticalUnresolvedDays` makes a firing
 * alert critical and keeps it from resolving: ageing unresolved complaints are a defection sign.
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
  const fires = (recent >= fireT && recentCount >= t.minComplaints) || ageing;
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
  return {
    kind: "measured",
    eligible,
    fires,
    recovered: recent < bands.resolve && !ageing,
    level,
    score: scoreFor(recent, bands, level),
    evidence,
    eventIds: latestIds(moved, maxEventIds),
  };
}
