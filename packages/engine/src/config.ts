import type { Severity, Tier } from "@churnwatch/contracts";
import { defaultModel } from "./risk/defaultModel.ts";
import type { DefectionModel } from "./risk/model.ts";

/** purchases.decline: thresholds are percent decline of 90-day order value against the own baseline. */
export interface DeclineThresholds {
  windowDays: number;
  /** The baseline window reaches back this far (days before asOf). */
  baselineDays: number;
  /** Shorter histories may serve as baseline, but not shorter than this many days. */
  minBaselineDays: number;
  minBaselineOrders: number;
  /** A new alert needs the decline past medium (and significant) this many days ago too. */
  sustainDays: number;
  /**
   * The latest orders judged on their own: their average, against the usual order, may be past medium
   * too (bulk-capped, and by `sizeDeviations` standard errors). 0 turns this off.
   */
  recentOrders: number;
  /**
   * The latest orders set the rule off only while the window's value is also this many percent below the
   * baseline: smaller orders placed more often (a customer splitting its orders) are not a decline.
   */
  recentMinDecline: number;
  /** In the baseline an order counts at most this many times the account's median order (bulk orders). */
  bulkCap: number;
  /**
   * The drop must also exceed this many standard deviations of the account's own 90-day order value
   * (rolling windows over the baseline), so lumpy or seasonal buyers do not fire on ordinary noise.
   */
  minDeviations: number;
  /**
   * The deviation is never taken below this share of what the order count's randomness alone gives
   * (compound Poisson: √(expected orders in the window × mean square of the capped order)); 0 turns it off.
   */
  countNoise: number;
  /**
   * ...or the recent orders themselves must be smaller than the baseline's by this many standard errors
   * (mean log order value, bulk orders left out): a customer buying elsewhere cuts the order, not only
   * the rhythm.
   */
  sizeDeviations: number;
  /**
   * Where the history covers the same window a year earlier, a new alert also needs the recent window this
   * many percent below it (bulk-capped like the baseline): the seasonal comparison.
   */
  seasonalDecline: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
}

/** purchases.silence: multiples of the usual (median) gap between buying occasions (days with an order). */
export interface SilenceThresholds {
  minOrders: number;
  /** Floor of the medium threshold in days; higher levels scale with it. */
  minDays: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
}

/** purchases.narrowing: percent of the account's regular product lines missing from its latest orders. */
export interface NarrowingThresholds {
  /** The latest orders judged: every run of the last `minRecentOrders` up to the last `recentOrders`. */
  recentOrders: number;
  minRecentOrders: number;
  /** The baseline: orders within this many days before the latest ones. */
  baselineDays: number;
  minBaselineOrders: number;
  /** A category is a regular line when it is on at least this share (0..1) of the baseline orders. */
  regularShare: number;
  /** Fires only when a steady account would miss that many lines with at most this probability. */
  maxChance: number;
  /** ...and only when the average order value of the latest orders is down at least this many percent, */
  minAverageDecline: number;
  /** ...and their mean log order value this many standard errors below the baseline's (bulk orders left out). */
  sizeDeviations: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
}

/** payments.overdue: days past due beyond the account's usual lateness. */
export interface OverdueThresholds {
  minPaidInvoices: number;
  /** Below the high threshold, an alert needs this many invoices overdue beyond the resolve band. */
  minOverdueInvoices: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
}

/** payments.slipping: days the recent mean lateness exceeds the earlier median. */
export interface SlippingThresholds {
  windowDays: number;
  minBaselineInvoices: number;
  minRecentInvoices: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
}

/** A threshold of max(multiple × baseline, floor), in weighted complaint points. */
export interface MultipleWithFloor {
  multiple: number;
  floor: number;
}

/** complaints.spike: severity-weighted complaints against the account's own complaint rate. */
export interface ComplaintThresholds {
  windowDays: number;
  baselineDays: number;
  minBaselineDays: number;
  weights: Record<Severity, number>;
  /** One complaint is an incident, not a spike: fewer than this never fires (ageing critical ones aside). */
  minComplaints: number;
  medium: MultipleWithFloor;
  high: MultipleWithFloor;
  /** Only shapes the score; the critical level comes from an ageing unresolved critical complaint. */
  scoreCeiling: MultipleWithFloor;
  resolve: MultipleWithFloor;
  criticalUnresolvedDays: number;
  /**
   * A spike below the high band must also show one sign of a real problem (rules/complaintSigns.ts): this many complaints about
   * one category in the window, this many complaints of the last window + baseline days still open after
   * `unresolvedAfterDays`, or the mean satisfaction of the last `satisfactionDays` below the middle of the
   * scale and fallen by `satisfactionDrop` points (of 5) below the baseline days before. `minRepeats` 0 takes
   * every spike as shown.
   */
  minRepeats: number;
  minUnresolved: number;
  unresolvedAfterDays: number;
  satisfactionDays: number;
  satisfactionDrop: number;
}

/**
 * contact.silence ("no contact, no response", 失去联系): days since the last contact that reached the customer,
 * in multiples of its usual gap between contacts, and outbound contacts in a row it left unanswered.
 */
export interface ContactThresholds {
  /** Interactions logged before the rule may fire: most accounts log none, and must never be judged on it. */
  minInteractions: number;
  /**
   * The tier's visiting routine (走访制度) in days: silence fires only past it, however often the account is
   * usually in touch (the medium threshold in days is max(medium × usual gap, routineDays)).
   */
  routineDays: number;
  medium: number;
  high: number;
  critical: number;
  resolve: number;
  /** Outbound contacts in a row without an answer, at and past which each level holds. */
  unansweredMedium: number;
  unansweredHigh: number;
  unansweredCritical: number;
}

export interface RuleThresholds {
  "purchases.decline": DeclineThresholds;
  "purchases.silence": SilenceThresholds;
  "purchases.narrowing": NarrowingThresholds;
  "payments.overdue": OverdueThresholds;
  "payments.slipping": SlippingThresholds;
  "complaints.spike": ComplaintThresholds;
  "contact.silence": ContactThresholds;
}

export type RuleOverrides = { [R in keyof RuleThresholds]?: Partial<RuleThresholds[R]> };

export interface EngineConfig {
  /** Stamped on notifications, so an email can be traced to the thresholds that produced it. */
  version: string;
  /** History older than this (relative to the evaluation instant) is pruned. */
  retentionDays: number;
  /** Cap on eventIds carried per alert. */
  maxEventIds: number;
  rules: RuleThresholds;
  /** Per-tier overrides, merged per rule over `rules`. */
  tiers: Partial<Record<Tier, RuleOverrides>>;
  /**
   * Anti-flapping, in days of event time: a signal must stay past its threshold for `pendingDays` before
   * the alert fires, and an alert stays open `keepFiringDays` after the signal recovers.
   */
  lifecycle?: { pendingDays: number; keepFiringDays: number };
  /** Per-account overrides, merged over the tier's; for the account a manager knows is unusual. */
  accounts?: Record<string, RuleOverrides>;
  /** The defection model: the one risk score and its levels (risk/model.ts). */
  model: DefectionModel;
}

export const defaultConfig: EngineConfig = deepFreeze({
  version: "2026-12-04.2",
  model: defaultModel,
  retentionDays: 460,
  maxEventIds: 20,
  rules: {
    "purchases.decline": {
      windowDays: 90,
      baselineDays: 360,
      minBaselineDays: 90,
      minBaselineOrders: 4,
      bulkCap: 2.5,
      sustainDays: 10,
      recentOrders: 3,
      // The window's value down at all: 10 gave the same backtest on seeds 1-5, 20 lost defectors.
      recentMinDecline: 0,
      minDeviations: 2,
      countNoise: 1,
      sizeDeviations: 3,
      seasonalDecline: 30,
      // Backtested (docs/backtest.md): at 40% a quarter of healthy accounts dipped past it in two years.
      medium: 50,
      high: 65,
      critical: 85,
      resolve: 30,
    },
    "purchases.silence": { minOrders: 4, minDays: 14, medium: 3, high: 5, critical: 8, resolve: 2 },
    "purchases.narrowing": {
      // Lines given up one after another: the last 3 orders show the latest, the last 10 the older ones.
      recentOrders: 10,
      minRecentOrders: 3,
      baselineDays: 365,
      minBaselineOrders: 8,
      regularShare: 0.15,
      // A chance gap alone is weak evidence; with smaller orders beside it (3 standard errors) it is not.
      maxChance: 0.05,
      minAverageDecline: 20,
      sizeDeviations: 3,
      medium: 40,
      high: 60,
      critical: 80,
      resolve: 20,
    },
    // One invoice a few weeks late is routine; a month past the account's own habit is a sign.
    "payments.overdue": { minPaidInvoices: 3, minOverdueInvoices: 2, medium: 30, high: 60, critical: 90, resolve: 15 },
    "payments.slipping": {
      windowDays: 120,
      minBaselineInvoices: 3,
      minRecentInvoices: 2,
      medium: 15,
      high: 30,
      critical: 60,
      resolve: 7,
    },
    "complaints.spike": {
      windowDays: 30,
      baselineDays: 180,
      minBaselineDays: 90,
      weights: { low: 1, medium: 2, high: 4, critical: 8 },
      // Two complaints in a month happen to healthy accounts; a spike is three or more, and more than one
      // critical complaint's worth (8 points): one incident is for the service team, not a defection sign.
      minComplaints: 3,
      medium: { multiple: 3, floor: 14 },
      high: { multiple: 5, floor: 20 },
      scoreCeiling: { multiple: 8, floor: 32 },
      resolve: { multiple: 2, floor: 5 },
      // A critical complaint takes ten days to resolve on a median, a month in the worst healthy cases.
      criticalUnresolvedDays: 45,
      // Healthy accounts' bad months were three complaints about different things, settled to their
      // satisfaction; storms repeat one problem, leave complaints open and rate the handling lower.
      minRepeats: 3,
      minUnresolved: 3,
      unresolvedAfterDays: 14,
      satisfactionDays: 90,
      satisfactionDrop: 1,
    },
    // The ordinary routine: a visit a quarter. Three gaps of silence, like purchases.silence; three calls
    // in a row unanswered is the customer avoiding the account manager, not a busy week.
    "contact.silence": {
      minInteractions: 3,
      routineDays: 90,
      medium: 3,
      high: 5,
      critical: 8,
      resolve: 2,
      unansweredMedium: 3,
      unansweredHigh: 5,
      unansweredCritical: 8,
    },
  },
  tiers: {
    // A strategic account is worth an earlier call on payments and complaints. Not on purchases: on UCI
    // Online Retail II lower purchase thresholds flagged the strategic accounts least likely to leave
    // (precision 0.073 against 0.367 for ordinary accounts, issue 14); its size is in the model's spend.
    strategic: {
      "payments.overdue": { medium: 20, high: 45, critical: 75, resolve: 10 },
      "payments.slipping": { medium: 10, high: 21, critical: 45, resolve: 5 },
      "complaints.spike": { medium: { multiple: 2.5, floor: 12 }, high: { multiple: 4, floor: 18 } },
      // Visited monthly: the relationship runs through joint teams up to the executives.
      "contact.silence": { routineDays: 30 },
    },
    partner: {
      "contact.silence": { routineDays: 60 },
    },
  },
});

// Frozen: thresholds are memoised per config object, so a config must never change in place.
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const merged = new WeakMap<EngineConfig, Map<string, RuleThresholds>>();

/**
 * Thresholds for an account: defaults, then its tier's overrides, then its own. Memoised per config object
 * (configs are treated as immutable).
 */
export function thresholdsFor(config: EngineConfig, tier: Tier | undefined, accountId?: string): RuleThresholds {
  const own = accountId === undefined ? undefined : config.accounts?.[accountId];
  const key = own ? `${tier ?? ""}|${accountId}` : (tier ?? "");
  let byTier = merged.get(config);
  if (!byTier) {
    byTier = new Map();
    merged.set(config, byTier);
  }
  const hit = byTier.get(key);
  if (hit) return hit;
  const r = config.rules;
  const t = (tier ? config.tiers[tier] : undefined) ?? {};
  const a = own ?? {};
  const result: RuleThresholds = {
    "purchases.decline": { ...r["purchases.decline"], ...t["purchases.decline"], ...a["purchases.decline"] },
    "purchases.silence": { ...r["purchases.silence"], ...t["purchases.silence"], ...a["purchases.silence"] },
    "purchases.narrowing": { ...r["purchases.narrowing"], ...t["purchases.narrowing"], ...a["purchases.narrowing"] },
    "payments.overdue": { ...r["payments.overdue"], ...t["payments.overdue"], ...a["payments.overdue"] },
    "payments.slipping": { ...r["payments.slipping"], ...t["payments.slipping"], ...a["payments.slipping"] },
    "complaints.spike": { ...r["complaints.spike"], ...t["complaints.spike"], ...a["complaints.spike"] },
    "contact.silence": { ...r["contact.silence"], ...t["contact.silence"], ...a["contact.silence"] },
  };
  byTier.set(key, result);
  return result;
}
