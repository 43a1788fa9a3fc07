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

/**
 * Applies one event without evaluating the rules: for loading history. Topics are consumed in parallel, so
 * a backfill sees an account's orders, payments and complaints out of step with each other; evaluating in
 * between would judge half-loaded windows (and hysteresis would then hold on to what it saw). The first
 * `step` after loading evaluates the complete history.
 */
export function record(state: AccountState, event: ChurnEvent, config: EngineConfig): AccountState {
  const inputMs = parseInstant(event.occurredAt);
  const asOfMs = state.clock === undefined ? inputMs : Math.max(parseInstant(state.clock), inputMs);
  let next = applyEvent(state, event);
  const clock = toIso(asOfMs);
  if (next.clock !== clock) next = { ...next, clock };
  return prune(next, asOfMs, config.retentionDays);
}
