// The world of the alert-latency benchmark: simulated background accounts and "trigger" accounts whose
// next live complaint makes complaints.spike fire at once.
import type { ChurnEvent, EventOf } from "@churnwatch/contracts";
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

/**
 * A year of steady weekly orders ending a week ago and one high complaint 5 days ago (4 points: below the
 * 10-point floor, and one complaint is an incident). Nothing fires on this history, not even in the
 * catch-up sweep; the live critical complaint (8 more points, a second complaint) fires complaints.spike.
 */
export function triggerHistory(accountId: string, nowMs: number): ChurnEvent[] {
  const events: ChurnEvent[] = [accountUpserted(accountId, nowMs - 380 * DAY, { tier: "partner" })];
  for (let day = 364; day >= 7; day -= 7) events.push(orderPlaced(accountId, nowMs - day * DAY, 10_000));
  events.push(complaintOpened(accountId, nowMs - 5 * DAY, "high", `${accountId}-c0`));
  return events;
}

export function triggerEvent(accountId: string, nowMs: number): ChurnEvent {
  return complaintOpened(accountId, nowMs, "critical", `${accountId}-live`);
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
