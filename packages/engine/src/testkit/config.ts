import { defaultConfig, deepFreeze, type EngineConfig } from "../config.ts";
import type { DefectionModel } from "../risk/model.ts";

/**
 * A defection model that reads the silence alone, in multiples of the usual gap g: its chance is 30% at 3g, 50%
 * at 5g and 70% at 8g (log-odds linear in ln(1 + days / g), and ln 4, ln 6, ln 9 are evenly spaced), so the
 * pinned levels fall where the silence rule's multiples 3, 5 and 8 did before it read a model.
 */
const SLOPE = Math.log(0.7 / 0.3) / Math.log(1.5);
const PINNED_MODEL: DefectionModel = {
  kind: "churnwatch.defection-model",
  version: "pinned",
  fittedOn: "not fitted: set by hand for tests of the engine's mechanics",
  horizonDays: 180,
  bgnbd: { r: 1, alpha: 30, a: 0.5, b: 2 },
  spendScale: 1000,
  intercept: -SLOPE * Math.log(6),
  inputs: [{ name: "gapsSilent", mean: 0, sd: 1, weight: SLOPE }],
  levels: { medium: 30, high: 50, critical: 70 },
};

/**
 * Thresholds pinned for tests of the engine's mechanics (hysteresis, tiers, lifecycle, explanations) and for
 * the golden hashes, so that tuning `defaultConfig` against the backtest moves none of them. They are the
 * defaults of config version 2026-11-25.2, with the rules and options added since switched off.
 */
const PINNED = {
  version: "golden",
  retentionDays: 400,
  maxEventIds: 20,
  rules: {
    "purchases.decline": {
      windowDays: 90,
      baselineDays: 360,
      minBaselineDays: 90,
      minBaselineOrders: 4,
      bulkCap: 1000,
      sustainDays: 0,
      minDeviations: 2,
      // Added after the hashes were recorded: off (no count-noise floor, no latest orders judged alone, no
      // size shift is that large, any change against last year passes).
      countNoise: 0,
      recentOrders: 0,
      recentMinDecline: -1000,
      sizeDeviations: Number.MAX_VALUE,
      seasonalDecline: -Infinity,
      medium: 40,
      high: 60,
      critical: 85,
      resolve: 30,
    },
    "purchases.silence": { minOrders: 4, minDays: 14, medium: 3, high: 5, critical: 8, resolve: 2 },
    // Added after the hashes were first recorded; never eligible, so it never fires.
    "purchases.narrowing": { recentOrders: 6, minRecentOrders: 6, sizeDeviations: 0, baselineDays: 365, minBaselineOrders: Number.MAX_SAFE_INTEGER, regularShare: 0.15, maxChance: 1e-300, minAverageDecline: 100, medium: 100, high: 100, critical: 100, resolve: 99 },
    "payments.overdue": { minPaidInvoices: 3, minOverdueInvoices: 1, medium: 30, high: 60, critical: 90, resolve: 15 },
    "payments.slipping": { windowDays: 120, minBaselineInvoices: 3, minRecentInvoices: 2, medium: 15, high: 30, critical: 60, resolve: 7 },
    "complaints.spike": {
      windowDays: 30,
      baselineDays: 180,
      minBaselineDays: 90,
      weights: { low: 1, medium: 2, high: 4, critical: 8 },
      minComplaints: 2,
      medium: { multiple: 3, floor: 10 },
      high: { multiple: 5, floor: 16 },
      scoreCeiling: { multiple: 8, floor: 32 },
      resolve: { multiple: 2, floor: 5 },
      criticalUnresolvedDays: 14,
      // Added after the hashes were recorded: every spike counts as shown.
      minRepeats: 0,
      minUnresolved: 10_000,
      unresolvedAfterDays: 14,
      satisfactionDays: 90,
      satisfactionDrop: 5, // above any fall on a 1–5 scale
    },
    // Added after the hashes were recorded, as in the defaults: the simulator logs no contacts, so it never fires.
    "contact.silence": { minInteractions: 3, routineDays: 90, medium: 3, high: 5, critical: 8, resolve: 2, unansweredMedium: 3, unansweredHigh: 5, unansweredCritical: 8 },
  },
  tiers: {
    strategic: {
      "purchases.decline": { medium: 30, high: 50, critical: 75, resolve: 18 },
      "purchases.silence": { minDays: 10, medium: 2.5, high: 4, critical: 6, resolve: 1.5 },
      "payments.overdue": { medium: 20, high: 45, critical: 75, resolve: 10 },
      "payments.slipping": { medium: 10, high: 21, critical: 45, resolve: 5 },
      "complaints.spike": { medium: { multiple: 2.5, floor: 9 }, high: { multiple: 4, floor: 14 } },
      "contact.silence": { routineDays: 30 },
    },
    partner: { "contact.silence": { routineDays: 60 } },
  },
  model: PINNED_MODEL,
} satisfies Pick<EngineConfig, "version" | "retentionDays" | "maxEventIds" | "rules" | "tiers" | "model">;


export const pinnedConfig: EngineConfig = deepFreeze({ ...structuredClone(defaultConfig), ...structuredClone(PINNED) });
