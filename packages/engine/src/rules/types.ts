import type { Evidence, Level } from "@churnwatch/contracts";
import type { RuleThresholds } from "../config.ts";
import type { AccountState } from "../state.ts";
import type { View } from "../view.ts";

export interface RuleContext {
  state: AccountState;
  view: View;
  asOfMs: number;
  thresholds: RuleThresholds;
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

export const NONE: RuleOutcome = { kind: "none" };
