import { ruleIds } from "@churnwatch/contracts";
import { thresholdsFor, type EngineConfig } from "./config.ts";
import { nextPruneMs } from "./prune.ts";
import { quietUntil } from "./quiet.ts";
import type { RuleContext } from "./rules/index.ts";
import type { AccountState } from "./state.ts";
import { parseInstant } from "./time.ts";
import { buildView } from "./view.ts";

/**
 * The earliest instant after the state's clock at which a tick could change anything: a tick at any instant
 * strictly between the two reports no change, leaves the alerts as they are and prunes nothing, so it can
 * be left out (later inputs are judged the same). A caller on a tick grid ticks at the first grid instant at
 * or after it. A lower bound, never late: where a rule's time terms are not followed, it is the next
 * instant (tick as often as before); while any alert exists (pending, firing or recovering) too, since
 * its score, evidence and lifecycle move with the clock. Infinity when time alone can change nothing.
 * Pure: a function of the state and the config, like `step`.
 */
export function nextWakeMs(state: AccountState, config: EngineConfig): number {
  if (state.clock === undefined) return Number.POSITIVE_INFINITY;
  const clockMs = parseInstant(state.clock);
  const soonest = clockMs + 1;
  for (const rule of ruleIds) if (state.alerts[rule] !== undefined) return soonest;
  let wake = nextPruneMs(state, config.retentionDays);
  const ctx: RuleContext = {
    state,
    view: buildView(state),
    asOfMs: clockMs,
    thresholds: thresholdsFor(config, state.profile?.tier, state.accountId),
    model: config.model,
    maxEventIds: config.maxEventIds,
    onlyIfFiring: true,
  };
  for (const rule of ruleIds) {
    wake = Math.min(wake, quietUntil(rule, ctx));
    if (wake <= soonest) return soonest;
  }
  return wake;
}
