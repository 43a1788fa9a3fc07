/**
 * How defectors drift. Each pattern maps progress p (0 at drift start, 1 at churnedAt) to
 * multipliers on the account's normal behaviour. Windows are relative to `end` so that most
 * defections are still observable (or still in progress) when history stops.
 */

export const defectionPatterns = [
  "slow-decline",
  "abrupt-stop",
  "payment-slip",
  "complaint-storm",
  "narrowing-categories",
] as const;
export type DefectionPattern = (typeof defectionPatterns)[number];

/** Multipliers and shifts applied to an account's baseline at one instant. */
export interface Effects {
  /** order rate (1 = usual rhythm) */
  freq: number;
  /** order size */
  size: number;
  /** days added to the account's usual payment lateness */
  lateDays: number;
  /** chance an invoice is never paid */
  unpaid: number;
  /** chance added to paying in two parts */
  partial: number;
  /** complaint rate (multiplier) */
  complaintRate: number;
  /** extra complaints per month on top of the account's own rate: a storm hits quiet accounts too */
  complaintBurst: number;
  /** 0..1: pushes severity up, satisfaction down, resolution out */
  escalation: number;
  /** share of the account's categories still bought */
  categoryShare: number;
}

export const neutralEffects: Readonly<Effects> = {
  freq: 1,
  size: 1,
  lateDays: 0,
  unpaid: 0,
  partial: 0,
  complaintRate: 1,
  complaintBurst: 0,
  escalation: 0,
  categoryShare: 1,
};

export interface PatternSpec {
  /** length of the drift before churnedAt, days */
  driftDays: readonly [number, number];
  /** churnedAt relative to `end`, days (positive: still in progress when history stops) */
  churnOffsetDays: readonly [number, number];
  /**
   * Orders stop this many days before churnedAt, and the drift ends there. Without it the last order
   * comes at churnedAt. A buyer that stops abruptly is only written off as lost after some quiet months.
   */
  quietDays?: readonly [number, number];
  effects(p: number): Partial<Effects>;
}

/** 0 until `from`, then a linear ramp to 1: a second phase of the drift. */
const after = (p: number, from: number): number => Math.max(0, (p - from) / (1 - from));

export const patternSpecs: Record<DefectionPattern, PatternSpec> = {
  // Orders come less often and get smaller; a few categories fall away.
  "slow-decline": {
    driftDays: [90, 180],
    churnOffsetDays: [-60, 45],
    effects: (p) => ({
      freq: 1 - 0.65 * p,
      size: 1 - 0.55 * p,
      categoryShare: 1 - 0.3 * p,
      complaintRate: 1 + 0.5 * p,
      escalation: 0.2 * p,
    }),
  },
  // Business as usual, a little smaller, then no more orders: silence is the signal. Open invoices are
  // still paid, and the account counts as lost when two to three months have passed without an order.
  "abrupt-stop": {
    driftDays: [45, 90],
    churnOffsetDays: [-80, -20],
    quietDays: [60, 90],
    effects: (p) => ({ freq: 1 - 0.1 * p, size: 1 - 0.15 * p, lateDays: 3 * p }),
  },
  // Cash goes first (later, partial, unpaid invoices); orders shrink in the second half.
  "payment-slip": {
    driftDays: [90, 180],
    churnOffsetDays: [-45, 30],
    effects: (p) => ({
      lateDays: 60 * p ** 0.8,
      unpaid: 0.6 * after(p, 0.2),
      partial: 0.3 * p,
      complaintRate: 1 + p,
      freq: 1 - 0.75 * after(p, 0.3),
      size: 1 - 0.5 * after(p, 0.3),
    }),
  },
  // A burst of severe, repeated complaints with falling satisfaction, then orders fade.
  "complaint-storm": {
    driftDays: [60, 120],
    churnOffsetDays: [-45, 20],
    effects: (p) => ({
      complaintRate: 1 + 3 * p,
      complaintBurst: 4 * Math.min(1, p / 0.3),
      escalation: Math.min(1, 0.4 + p),
      freq: 1 - 0.75 * after(p, 0.35),
      size: 1 - 0.5 * after(p, 0.35),
    }),
  },
  // The account keeps buying, but fewer product lines, until one is left.
  "narrowing-categories": {
    driftDays: [120, 180],
    churnOffsetDays: [-45, 45],
    effects: (p) => ({ categoryShare: 1 - 0.85 * p, freq: 1 - 0.3 * p }),
  },
};

/** Healthy accounts get scares that a reasonable detector must not take for defection. */
export const scareKinds = ["seasonal-dip", "late-invoice", "high-complaint"] as const;
export type ScareKind = (typeof scareKinds)[number];
export interface Scare {
  kind: ScareKind;
  atMs: number;
}
