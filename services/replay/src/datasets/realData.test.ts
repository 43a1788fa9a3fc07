/**
 * Regression guard on real data: the even-id half of UCI Online Retail II (all of it, 21,232 rows), converted
 * and judged at the cut 2011-06-10 as in docs/backtest.md (`cutEval --fit`): the defection model fitted at
 * 2010-12-10 on the events before 2011-06-10 only, its population parts refitted before the cut. The label counts are exact (they depend on the data
 * and the label definition only); the predictors' figures have floors below today's, so a regression shows
 * without every harmless change failing it. Today's figures are in the comments.
 */
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { churnEventSchema, type ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig } from "@churnwatch/engine";
import { dataFile, defaultDataDir, ONLINE_RETAIL_FILE, readGzipText } from "../datasetFiles.ts";
import { evaluateCut, type CutResult } from "./cutEvaluate.ts";
import { splitAtCut } from "./cutInput.ts";
import { parseCut } from "./cutLabels.ts";
import { bgNbdPredictor, defaultPredictors, noRecentOrderPredictor, recencyPredictor } from "./cutPredictors.ts";
import { fitModelAtCut, refitPopulation, trainingCutFor } from "./cutFit.ts";
import { convertOnlineRetail } from "./onlineRetailEvents.ts";
import { parseOnlineRetail } from "./onlineRetailRows.ts";

const file = dataFile(defaultDataDir(), ONLINE_RETAIL_FILE);
const present = existsSync(file);
if (!present) console.warn(`realData.test.ts: SKIPPED, ${file} is absent (set CHURNWATCH_DATA to the shared data folder)`);

describe.skipIf(!present)(present ? "UCI Online Retail II (even customers) at the cut 2011-06-10" : `UCI Online Retail II: SKIPPED, ${file} is absent`, () => {
  let events: ChurnEvent[] = [];
  let result: CutResult;

  beforeAll(async () => {
    const { rows, rejected } = parseOnlineRetail(await readGzipText(file));
    expect(rejected).toEqual([]);
    events = convertOnlineRetail(rows).events;
    const cutMs = parseCut("2011-06-10");
    const before = events.filter((e) => Date.parse(e.occurredAt) < cutMs);
    const fit = fitModelAtCut(before, trainingCutFor(cutMs, 6), { horizonMonths: 6, config: defaultConfig, version: "guard", source: "uci" });
    const model = refitPopulation(fit.model, before, cutMs, defaultConfig);
    result = await evaluateCut(events, cutMs, defaultPredictors({ ...defaultConfig, model }));
  }, 120_000);

  it("converts every row into valid, sorted wire events", () => {
    expect(events.length).toBe(18_633); // 2,946 profiles + 15,687 buying occasions
    let last = -Infinity;
    for (const e of events) {
      expect(churnEventSchema.safeParse(e).success).toBe(true);
      const ms = Date.parse(e.occurredAt);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
    }
  });

  it("labels exactly as the README's definition gives on this half", () => {
    expect(result).toMatchObject({ eligible: 700, defected: 105 });
    const earlier = splitAtCut(events, parseCut("2010-12-10"), { horizonMonths: 6 });
    expect(earlier.input.accounts.length).toBe(580);
    expect(earlier.input.accounts.filter((id) => earlier.labels.get(id)?.defected).length).toBe(121);
  });

  it("keeps the baselines above their floors", () => {
    const by = Object.fromEntries(result.predictors.map((p) => [p.name, p]));
    expect(by[recencyPredictor.name]?.auc).toBeGreaterThan(0.6); // 0.642
    expect(by[recencyPredictor.name]?.atRecall?.lift).toBeGreaterThan(1.5); // 1.84
    const flag = by[noRecentOrderPredictor.name]?.flag;
    expect(flag?.flagged).toBe(125); // depends on the data only
    expect(flag?.lift).toBeGreaterThan(1.7); // 1.97
  });

  it("keeps the engine above its floors, and its score above recency and BG/NBD alone", () => {
    const by = Object.fromEntries(result.predictors.map((p) => [p.name, p]));
    const score = result.predictors.find((p) => p.name.startsWith("engine risk score"));
    const alert = result.predictors.find((p) => p.name.startsWith("engine level"));
    expect(score?.auc).toBeGreaterThan(0.73); // 0.747 (the rule-based engine before it: 0.533)
    expect(score?.atRecall?.lift).toBeGreaterThan(2); // 2.24
    expect(score?.auc).toBeGreaterThan((by[recencyPredictor.name]?.auc ?? 1) + 0.05);
    expect(score?.auc).toBeGreaterThan((by[bgNbdPredictor.name]?.auc ?? 1) - 0.01); // BG/NBD alone 0.740
    expect(alert?.flag?.lift).toBeGreaterThan(1.4); // 1.61, 365 flagged at recall 0.84
  });
});
