/** What an account's behaviour looks like at one instant: seasons, trend, scares and drift combined. */
import { neutralEffects, patternSpecs, type Effects } from "./patterns.ts";
import type { AccountPlan } from "./plan.ts";
import { springFestivalMs } from "./pools.ts";
import { DAY, utcMonth, utcYear, yearFraction } from "./time.ts";

const SEASONAL_DIP_DAYS = 30;

/** Seasonal demand multiplier (about 1 on average). */
export function seasonality(plan: AccountPlan, ms: number): number {
  let m = 1 + plan.seasonAmp * Math.sin(2 * Math.PI * yearFraction(ms) + plan.seasonPhase);
  const month = utcMonth(ms);
  if (month === 11 || month === 12) m *= 1 + plan.q4Boost;
  if (plan.springDip > 0) {
    // Factories close for the Spring Festival: a month-long dip around it.
    const festival = springFestivalMs(utcYear(ms + 20 * DAY));
    if (ms > festival - 10 * DAY && ms < festival + 18 * DAY) m *= 1 - plan.springDip;
  }
  return m;
}

function trend(plan: AccountPlan, ms: number): number {
  return (1 + plan.trendPerYear) ** ((ms - plan.upsertMs) / (365.25 * DAY));
}

/** 0 before the drift, ramping to 1 when orders stop (churnedAt for most patterns), and staying there. */
export function driftProgress(plan: AccountPlan, ms: number): number {
  const d = plan.defection;
  if (!d || ms < d.driftStartMs) return 0;
  return Math.min(1, (ms - d.driftStartMs) / (d.ordersStopMs - d.driftStartMs));
}

/** Whether a defector has placed its last order by `ms`. */
export function hasStoppedOrdering(plan: AccountPlan, ms: number): boolean {
  return plan.defection !== undefined && ms >= plan.defection.ordersStopMs;
}

export function effectsAt(plan: AccountPlan, ms: number): Effects {
  const demand = seasonality(plan, ms) * trend(plan, ms);
  const e: Effects = { ...neutralEffects, freq: Math.sqrt(demand), size: Math.sqrt(demand) };
  for (const scare of plan.scares) {
    if (scare.kind === "seasonal-dip" && ms >= scare.atMs && ms < scare.atMs + SEASONAL_DIP_DAYS * DAY) {
      // ~25% less value for one month: 0.87 × 0.87.
      e.freq *= 0.87;
      e.size *= 0.87;
    }
  }
  const d = plan.defection;
  if (d && ms >= d.driftStartMs) {
    const drift = patternSpecs[d.pattern].effects(driftProgress(plan, ms));
    e.freq *= Math.max(0.05, drift.freq ?? 1);
    e.size *= Math.max(0.05, drift.size ?? 1);
    e.lateDays += drift.lateDays ?? 0;
    e.unpaid = drift.unpaid ?? 0;
    e.partial = drift.partial ?? 0;
    e.complaintRate *= drift.complaintRate ?? 1;
    e.complaintBurst = drift.complaintBurst ?? 0;
    e.escalation = drift.escalation ?? 0;
    e.categoryShare = drift.categoryShare ?? 1;
  }
  return e;
}

/** Complaints per month at one instant. */
export function complaintsPerMonth(plan: AccountPlan, e: Effects): number {
  return plan.complaintsPerMonth * e.complaintRate + e.complaintBurst;
}

/** The highest complaint rate an account ever reaches, for thinning its complaint process. */
export function peakComplaintsPerMonth(plan: AccountPlan): number {
  const d = plan.defection;
  if (!d) return plan.complaintsPerMonth;
  const spec = patternSpecs[d.pattern];
  let peak = plan.complaintsPerMonth;
  for (let k = 0; k <= 20; k++) {
    const drift = spec.effects(k / 20);
    peak = Math.max(peak, plan.complaintsPerMonth * (drift.complaintRate ?? 1) + (drift.complaintBurst ?? 0));
  }
  return peak;
}
