/**
 * One cut, every predictor, the same accounts and labels (pure apart from the predictors' in-memory work).
 */
import type { ChurnEvent } from "@churnwatch/contracts";
import { splitAtCut, type SplitOptions } from "./cutInput.ts";
import { DEFAULT_HORIZON_MONTHS } from "./cutLabels.ts";
import { calibration, flagMetrics, liftAtRecall, rocAuc, type AtRecall, type CalibrationBin, type FlagMetrics } from "./cutMetrics.ts";
import type { Predictor } from "./cutPredictors.ts";

export const TARGET_RECALL = 0.4;

export interface PredictorResult {
  name: string;
  kind: Predictor["kind"];
  auc: number | null;
  /** Flags: precision, recall and lift of the flag. */
  flag?: FlagMetrics;
  /** Scores: the top-k that reaches recall 0.40. */
  atRecall?: AtRecall;
  calibration?: CalibrationBin[];
  /** Scores: how many eligible accounts share the most common score (the engine's 0, mostly). */
  largestTie?: { score: number; accounts: number };
  seconds: number;
}

export interface CutResult {
  cut: string;
  horizonMonths: number;
  accountsSeen: number;
  eligible: number;
  defected: number;
  baseRate: number | null;
  predictors: PredictorResult[];
}

export async function evaluateCut(
  events: readonly ChurnEvent[],
  cutMs: number,
  predictors: readonly Predictor[],
  opts: Partial<SplitOptions> = {},
): Promise<CutResult> {
  const horizonMonths = opts.horizonMonths ?? DEFAULT_HORIZON_MONTHS;
  const { input, labels, accountsSeen } = splitAtCut(events, cutMs, { ...opts, horizonMonths });
  const positive = input.accounts.map((id) => labels.get(id)?.defected === true);
  const defected = positive.filter(Boolean).length;
  const results: PredictorResult[] = [];
  for (const p of predictors) {
    const started = performance.now();
    const byId = await p.score(input);
    const scores = input.accounts.map((id) => {
      const s = byId.get(id);
      if (s === undefined || !Number.isFinite(s)) throw new Error(`predictor "${p.name}" gave no score for ${id}`);
      return s;
    });
    const r: PredictorResult = { name: p.name, kind: p.kind, auc: rocAuc(scores, positive), seconds: 0 };
    if (p.kind === "flag") r.flag = flagMetrics(scores, positive);
    else {
      r.atRecall = liftAtRecall(scores, positive, TARGET_RECALL);
      r.calibration = calibration(scores, positive, p.probability);
      r.largestTie = largestTie(scores);
    }
    r.seconds = (performance.now() - started) / 1000;
    results.push(r);
  }
  return {
    cut: new Date(cutMs).toISOString(),
    horizonMonths,
    accountsSeen,
    eligible: input.accounts.length,
    defected,
    baseRate: input.accounts.length === 0 ? null : defected / input.accounts.length,
    predictors: results,
  };
}

function largestTie(scores: readonly number[]): { score: number; accounts: number } {
  const counts = new Map<number, number>();
  for (const s of scores) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best = { score: 0, accounts: 0 };
  for (const [score, accounts] of counts) if (accounts > best.accounts) best = { score, accounts };
  return best;
}
