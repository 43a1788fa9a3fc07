/**
 * Contacts the account manager logs (interaction.logged), when the simulation asks for them: visits, calls
 * and meetings on the tier's rhythm, the customer getting in touch now and then, and, for a defector that
 * stops talking (a complaint storm, an abrupt stop), outbound calls it leaves unanswered from halfway
 * through its drift. Off by default: existing seeds produce the same events byte for byte.
 */
import type { EventOf, Tier } from "@churnwatch/contracts";
import type { Rng } from "./prng.ts";
import type { AccountPlan } from "./plan.ts";
import { DAY } from "./time.ts";

/** Typical days between contacts per tier: well inside each tier's visiting routine (30, 60, 90 days). */
const contactGapDays: Record<Tier, readonly [number, number]> = {
  strategic: [7, 14],
  partner: [14, 28],
  ordinary: [21, 40],
};

/** The account manager gives up on a lost account this long after it left. */
const GIVE_UP_DAYS = 45;

export type ContactData = EventOf<"interaction.logged">["data"];

export interface ContactDraw {
  data: Omit<ContactData, "interactionId">;
  /** Days to the next contact. */
  nextGapDays: number;
}

export function contactGap(rng: Rng, plan: AccountPlan): number {
  const [lo, hi] = contactGapDays[plan.profile.tier];
  return rng.float(lo, hi);
}

/** Whether the account no longer answers at `ms`: a defector that goes quiet, from halfway through its drift. */
function unresponsive(plan: AccountPlan, ms: number): boolean {
  const d = plan.defection;
  if (!d || (d.pattern !== "complaint-storm" && d.pattern !== "abrupt-stop")) return false;
  return ms >= d.driftStartMs + 0.5 * (d.churnMs - d.driftStartMs);
}

/** The contact at `ms`, or undefined once the account manager has given up on a lost account. */
export function drawContact(rng: Rng, plan: AccountPlan, baseGapDays: number, ms: number): ContactDraw | undefined {
  const churn = plan.defection?.churnMs;
  if (churn !== undefined && ms > churn + GIVE_UP_DAYS * DAY) return undefined;
  const gap = baseGapDays * rng.float(0.75, 1.25);
  if (unresponsive(plan, ms)) {
    // The manager tries three times as often, and nobody responds.
    return { data: { kind: rng.chance(0.7) ? "call" : "email", direction: "outbound", answered: false }, nextGapDays: gap / 3 };
  }
  if (rng.chance(0.25)) return { data: { kind: rng.chance(0.6) ? "call" : "email", direction: "inbound" }, nextGapDays: gap };
  const kind = rng.pick(["visit", "visit", "call", "meeting"] as const);
  return { data: { kind, direction: "outbound", answered: true }, nextGapDays: gap };
}
