// The world of the alert-latency benchmark: simulated background accounts and "trigger" accounts whose
// next live complaint makes complaints.spike fire at once.
import type { ChurnEvent, EventOf } from "@churnwatch/contracts";
import { defaultConfig, emptyState, step } from "@churnwatch/engine";
import { simulate } from "@churnwatch/simulator";
import { accountUpserted, orderPlaced } from "../support/events.ts";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

export function complaintOpened(accountId: string, at: number, severity: "high" | "critical", eventId: string): EventOf<"complaint.opened"> {
  return {
    eventId,
    type: "complaint.opened",
    accountId,
    occurredAt: iso(at),
    schemaVersion: 1,
    data: { complaintId: `c-${eventId}`, severity, category: "delivery", text: "Shipment arrived damaged again." },
  };
}

const spike = defaultConfig.rules["complaints.spike"];

/**
 * A year of steady weekly orders ending a week ago and, in the last week, one high complaint fewer than
 * complaints.spike needs to count as a spike (one complaint is an incident). Nothing fires on this history,
 * not even in the catch-up sweep; the live critical complaint completes the count and fires the alert. The
 * count comes from the engine's configuration, so a retuned rule does not silently stop the benchmark's
 * alerts: `checkTriggerScenario` says so before anything runs.
 */
export function triggerHistory(accountId: string, nowMs: number): ChurnEvent[] {
  const events: ChurnEvent[] = [accountUpserted(accountId, nowMs - 380 * DAY, { tier: "partner" })];
  for (let day = 364; day >= 7; day -= 7) events.push(orderPlaced(accountId, nowMs - day * DAY, 10_000));
  for (let i = 0; i < spike.minComplaints - 1; i++) events.push(complaintOpened(accountId, nowMs - (6 - i / 2) * DAY, "high", `${accountId}-c${i}`));
  return events;
}

export function triggerEvent(accountId: string, nowMs: number): ChurnEvent {
  return complaintOpened(accountId, nowMs, "critical", `${accountId}-live`);
}

/**
 * Runs one trigger account through the pure engine (milliseconds, no brokers): its history must raise no
 * alert and the live complaint must fire complaints.spike. Otherwise every latency sample would be missing
 * after minutes of streaming, with nothing to say why.
 */
export function checkTriggerScenario(nowMs: number): void {
  const accountId = "trigger-check";
  let state = emptyState(accountId);
  const changesOf = (event: ChurnEvent) => {
    const r = step(state, { kind: "event", event }, defaultConfig);
    state = r.state;
    return r.changes.filter((c) => c.type === "fired");
  };
  const early = triggerHistory(accountId, nowMs).flatMap(changesOf);
  if (early.length > 0) throw new Error(`the trigger history already fires ${early.map((c) => c.alert.rule).join(", ")}; adapt test/bench/alertScenario.ts to the engine's rules`);
  const live = changesOf(triggerEvent(accountId, nowMs));
  if (!live.some((c) => c.alert.rule === "complaints.spike")) throw new Error("the live trigger complaint no longer fires complaints.spike; adapt test/bench/alertScenario.ts to the engine's rules");
}

/** Background accounts: their simulated history up to `endMs`, and a lazy supply of what they do next. */
export function background(opts: { seed: number; accounts: number; months: number; endMs: number }) {
  const base = { seed: opts.seed, accounts: opts.accounts, months: opts.months, end: new Date(opts.endMs).toISOString(), idPrefix: "bg" };
  return {
    history: () => simulate(base).events(),
    /** Events after `end` (up to 5 years on), in order; the live phase re-stamps them to the wall clock. */
    future: () => simulate({ ...base, until: new Date(opts.endMs + 5 * 365 * DAY).toISOString(), after: base.end }).events(),
  };
}

/** The same event as if it happened now: the live stream replays the accounts' future in compressed time. */
export function restamp(event: ChurnEvent, nowMs: number): ChurnEvent {
  return { ...event, occurredAt: iso(nowMs) };
}
