import type { Evidence, Level, RuleId } from "@churnwatch/contracts";
import type { AlertRecord } from "@churnwatch/engine";

export interface FiringAlert {
  rule: RuleId;
  level: Level;
  score: number;
  evidence?: Evidence[];
}

/** An alert firing since `at`, as the engine keeps it in an account state (tests that seed states). */
export function firingAlertRecord(accountId: string, x: FiringAlert, at: string): AlertRecord {
  return {
    alertId: `${accountId}:${x.rule}:1`,
    rule: x.rule,
    level: x.level,
    score: x.score,
    firedAt: at,
    lastEvaluatedAt: at,
    evidence: x.evidence ?? [{ signal: "orders.value", unit: "money", value: "120000", baseline: "410000", windowDays: 90, changePct: -71 }],
    eventIds: [],
  };
}
