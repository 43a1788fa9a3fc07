// The defection model learned from data drawn from a known BG/NBD population: the chance it gives ranks the
// accounts that then stop buying, and is calibrated on fresh accounts of the same population.
import { describe, expect, it } from "vitest";
import { rocAuc } from "../model/auc.ts";
import { seededRandom, simulateBuyer } from "../model/simulate.ts";
import type { PurchaseFeatures } from "./features.ts";
import { chooseRidge, DEFAULT_LEVELS, fitDefectionModel, RIDGE_GRID, type TrainingExample } from "./fit.ts";
import { fitLogistic, sigmoid } from "./logistic.ts";
import { defectionModelSchema, defectionRisk } from "./model.ts";

const TRUE = { r: 0.8, alpha: 40, a: 0.6, b: 3 };
const AGE = 400;
const HORIZON = 180;

/** A buyer's features at day AGE (its first occasion at day 0), and whether it then ordered within HORIZON. */
function buyers(n: number, seed: number): TrainingExample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const b = simulateBuyer(TRUE, AGE + HORIZON, random);
    const before = b.repeats.filter((t) => t <= AGE);
    const last = before.at(-1) ?? 0;
    const spend = 100 * (1 + random());
    const features: PurchaseFeatures = {
      repeats: before.length,
      spanDays: last,
      ageDays: AGE,
      recencyDays: AGE - last,
      occasionsRecent: before.filter((t) => t > AGE - 180).length,
      occasionsPrior: before.filter((t) => t > AGE - 360 && t <= AGE - 180).length,
      spendRecent: spend * before.filter((t) => t > AGE - 180).length,
      spendPrior: spend * before.filter((t) => t > AGE - 360 && t <= AGE - 180).length,
      usualGapDays: before.length > 1 ? last / before.length : undefined,
      latestEventId: undefined,
    };
    return { features, defected: !b.repeats.some((t) => t > AGE && t <= AGE + HORIZON) };
  });
}

describe("fitDefectionModel", () => {
  const train = buyers(3_000, 1);
  const model = fitDefectionModel(train, { version: "t", fittedOn: "simulated", horizonDays: HORIZON, population: train.map((e) => e.features) });
  const test = buyers(3_000, 2);
  const chances = test.map((e) => defectionRisk(e.features, model).chance);
  const labels = test.map((e) => e.defected);

  it("writes a model file the engine accepts, with the default inputs and levels", () => {
    expect(defectionModelSchema.safeParse(JSON.parse(JSON.stringify(model))).success).toBe(true);
    expect(model.inputs.map((i) => i.name)).toEqual(["noOrderChance", "yearSpend"]);
    expect(model.levels).toEqual(DEFAULT_LEVELS);
    expect(model.horizonDays).toBe(HORIZON);
  });

  it("ranks fresh accounts of the same population, and its chance is calibrated on them", () => {
    expect(rocAuc(chances, labels)).toBeGreaterThan(0.8);
    const predicted = chances.reduce((s, p) => s + p, 0) / chances.length;
    const observed = labels.filter(Boolean).length / labels.length;
    expect(Math.abs(predicted - observed)).toBeLessThan(0.03);
    // By decile too: the accounts it gives the highest chance defect most.
    const ranked = test.map((e, i) => ({ p: chances[i] as number, y: e.defected })).sort((a, b) => a.p - b.p);
    const top = ranked.slice(-300);
    const topObserved = top.filter((x) => x.y).length / top.length;
    const topPredicted = top.reduce((s, x) => s + x.p, 0) / top.length;
    expect(Math.abs(topObserved - topPredicted)).toBeLessThan(0.08);
  });

  it("refuses what it cannot learn from", () => {
    const opts = { version: "t", fittedOn: "x", horizonDays: HORIZON, population: train.map((e) => e.features) };
    expect(() => fitDefectionModel(train.slice(0, 10), opts)).toThrow(/too few/);
    expect(() => fitDefectionModel(train.map((e) => ({ ...e, defected: false })), opts)).toThrow(/all the same/);
  });
});

describe("fitLogistic", () => {
  it("recovers known weights, and leaves an unpenalised input free", () => {
    const random = seededRandom(3);
    const rows = Array.from({ length: 5_000 }, () => [random() * 4 - 2, random() * 4 - 2]);
    const labels = rows.map(([x, y]) => random() < sigmoid(-0.5 + 1.5 * (x as number) - 0.8 * (y as number)));
    const fit = fitLogistic(rows, labels, { ridge: 0.01 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(-0.5, 0);
    expect(fit.weights[0]).toBeCloseTo(1.5, 0);
    expect(fit.weights[1]).toBeCloseTo(-0.8, 0);
    // A huge penalty flattens the penalised input only.
    const shrunk = fitLogistic(rows, labels, { ridge: 1e7, free: [0] });
    expect(Math.abs(shrunk.weights[1] as number)).toBeLessThan(0.01);
    expect(shrunk.weights[0]).toBeGreaterThan(1);
  });

  it("chooses the largest penalty when the inputs are noise", () => {
    const random = seededRandom(4);
    const rows = Array.from({ length: 400 }, () => [random(), random(), random()]);
    const labels = rows.map(() => random() < 0.3);
    expect(chooseRidge(rows, labels, [])).toBeGreaterThanOrEqual(RIDGE_GRID[RIDGE_GRID.length - 2] as number);
  });
});
