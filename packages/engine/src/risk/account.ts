import { levelRank, type Level, type RuleId } from "@churnwatch/contracts";
import type { EngineConfig } from "../config.ts";
import type { AccountState } from "../state.ts";
import { buildView, type View } from "../view.ts";
import { purchaseFeatures, type PurchaseFeatures } from "./features.ts";
import { defectionRisk, levelOfScore, type DefectionModel, type DefectionRisk } from "./model.ts";

/** The purchase rules: the model already reads what they measure, so they do not add to the score again. */
const purchaseRules: ReadonlySet<RuleId> = new Set<RuleId>(["purchases.decline", "purchases.silence", "purchases.narrowing"]);

export interface AccountRisk {
  /** 0–100: the one risk score every surface shows (email, digest, inspect, API, snapshot). */
  score: number;
  /** The same chance unrounded (0..1), for ranking: the rounded score ties thousands of accounts. */
  chance: number;
  level: Level | null;
  /** The purchase model's reading, when the account has ordered at all. */
  purchase: DefectionRisk | undefined;
  features: PurchaseFeatures | undefined;
}

// One reading per (orders, instant, model): the silence rule, the snapshot and the notifications of one step
// all ask for it. A pure cache: a miss computes the same value.
interface PurchaseReading {
  features: PurchaseFeatures | undefined;
  risk: DefectionRisk | undefined;
}
const purchaseMemo = new WeakMap<
  View["orders"],
  { asOfMs: number; model: DefectionModel; timezone: string | undefined; firstOrderAt: string | undefined; pruned: number | undefined; value: PurchaseReading }
>();

export function purchaseRisk(state: AccountState, view: View, asOfMs: number, model: DefectionModel): PurchaseReading {
  const timezone = state.profile?.timezone;
  const hit = purchaseMemo.get(view.orders);
  if (hit && hit.asOfMs === asOfMs && hit.model === model && hit.timezone === timezone && hit.firstOrderAt === state.firstOrderAt && hit.pruned === state.prunedOccasions) return hit.value;
  const features = purchaseFeatures(state, view, asOfMs);
  const value = { features, risk: features === undefined ? undefined : defectionRisk(features, model) };
  purchaseMemo.set(view.orders, { asOfMs, model, timezone, firstOrderAt: state.firstOrderAt, pruned: state.prunedOccasions, value });
  return value;
}

/**
 * The account's risk at `asOfMs`: the purchase model's chance that it stops ordering within the horizon,
 * raised by the payment and complaint signs that fire (read as independent chances: 1 − Π(1 − sᵢ)). Those
 * signs' scores are not calibrated on real data, which has no payments or complaints; the purchase chance is.
 * A firing alert lifts the score to its level's floor, so the level always reads off the score. The purchase
 * rules' scores are not added as chances: what they measure is in the model already.
 */
export function accountRiskAt(state: AccountState, asOfMs: number, config: EngineConfig, view: View = buildView(state)): AccountRisk {
  const { features, risk } = purchaseRisk(state, view, asOfMs, config.model);
  let keep = 1 - (risk?.chance ?? 0);
  let alertLevel: Level | null = null;
  for (const alert of Object.values(state.alerts)) {
    if (!alert || alert.pendingSince !== undefined) continue;
    if (alertLevel === null || levelRank[alert.level] > levelRank[alertLevel]) alertLevel = alert.level;
    if (!purchaseRules.has(alert.rule)) keep *= 1 - Math.min(100, Math.max(0, alert.score)) / 100;
  }
  // An alert at a level means the account is at least that much at risk.
  const floor = alertLevel === null || alertLevel === "low" ? 0 : config.model.levels[alertLevel];
  const chance = Math.max(floor / 100, 1 - keep);
  const score = Math.round(chance * 100);
  // Below the model's medium level, an account with a firing alert is at low risk: still worth a summary line.
  const level = levelOfScore(score, config.model.levels) ?? (alertLevel === null ? null : "low");
  return { score, chance, level, purchase: risk, features };
}
