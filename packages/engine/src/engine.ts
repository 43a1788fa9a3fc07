import type { ChurnEvent } from "@churnwatch/contracts";
import { applyEvent } from "./apply.ts";
import type { EngineConfig } from "./config.ts";
import { evaluate } from "./evaluate.ts";
import { prune } from "./prune.ts";
import type { AccountState, AlertChange } from "./state.ts";
import { parseInstant, parseNewInstant, toIso } from "./time.ts";

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
  const inputMs = input.kind === "event" ? parseNewInstant(input.event.occurredAt) : parseInstant(input.at);
  const asOfMs = state.clock === undefined ? inputMs : Math.max(parseInstant(state.clock), inputMs);
  const clock = toIso(asOfMs);
  const applied = input.kind === "event" ? applyEvent(state, input.event) : state;
  const next = prune(applied, asOfMs, config.retentionDays);
  // The rules do not read the clock, so the state is copied once, with the new clock and alerts together.
  const { alerts, changes } = evaluate(next, asOfMs, config, clock);
  if (next.clock === clock && alerts === next.alerts) return { state: next, changes };
  return { state: { ...next, clock, alerts }, changes };
}

/**
 * Applies one event without evaluating the rules: for loading history. Topics are consumed in parallel, so
 * a backfill sees an account's orders, payments and complaints out of step with each other; evaluating in
 * between would judge half-loaded windows (and hysteresis would then hold on to what it saw). The first
 * `step` after loading evaluates the complete history.
 */
export function record(state: AccountState, event: ChurnEvent, config: EngineConfig): AccountState {
  const inputMs = parseNewInstant(event.occurredAt);
  const asOfMs = state.clock === undefined ? inputMs : Math.max(parseInstant(state.clock), inputMs);
  let next = applyEvent(state, event);
  const clock = toIso(asOfMs);
  if (next.clock !== clock) next = { ...next, clock };
  return prune(next, asOfMs, config.retentionDays);
}
