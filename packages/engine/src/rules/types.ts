import type { Evidence, Level } from "@churnwatch/contracts";
import type { RuleThresholds } from "../config.ts";
import type { DefectionModel } from "../risk/model.ts";
import type { AccountState } from "../state.ts";
import type { View } from "../view.ts";

export interface RuleContext {
  state: AccountState;
  view: View;
  asOfMs: number;
  thresholds: RuleThresholds;
  /** The defection model the purchase chance comes from (EngineConfig.model). */
  model: DefectionModel;
  maxEventIds: number;
  /**
   * Set when only a firing outcome can matter (no alert, pending or open, exists for the rule): then the
   * rule may return NONE as soon as it knows that it is not both eligible and past its fire threshold,
   * and skip the evidence. Any outcome it does return in full is the same as without the flag.
   */
  onlyIfFiring?: boolean;
}

/**
 * What a rule says about the account at one instant. `none`: nothing to measure (a firing alert
 * resolves). `measured`: `fires` is past the fire threshold, `recovered` past the looser resolve
 * threshold; in between an alert that already fires keeps firing (hysteresis). `eligible` is false
 * while the account's own history is too short to judge: it blocks a new alert, not a resolution.
 */
export type RuleOutcome =
  | { kind: "none" }
  | {
      kind: "measured";
      eligible: boolean;
      fires: boolean;
      recovered: boolean;
      level: Level;
      score: number;
      evidence: Evidence[];
      eventIds: string[];
    };

export type Rule = (ctx: RuleContext) => RuleOutcome;

/**
 * For a rule that does not fire at `ctx.asOfMs` (its outcome there is not eligible and past the fire
 * threshold): an instant until which it cannot fire with time alone, its inputs unchanged. Every instant in
 * [asOfMs, result) is safe; returning asOfMs claims nothing. A rule whose outcome moves with the clock in a
 * way the bound does not follow must return asOfMs: being early costs an evaluation, being late an alert.
 */
export type QuietBound = (ctx: RuleContext) => number;

/**
 * Taken off a bound computed in floating point (days and ratios of days), so that rounding can never put it
 * after the instant the rule really compares against: far more than any rounding, far less than a tick.
 */
export const BOUND_SLACK_MS = 60_000;

export const NONE: RuleOutcome = { kind: "none" };
