import type { ConsoleAnswer } from "@churnwatch/contracts";
import type { ActionInput } from "@churnwatch/policy";
import { sameAddress, type ActionGuard, type InboxEntry } from "./inbox.ts";

/** An answer given in the console that the lifecycle applies (notes change no alert). */
export type AlertAnswer = Exclude<ConsoleAnswer, { type: "note" }>;

export const isAlertAnswer = (a: ConsoleAnswer): a is AlertAnswer => a.type !== "note";

/** The answer as the policy's action: the console's actor is the signed-in person's address. */
export function answerAction(a: AlertAnswer): ActionInput {
  switch (a.type) {
    case "acknowledge":
      return { type: "acknowledge", actor: a.actor };
    case "snooze":
      return { type: "snooze", actor: a.actor, until: a.until };
    case "dismiss":
      return { type: "dismiss", actor: a.actor, reason: a.reason };
  }
}

/**
 * Why an answer from the console must not change the alert, checked inside the inbox commit (the alert may
 * have moved on since the person saw it):
 * - `alert-changed`: it answers an earlier episode of the rule; a "not a risk" for an episode nobody saw
 *   would write a false label;
 * - `not-answerer`: the person no longer owns or manages the account, as the latest notification says;
 * - `already-applied`: the answer's effect is already there. Answers are read at least once, so a redelivered
 *   one must leave the record and its audit trail exactly as they are, not add an "ignored" line.
 */
export function answerRefusal(a: AlertAnswer): ActionGuard {
  return (entry: InboxEntry) => {
    if (entry.snapshot.alertId !== a.alertId) return "alert-changed";
    const { owner, manager } = entry.snapshot.account;
    if (![owner, manager].some((p) => p !== undefined && sameAddress(p.email, a.actor))) return "not-answerer";
    const r = entry.record;
    if (a.type === "acknowledge" && r.acknowledgedAt !== undefined) return "already-applied";
    if (a.type === "snooze" && r.snoozedUntil !== undefined && Date.parse(r.snoozedUntil) === Date.parse(a.until)) return "already-applied";
    if (a.type === "dismiss" && r.dismissedAt !== undefined) return "already-applied";
    return undefined;
  };
}
