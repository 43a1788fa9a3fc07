/**
 * Predictors for the cut evaluation: each scores the eligible accounts from the pre-cut history alone, higher
 * meaning more likely to defect (pure: the engine's replay runs in memory). Adding one is a `Predictor` object
 * in `defaultPredictors`.
 */
import { levelRank } from "@churnwatch/contracts";
import { defaultConfig, fitBgNbd, probNoPurchase, type EngineConfig, type Snapshot } from "@churnwatch/engine";
import { horizonEndMs } from "./cutFit.ts";
import { DAY_MS, replay } from "../replayer.ts";
import { beforeCutOnly, type PredictorInput } from "./cutInput.ts";

export interface Predictor {
  name: string;
  /** "flag": scores are 0 or 1, judged by precision and recall; "score": ranked (lift at a recall, calibration). */
  kind: "score" | "flag";
  /** A score as a probability of defection, when it is meant as one (calibration then compares the two). */
  probability?: (score: number) => number;
  score(input: PredictorInput): Promise<ReadonlyMap<string, number>>;
}

function lastOrderMs(input: PredictorInput, accountId: string): number {
  const orders = input.ordersBefore.get(accountId);
  const last = orders?.[orders.length - 1];
  // Eligible accounts ordered in the 6 months before the cut; anything else is a bug upstream.
  if (last === undefined) throw new Error(`account ${accountId} has no order before the cut`);
  return last;
}

/** Days since the last order before the cut. */
export const recencyPredictor: Predictor = {
  name: "recency (days since last order)",
  kind: "score",
  score: async (input) => new Map(input.accounts.map((id) => [id, (input.cutMs - lastOrderMs(input, id)) / DAY_MS])),
};

export const NO_ORDER_DAYS = 90;

/** 1 when the account placed no order in the 90 days before the cut. */
export const noRecentOrderPredictor: Predictor = {
  name: `no order in the last ${NO_ORDER_DAYS} days`,
  kind: "flag",
  score: async (input) => new Map(input.accounts.map((id) => [id, input.cutMs - lastOrderMs(input, id) > NO_ORDER_DAYS * DAY_MS ? 1 : 0])),
};

/**
 * The engine's snapshot at the cut: the events before C replayed through `replay()` (the live engine, every
 * event judged, ticks in event time) with `asOfMs = C`. `beforeCutOnly` throws if anything at or after C
 * reached it. One replay per input serves both engine predictors.
 */
export function enginePredictors(config: EngineConfig = defaultConfig): Predictor[] {
  const snapshots = new WeakMap<PredictorInput, Promise<Map<string, Snapshot["accounts"][number]>>>();
  const snapshotAt = (input: PredictorInput) => {
    let pending = snapshots.get(input);
    if (!pending) {
      pending = replay(beforeCutOnly(input.history, input.cutMs), { config, asOfMs: input.cutMs }).then((r) => {
        if (!r.snapshot) throw new Error("the replay took no snapshot at the cut");
        return new Map(r.snapshot.accounts.map((a) => [a.accountId, a]));
      });
      snapshots.set(input, pending);
    }
    return pending;
  };
  const entry = (byId: Map<string, Snapshot["accounts"][number]>, id: string) => {
    const a = byId.get(id);
    if (!a) throw new Error(`account ${id} is not in the engine's snapshot`);
    return a;
  };
  return [
    {
      name: "engine risk score (snapshot at C)",
      kind: "score",
      // The score is the chance in percent: the calibration table shows whether it holds on later data.
      probability: (s) => s / 100,
      score: async (input) => {
        const byId = await snapshotAt(input);
        // Ranked by the exact chance: the shown score is its rounding to whole percents.
        return new Map(input.accounts.map((id) => [id, 100 * entry(byId, id).chance]));
      },
    },
    {
      name: "engine level ≥ medium at C",
      kind: "flag",
      score: async (input) => {
        const byId = await snapshotAt(input);
        return new Map(input.accounts.map((id) => {
          const level = entry(byId, id).level;
          return [id, level !== null && levelRank[level] >= levelRank.medium ? 1 : 0];
        }));
      },
    },
  ];
}

/**
 * Per account, the inputs a BG/NBD (or Pareto/NBD) model is fitted on, from the pre-cut orders, in `unitMs`
 * (a week, usually): x repeat buying days, tx the time of the last one since the first, T the time from the
 * first to the cut. Several orders on one day count once (one occasion).
 */
export function repeatSummaries(input: PredictorInput, unitMs = 7 * DAY_MS): Map<string, { x: number; tx: number; T: number }> {
  const out = new Map<string, { x: number; tx: number; T: number }>();
  for (const [id, orders] of input.ordersBefore) {
    const days = [...new Set(orders.map((ms) => Math.floor(ms / DAY_MS)))];
    const first = orders[0];
    const last = orders[orders.length - 1];
    if (first === undefined || last === undefined) continue;
    out.set(id, { x: days.length - 1, tx: (last - first) / unitMs, T: (input.cutMs - first) / unitMs });
  }
  return out;
}

/**
 * BG/NBD's chance of no order within the horizon, with population parameters fitted on every account seen
 * before C (no labels), in days, and the account's buying days as occasions. The engine's purchase model
 * starts from the same number and adds volume and trend; this is the customer-base baseline beside it.
 */
export const bgNbdPredictor: Predictor = {
  name: "BG/NBD P(no order in H), no labels",
  kind: "score",
  probability: (p) => p,
  score: async (input) => {
    const rfm = repeatSummaries(input, DAY_MS);
    const { params } = fitBgNbd([...rfm.values()]);
    const days = (horizonEndMs(input.cutMs, input.horizonMonths) - input.cutMs) / DAY_MS;
    return new Map(
      input.accounts.map((id) => {
        const c = rfm.get(id);
        if (!c) throw new Error(`account ${id} has no order before the cut`);
        return [id, probNoPurchase(params, c, days)];
      }),
    );
  },
};

/** Every predictor of a run, compared on the same accounts and labels. */
export function defaultPredictors(config: EngineConfig = defaultConfig): Predictor[] {
  return [...enginePredictors(config), bgNbdPredictor, recencyPredictor, noRecentOrderPredictor];
}
