import { fitBgNbd } from "../model/fit.ts";
import type { PurchaseFeatures } from "./features.ts";
import { fitLogistic, sigmoid } from "./logistic.ts";
import { inputNames, inputValues, summaryOf, type DefectionModel, type InputName } from "./model.ts";

export interface TrainingExample {
  /** The account's features at the training cut: only what it had done by then. */
  features: PurchaseFeatures;
  /** Whether it then placed no order within the horizon. */
  defected: boolean;
}

export interface FitOptions {
  version: string;
  fittedOn: string;
  horizonDays: number;
  /**
   * Every account's features at the cut, labelled or not: BG/NBD's population parameters are fitted on all of
   * them (no labels needed); the logistic combination only on the labelled examples.
   */
  population: readonly PurchaseFeatures[];
  /** The inputs to weigh (DEFAULT_INPUTS when absent), or "auto": chosen by cross-validation (selectInputs). */
  inputs?: readonly InputName[] | "auto";
  /** The ridge penalty; chosen by cross-validation on the examples (RIDGE_GRID) when absent. */
  ridge?: number;
  /** The chances (in percent) at which the levels start; DEFAULT_LEVELS when absent. */
  levels?: DefectionModel["levels"];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? 1 : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** What the model learns from the population alone, without labels: BG/NBD's parameters and a typical spend. */
export function populationParts(population: readonly PurchaseFeatures[]): Pick<DefectionModel, "bgnbd" | "spendScale"> {
  if (population.length === 0) throw new RangeError("no account with an order to fit the population on");
  const bg = fitBgNbd(population.map(summaryOf));
  const spendScale = Math.max(median(population.filter((f) => f.occasionsRecent > 0).map((f) => f.spendRecent)), 1e-6);
  return { bgnbd: bg.params, spendScale };
}

/**
 * Fits the defection model: BG/NBD on the whole population at the cut, then a ridge logistic regression of
 * "no order within the horizon" on the standardised inputs. The chance it gives is calibrated on the training
 * cut by construction; whether it stays calibrated later is for the backtest to show.
 */
export function fitDefectionModel(examples: readonly TrainingExample[], options: FitOptions): DefectionModel {
  if (examples.length < 20) throw new RangeError(`too few labelled accounts to fit on (${examples.length}; at least 20)`);
  const positives = examples.filter((e) => e.defected).length;
  if (positives === 0 || positives === examples.length) throw new RangeError("the labels are all the same: nothing to learn from");
  const { bgnbd, spendScale } = populationParts(options.population);
  const raw = examples.map((e) => inputValues(e.features, bgnbd, options.horizonDays, spendScale));
  const labels = examples.map((e) => e.defected);
  const names = options.inputs === "auto" ? selectInputs(raw, labels) : (options.inputs ?? DEFAULT_INPUTS);
  const stats = names.map((name) => {
    const xs = raw.map((r) => r[name]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) || 1;
    return { name, mean, sd };
  });
  const rows = raw.map((r) => stats.map(({ name, mean, sd }) => (r[name] - mean) / sd));
  // BG/NBD's chance is the structural part and goes unpenalised; the others earn their weight against the
  // penalty, so with few defectors to learn from the model stays close to a calibrated BG/NBD.
  const free = names.flatMap((n, i) => (n === "noOrderChance" ? [i] : []));
  const ridge = options.ridge ?? chooseRidge(rows, labels, free);
  const fit = fitLogistic(rows, labels, { ridge, free });
  const base = positives / examples.length;
  return {
    kind: "churnwatch.defection-model",
    version: options.version,
    fittedOn: options.fittedOn,
    horizonDays: options.horizonDays,
    bgnbd,
    spendScale,
    intercept: fit.intercept,
    inputs: stats.map((s, i) => ({ ...s, weight: fit.weights[i] as number })),
    levels: options.levels ?? DEFAULT_LEVELS,
    fit: {
      accounts: examples.length,
      population: options.population.length,
      defected: positives,
      baseRate: base,
      ridge,
      logisticIterations: fit.iterations,
      logisticConverged: fit.converged,
      logLikelihood: fit.logLikelihood,
    },
  };
}

/**
 * The levels as chances of no order within the horizon: a calibrated score means the same at every account
 * and in every season, where thresholds taken from the training defectors moved with them (on a history whose
 * defectors had already stopped at the cut, they put medium at 99).
 */
export const DEFAULT_LEVELS: DefectionModel["levels"] = { medium: 30, high: 50, critical: 75 };

/**
 * BG/NBD's chance and the year's order value. Chosen on UCI Online Retail II by fitting at 2010-12-10 and
 * judging at 2011-06-10 (so that cut's figure for this choice is not evidence, docs/backtest.md): the volume
 * of a 12-month window travels across seasons (AUC 0.765 there, against 0.740 for BG/NBD alone); 180-day
 * trends and the old silence ratio, which fit the training season better, did worse (0.725 with all inputs),
 * and so did the inputs cross-validation picks within the training season ("auto", 0.696).
 */
export const DEFAULT_INPUTS: readonly InputName[] = ["noOrderChance", "yearSpend"];

/** How much better (in held-out log-likelihood) an input must make the model to be kept: about AIC's price. */
const MIN_GAIN = 2;

/**
 * Forward selection: from BG/NBD's chance alone, add the input that most improves the held-out
 * log-likelihood, while it improves it by MIN_GAIN. On a history whose seasons differ between the fit and
 * its later use, fewer inputs travel better; the folds decide how many, not the backtest.
 */
export function selectInputs(raw: readonly Record<InputName, number>[], labels: readonly boolean[]): InputName[] {
  const standardised = (names: readonly InputName[]) => {
    const stats = names.map((name) => {
      const xs = raw.map((r) => r[name]);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { name, mean, sd: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) || 1 };
    });
    return raw.map((r) => stats.map(({ name, mean, sd }) => (r[name] - mean) / sd));
  };
  const chosen: InputName[] = ["noOrderChance"];
  let current = heldOutLogLikelihood(standardised(chosen), labels, 1, [0]);
  for (;;) {
    let best: { name: InputName; ll: number } | undefined;
    for (const name of inputNames) {
      if (chosen.includes(name)) continue;
      const ll = heldOutLogLikelihood(standardised([...chosen, name]), labels, 1, [0]);
      if (best === undefined || ll > best.ll) best = { name, ll };
    }
    if (best === undefined || best.ll - current < MIN_GAIN) return chosen;
    chosen.push(best.name);
    current = best.ll;
  }
}

export const RIDGE_GRID = [0.1, 1, 10, 100, 1_000, 10_000] as const;
const FOLDS = 5;

/** The penalty with the best held-out log-likelihood over FOLDS interleaved folds (deterministic). */
export function chooseRidge(rows: readonly (readonly number[])[], labels: readonly boolean[], free: readonly number[]): number {
  let best: { ridge: number; ll: number } = { ridge: RIDGE_GRID[RIDGE_GRID.length - 1] as number, ll: Number.NEGATIVE_INFINITY };
  for (const ridge of RIDGE_GRID) {
    const ll = heldOutLogLikelihood(rows, labels, ridge, free);
    if (ll > best.ll) best = { ridge, ll };
  }
  return best.ridge;
}

function heldOutLogLikelihood(rows: readonly (readonly number[])[], labels: readonly boolean[], ridge: number, free: readonly number[]): number {
  let ll = 0;
  for (let k = 0; k < FOLDS; k++) {
    const trainRows = rows.filter((_, i) => i % FOLDS !== k);
    const trainLabels = labels.filter((_, i) => i % FOLDS !== k);
    if (!trainLabels.includes(true) || !trainLabels.includes(false)) continue;
    const fit = fitLogistic(trainRows, trainLabels, { ridge, free });
    for (let i = k; i < rows.length; i += FOLDS) {
      const z = fit.intercept + fit.weights.reduce((s, w, j) => s + w * ((rows[i] as readonly number[])[j] as number), 0);
      const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
      ll += labels[i] ? Math.log(p) : Math.log(1 - p);
    }
  }
  return ll;
}
