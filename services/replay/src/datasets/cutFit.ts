/**
 * Fits the defection model at a training cut C from a history (pure; in memory): every account's purchase
 * features from the events before C, and for the eligible ones whether they then placed no order in
 * (C, C + H]. Only events before C + H are read, so a model for judging a later cut E = C + H has seen
 * nothing at or after E.
 */
import type { ChurnEvent } from "@churnwatch/contracts";
import {
  buildView,
  emptyState,
  fitDefectionModel,
  populationParts,
  purchaseFeatures,
  record,
  type AccountState,
  type DefectionModel,
  type EngineConfig,
  type FitOptions,
  type PurchaseFeatures,
} from "@churnwatch/engine";
import { DateTime } from "luxon";
import { DAY_MS } from "../replayer.ts";
import { splitAtCut } from "./cutInput.ts";

export interface FitAtCut {
  model: DefectionModel;
  /** Eligible accounts at C and how many of them defected: what the logistic part learned from. */
  examples: number;
  defected: number;
  /** Accounts with an order before C: what BG/NBD's population parameters were fitted on. */
  population: number;
}

export function horizonEndMs(cutMs: number, horizonMonths: number): number {
  return DateTime.fromMillis(cutMs, { zone: "UTC" }).plus({ months: horizonMonths }).toMillis();
}

export function trainingCutFor(evalCutMs: number, horizonMonths: number): number {
  return DateTime.fromMillis(evalCutMs, { zone: "UTC" }).minus({ months: horizonMonths }).toMillis();
}

/** Every account's features at `cutMs`, from the events before it (loaded as the live worker loads history). */
export function featuresAt(events: Iterable<ChurnEvent>, cutMs: number, config: EngineConfig): Map<string, PurchaseFeatures> {
  const states = new Map<string, AccountState>();
  for (const e of events) {
    if (!(Date.parse(e.occurredAt) < cutMs)) continue;
    states.set(e.accountId, record(states.get(e.accountId) ?? emptyState(e.accountId), e, config));
  }
  const out = new Map<string, PurchaseFeatures>();
  for (const [id, state] of states) {
    const f = purchaseFeatures(state, buildView(state), cutMs);
    if (f) out.set(id, f);
  }
  return out;
}

/**
 * The model with its population parts (BG/NBD's parameters, the spend scale) fitted again at `cutMs` from the
 * events before it: they need no labels, so a deployment refits them as its history grows, and keeps the
 * learned weights until it next has labels.
 */
export function refitPopulation(model: DefectionModel, events: Iterable<ChurnEvent>, cutMs: number, config: EngineConfig): DefectionModel {
  const population = [...featuresAt(events, cutMs, config).values()];
  return { ...model, ...populationParts(population) };
}

export interface FitAtCutOptions {
  horizonMonths: number;
  config: EngineConfig;
  version: string;
  source: string;
  inputs?: FitOptions["inputs"];
  /**
   * Known defection dates (`replay --labels`): then an account is labelled by whether it defected within the
   * horizon after C (every account with an order before C and not yet defected), which teaches the model the
   * signs before a defection. Without them, the label is the orders' own (no order in the horizon, among the
   * eligible accounts: see cutLabels.ts), which is all a history without outcomes can give.
   */
  churnedAt?: ReadonlyMap<string, number>;
}

export function fitModelAtCut(events: readonly ChurnEvent[], trainCutMs: number, opts: FitAtCutOptions): FitAtCut {
  const endMs = horizonEndMs(trainCutMs, opts.horizonMonths);
  const seen = events.filter((e) => Date.parse(e.occurredAt) <= endMs);
  const { input, labels } = splitAtCut(seen, trainCutMs, { horizonMonths: opts.horizonMonths, retier: true });
  const features = featuresAt(input.history, trainCutMs, opts.config);
  const churned = opts.churnedAt;
  const examples = churned
    ? [...features.entries()].flatMap(([id, f]) => {
        const at = churned.get(id);
        if (at !== undefined && at <= trainCutMs) return [];
        return [{ features: f, defected: at !== undefined && at <= endMs }];
      })
    : input.accounts.flatMap((id) => {
        const f = features.get(id);
        return f ? [{ features: f, defected: labels.get(id)?.defected === true }] : [];
      });
  const defected = examples.filter((e) => e.defected).length;
  const cut = new Date(trainCutMs).toISOString().slice(0, 10);
  const model = fitDefectionModel(examples, {
    version: opts.version,
    fittedOn: churned
      ? `${opts.source}: features of the ${features.size} accounts with an order before ${cut}; labels from their known defection dates: ` +
        `${defected} of the ${examples.length} not yet defected then defected in the ${opts.horizonMonths} months after.`
      : `${opts.source}: features of the ${features.size} accounts with an order before ${cut}; labels of the ${examples.length} eligible ` +
        `(4+ months with orders, one in the last 6), ${defected} of which placed no order in the ${opts.horizonMonths} months after.`,
    horizonDays: Math.round((endMs - trainCutMs) / DAY_MS),
    population: [...features.values()],
    ...(opts.inputs === undefined ? {} : { inputs: opts.inputs }),
  });
  return { model, examples: examples.length, defected, population: features.size };
}
