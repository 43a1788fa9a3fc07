import { levelRank, type Evidence, type Level, type RuleId, type Tier } from "@churnwatch/contracts";

/** Steps of the prevention ladder (domain brief §4) a notification can suggest. */
export type ActionKey = "call" | "visit" | "routine" | "greenChannel" | "survey" | "finance" | "financeWithManager" | "executive";

const byRule: Record<RuleId, { base: ActionKey[]; high: ActionKey[] }> = {
  "purchases.decline": { base: ["call"], high: ["visit"] },
  "purchases.silence": { base: ["call"], high: ["visit"] },
  "purchases.narrowing": { base: ["call"], high: ["visit"] },
  "payments.overdue": { base: ["finance"], high: ["financeWithManager"] },
  "payments.slipping": { base: ["finance"], high: ["financeWithManager", "call"] },
  "complaints.spike": { base: ["greenChannel", "call"], high: ["greenChannel", "visit"] },
  // Out of touch: reach the account now, then put it back on its visiting routine (走访制度), the remedy.
  "contact.silence": { base: ["call", "routine"], high: ["visit", "routine"] },
};

/**
 * The suggested actions for a rule at a level: a call for early signs, a visit once the risk is high,
 * a visiting routine for an account out of touch, finance for payment signs, the green channel for complaints, and executive contact for strategic accounts
 * at high or critical risk (their relationship runs up to the executives). Where the evidence shows the
 * account rating the handling of its complaints worse than it used to, a satisfaction survey: the way to
 * learn what it is unhappy with before it leaves.
 */
export function suggestedActions(rule: RuleId, level: Level, tier?: Tier, evidence: readonly Evidence[] = []): ActionKey[] {
  const high = levelRank[level] >= levelRank.high;
  const actions = [...(high ? byRule[rule].high : byRule[rule].base)];
  if (evidence.some(satisfactionFell)) actions.push("survey");
  if (high && tier === "strategic") actions.push("executive");
  return actions;
}

/** The engine's satisfaction evidence at or under its threshold (it carries one only with a baseline). */
function satisfactionFell(e: Evidence): boolean {
  return e.signal === "complaints.satisfaction" && e.threshold !== undefined && Number(e.value) <= Number(e.threshold);
}
