import type { ChurnEvent } from "@churnwatch/contracts";
import { applyEvent } from "./apply.ts";
import type { EngineConfig } from "./config.ts";
import { evaluate } from "./evaluate.ts";
import { prune } from "./prune.ts";
import type { AccountState, AlertChange } from "./state.ts";
import { parseInstant, toIso } from "./time.ts";

export type EngineInput = { kind: "event"; event: ChurnEvent } | { kind: "tick"; at: string };

/**
 * Applies one event (or a clock tick) and re-evaluates every rule at asOf = max(clock, input time):
 * events may arrive a little late, and a late event must not move the clock backwards.
 * Pure: no I/O, no wall clock, the input state is not mutated.
 */
export function step(
  state: AccountState,
  input: EngineInput,
  config: EngineConfig,
): { state: AccountState; changes: AlertChange[] } {
  const inputMs = parseInstant(input.kind === "event" ? input.event.occurredAt : input.at);
  const asOfMs = state.clock === undefined ? inputMs : Math.max(parseInstant(state.clock), inputMs);
  let next = input.kind === "event" ? applyEvent(state, input.event) : state;
  const clock = toIso(asOfMs);
  if (next.clock !== clock) next = { ...next, clock };
  next = prune(next, asOfMs, config.retentionDays);
  const { alerts, changes } = evaluate(next, asOfMs, config);
  if (alerts !== next.alerts) next = { ...next, alerts };
  return { state: next, changes };
}
