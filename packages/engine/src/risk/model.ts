import { z } from "zod";
import type { Level } from "@churnwatch/contracts";
import { pAlive, probNoPurchase, type BgNbdParams } from "../model/bgnbd.ts";
import type { PurchaseFeatures } from "./features.ts";

/**
 * The inputs of the defection model, each a number the logistic combination weighs. They are scale-free (logs
 * of counts and of ratios, spend against the population's own scale), so one model serves accounts whose
 * money and rhythm differ by orders of magnitude.
 */
export const inputNames = [
  /** logit of BG/NBD's chance of no order within the horizon: recency against the account's own frequency. */
  "noOrderChance",
  /** Order value over the last two volume windows (a year): a window that holds every season once. */
  "yearSpend",
  "yearOccasions",
  "recentOccasions",
  "occasionTrend",
  "recentSpend",
  "spendTrend",
  "recency",
  /** Days since the last order in multiples of the usual gap: what the old silence rule measured. */
  "gapsSilent",
  "tenure",
] as const;
export type InputName = (typeof inputNames)[number];

const positive = z.number().finite().positive();

export const defectionModelSchema = z
  .object({
    kind: z.literal("churnwatch.defection-model"),
    version: z.string().min(1).max(100),
    /** How and on what it was fitted, in words: what a reader needs to judge it. */
    fittedOn: z.string().min(1).max(2_000),
    /** The model answers "will this account place no order within this many days?". */
    horizonDays: z.number().int().positive().max(730),
    /** Population parameters of the "still buying?" model, in days; fitted without labels. */
    bgnbd: z.object({ r: positive, alpha: positive, a: positive, b: positive }),
    /** A typical recent spend of an active account (the population's median), in the accounts' currency units. */
    spendScale: positive,
    intercept: z.number().finite(),
    inputs: z
      .array(z.object({ name: z.enum(inputNames), mean: z.number().finite(), sd: positive, weight: z.number().finite() }))
      .min(1)
      .refine((xs) => new Set(xs.map((x) => x.name)).size === xs.length, "each input at most once"),
    /** Risk scores (0–100, the chance in percent) from which an account's risk reaches each level. */
    levels: z
      .object({ medium: z.number().min(0).max(100), high: z.number().min(0).max(100), critical: z.number().min(0).max(100) })
      .refine((l) => l.medium <= l.high && l.high <= l.critical, "levels ascend: medium ≤ high ≤ critical"),
    /** What the fit saw and reached, for the record (not read by the engine). */
    fit: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type DefectionModel = z.infer<typeof defectionModelSchema>;

export interface InputValue {
  name: InputName;
  /** The input's own value (a log, a logit) before standardising. */
  value: number;
  /** weight × standardised value: how much this input moved the log-odds from an average account. */
  contribution: number;
}

export interface DefectionRisk {
  /** The chance, 0..1, that the account places no order within the model's horizon. */
  chance: number;
  /** The chance in percent, rounded to a whole number: the one risk score every surface shows. */
  score: number;
  level: Level | null;
  /** BG/NBD's chance that the account is still buying at all. */
  pAlive: number;
  inputs: InputValue[];
}

const clampUnit = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));
const logit = (p: number) => Math.log(clampUnit(p) / (1 - clampUnit(p)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function summaryOf(f: PurchaseFeatures) {
  return { x: f.repeats, tx: f.spanDays, T: Math.max(f.ageDays, f.spanDays) };
}

/** The model's inputs, before standardising. */
export function inputValues(f: PurchaseFeatures, bgnbd: BgNbdParams, horizonDays: number, spendScale: number): Record<InputName, number> {
  const gap = Math.max(f.usualGapDays ?? f.ageDays, 1);
  return {
    noOrderChance: logit(probNoPurchase(bgnbd, summaryOf(f), horizonDays)),
    yearSpend: Math.log1p(Math.max(0, f.spendRecent + f.spendPrior) / spendScale),
    yearOccasions: Math.log1p(f.occasionsRecent + f.occasionsPrior),
    recentOccasions: Math.log1p(f.occasionsRecent),
    occasionTrend: Math.log((1 + f.occasionsRecent) / (1 + f.occasionsPrior)),
    recentSpend: Math.log1p(Math.max(0, f.spendRecent) / spendScale),
    spendTrend: Math.log((Math.max(0, f.spendRecent) + spendScale) / (Math.max(0, f.spendPrior) + spendScale)),
    recency: Math.log1p(f.recencyDays),
    gapsSilent: Math.log1p(f.recencyDays / gap),
    tenure: Math.log1p(f.ageDays),
  };
}

export function levelOfScore(score: number, l: DefectionModel["levels"]): Level | null {
  if (score >= l.critical) return "critical";
  if (score >= l.high) return "high";
  if (score >= l.medium) return "medium";
  return null;
}

/** The account's chance of defecting within the horizon, with what moved it. Pure. */
export function defectionRisk(f: PurchaseFeatures, model: DefectionModel): DefectionRisk {
  const values = inputValues(f, model.bgnbd, model.horizonDays, model.spendScale);
  let logOdds = model.intercept;
  const inputs: InputValue[] = model.inputs.map(({ name, mean, sd, weight }) => {
    const value = values[name];
    const contribution = (weight * (value - mean)) / sd;
    logOdds += contribution;
    return { name, value, contribution };
  });
  const chance = sigmoid(logOdds);
  const score = Math.round(chance * 100);
  return { chance, score, level: levelOfScore(score, model.levels), pAlive: pAlive(model.bgnbd, summaryOf(f)), inputs };
}
