import { describe, expect, it } from "vitest";
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesUnconditional,
  probNoPurchase,
  type BgNbdParams,
  type BuyerSummary,
} from "./bgnbd.ts";
import { fitBgNbd } from "./fit.ts";
import { seededRandom, simulateBuyer } from "./simulate.ts";

// Days, roughly an active B2B buyer: a buying rate of r/α = 0.04 a day, dropout probability about 0.2 per order.
const TRUTH: BgNbdParams = { r: 0.8, alpha: 20, a: 0.9, b: 3.5 };
const CUSTOMERS = 4000;
const HOLDOUT = 90;

interface Simulated {
  summary: BuyerSummary;
  holdout: number;
}

/** Customers observed for 180–365 whole days (a cohort entering over six months), with 90 days after that. */
function simulate(seed: number): Simulated[] {
  const random = seededRandom(seed);
  return Array.from({ length: CUSTOMERS }, () => {
    const T = Math.round(180 + 185 * random());
    const { repeats } = simulateBuyer(TRUTH, T + HOLDOUT, random);
    const calibration = repeats.filter((t) => t <= T);
    const tx = calibration[calibration.length - 1] ?? 0;
    return { summary: { x: calibration.length, tx, T }, holdout: repeats.length - calibration.length };
  });
}

const population = simulate(1);
const summaries = population.map((c) => c.summary);

describe("fitBgNbd on data simulated from known parameters", () => {
  const fit = fitBgNbd(summaries);

  it("converges and recovers the parameters", () => {
    expect(fit.converged).toBe(true);
    // Tolerances from the spread over seeds 1–8 of this very set-up (4,000 customers): r and α varied by up to
    // ±10%, a and b (weakly identified by ~4.5 repeat occasions each) by up to ±15%; allowed: 15% and 25%.
    const rel = (k: keyof BgNbdParams) => Math.abs(fit.params[k] / TRUTH[k] - 1);
    expect(rel("r")).toBeLessThan(0.15);
    expect(rel("alpha")).toBeLessThan(0.15);
    expect(rel("a")).toBeLessThan(0.25);
    expect(rel("b")).toBeLessThan(0.25);
  });

  it("finds a likelihood at least as high as the true parameters' (it is the maximum)", () => {
    const atTruth = summaries.reduce((s, c) => s + bgNbdLogLikelihood(TRUTH, c), 0);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
    // …and no better than a few units above it: a much higher value would mean a bug in the objective.
    expect(fit.logLikelihood - atTruth).toBeLessThan(10);
    const perturbed = { ...fit.params, r: fit.params.r * 1.02 };
    expect(summaries.reduce((s, c) => s + bgNbdLogLikelihood(perturbed, c), 0)).toBeLessThan(fit.logLikelihood);
  });

  // The sample's own mean buying rate is off the population's by about 1.1/√4000 ≈ 1.8% (λ's coefficient of
  // variation is 1/√r), and a fit can only follow the sample: 6% is about three of those.
  it("predicts the population's buying curve within 6% of the truth's", () => {
    for (const t of [30, 180, 365, 730]) {
      const ratio = expectedPurchasesUnconditional(fit.params, t) / expectedPurchasesUnconditional(TRUTH, t);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.06);
    }
  });

  it("does not depend on the time unit: weeks give the same r, a, b and α/7", () => {
    const weekly = fitBgNbd(summaries.map((c) => ({ x: c.x, tx: c.tx / 7, T: c.T / 7 })));
    expect(weekly.params.r).toBeCloseTo(fit.params.r, 3);
    expect(weekly.params.alpha).toBeCloseTo(fit.params.alpha / 7, 2);
    expect(weekly.params.a).toBeCloseTo(fit.params.a, 2);
    expect(weekly.params.b).toBeCloseTo(fit.params.b, 2);
  });

  it("rejects a population it cannot fit", () => {
    expect(() => fitBgNbd([])).toThrow(RangeError);
    expect(() => fitBgNbd([{ x: 0, tx: 0, T: 10 }])).toThrow(RangeError);
  });
});

describe("predictions against what the model's own process does next", () => {
  // At the true parameters, the predictions are expectations over exactly the process simulated, so the
  // simulated holdout must agree up to sampling noise: a test of eqs. 10 and of P(no purchase), not of the fit.
  const many = [2, 3, 4, 5, 6].flatMap(simulate); // 20,000 customers

  it("expected holdout purchases match the simulated total within 3%", () => {
    const predicted = many.reduce((s, c) => s + expectedPurchases(TRUTH, c.summary, HOLDOUT), 0);
    const actual = many.reduce((s, c) => s + c.holdout, 0);
    expect(predicted / actual).toBeGreaterThan(0.97);
    expect(predicted / actual).toBeLessThan(1.03);
  });

  it("P(no purchase) matches the simulated share of silent customers within 0.01", () => {
    const predicted = many.reduce((s, c) => s + probNoPurchase(TRUTH, c.summary, HOLDOUT), 0) / many.length;
    const actual = many.filter((c) => c.holdout === 0).length / many.length;
    expect(Math.abs(predicted - actual)).toBeLessThan(0.01);
  });
});
