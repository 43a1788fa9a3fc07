/**
 * The BG/NBD paper's own test on CDNOW: fit on 39 weeks of calibration, predict the next 39 weeks.
 * Pure: rows in, figures out (cdnowCheck.ts reads the file and prints them).
 */
import {
  expectedPurchases,
  fitBgNbd,
  probNoPurchase,
  rocAuc,
  summarizeOccasions,
  type BgNbdFit,
  type BuyerSummary,
} from "@churnwatch/engine";
import { epochDayOf, type CdnowRow } from "./cdnow.ts";

export interface CdnowSplit {
  /** First day of calibration, first day of holdout (= calibration's "now"), first day after the holdout. */
  calibrationStart: string;
  holdoutStart: string;
  holdoutEnd: string;
}

/** 1997-01-01 … 1997-09-30 (39 weeks, 273 days) and 1997-10-01 … 1998-06-30 (the next 273 days). */
export const CLASSIC_SPLIT: CdnowSplit = { calibrationStart: "19970101", holdoutStart: "19971001", holdoutEnd: "19980701" };

export interface CdnowCustomer {
  customerId: string;
  /** Calibration summary in weeks, "now" = the start of the holdout. */
  summary: BuyerSummary;
  /** Buying occasions (distinct days) in the holdout; all of them are repeat occasions. */
  holdoutOccasions: number;
}

/** Same-day purchases are one occasion: the dates are local calendar dates already, so distinct dates suffice. */
export function splitCustomers(rows: Iterable<CdnowRow>, split: CdnowSplit = CLASSIC_SPLIT): { customers: CdnowCustomer[]; skipped: number } {
  const start = epochDayOf(split.calibrationStart);
  const now = epochDayOf(split.holdoutStart);
  const end = epochDayOf(split.holdoutEnd);
  const days = new Map<string, Set<number>>();
  for (const row of rows) {
    const day = epochDayOf(row.date);
    if (day < start || day >= end) continue;
    let set = days.get(row.customerId);
    if (set === undefined) {
      set = new Set();
      days.set(row.customerId, set);
    }
    set.add(day);
  }
  const customers: CdnowCustomer[] = [];
  let skipped = 0;
  for (const [customerId, set] of days) {
    const sorted = [...set].sort((u, v) => u - v);
    const calibration = sorted.filter((d) => d < now);
    // The cohort all bought first in Q1 1997, so nobody should be skipped; a customer first seen in the
    // holdout has no calibration history to predict from.
    if (calibration.length === 0) {
      skipped++;
      continue;
    }
    customers.push({
      customerId,
      summary: summarizeOccasions(calibration, now, 7),
      holdoutOccasions: sorted.length - calibration.length,
    });
  }
  return { customers, skipped };
}

export interface CdnowBacktest {
  customers: number;
  skipped: number;
  calibrationRepeatOccasions: number;
  holdoutWeeks: number;
  fit: BgNbdFit;
  fitMs: number;
  predictedHoldout: number;
  actualHoldout: number;
  /** (predicted - actual) / actual, in percent. */
  errorPercent: number;
  /** Share of customers with no occasion in the holdout, and the model's mean P(no occasion). */
  actualNoPurchaseRate: number;
  predictedNoPurchaseRate: number;
  /** ROC AUC for the label "no occasion in the holdout". */
  auc: { model: number; recency: number; frequency: number };
  /** Mean predicted and actual holdout occasions by calibration repeat occasions (the last row is x ≥ 7). */
  byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
}

const FREQUENCY_ROWS = 7;

export function runCdnowBacktest(rows: Iterable<CdnowRow>, split: CdnowSplit = CLASSIC_SPLIT): CdnowBacktest {
  const { customers, skipped } = splitCustomers(rows, split);
  const holdoutWeeks = (epochDayOf(split.holdoutEnd) - epochDayOf(split.holdoutStart)) / 7;
  const summaries = customers.map((c) => c.summary);

  const started = performance.now();
  const fit = fitBgNbd(summaries);
  const fitMs = performance.now() - started;

  const predicted = summaries.map((s) => expectedPurchases(fit.params, s, holdoutWeeks));
  const noPurchase = summaries.map((s) => probNoPurchase(fit.params, s, holdoutWeeks));
  const labels = customers.map((c) => c.holdoutOccasions === 0);
  const sum = (v: readonly number[]) => v.reduce((s, u) => s + u, 0);
  const predictedHoldout = sum(predicted);
  const actualHoldout = sum(customers.map((c) => c.holdoutOccasions));

  const byFrequency = Array.from({ length: FREQUENCY_ROWS + 1 }, (_, x) => {
    const members = customers.flatMap((c, i) => ((x < FREQUENCY_ROWS ? c.summary.x === x : c.summary.x >= x) ? [i] : []));
    const mean = (v: number[]) => (v.length === 0 ? Number.NaN : sum(v) / v.length);
    return {
      x: x < FREQUENCY_ROWS ? String(x) : `${x}+`,
      customers: members.length,
      predicted: mean(members.map((i) => predicted[i] as number)),
      actual: mean(members.map((i) => (customers[i] as CdnowCustomer).holdoutOccasions)),
    };
  });

  return {
    customers: customers.length,
    skipped,
    calibrationRepeatOccasions: sum(summaries.map((s) => s.x)),
    holdoutWeeks,
    fit,
    fitMs,
    predictedHoldout,
    actualHoldout,
    errorPercent: (100 * (predictedHoldout - actualHoldout)) / actualHoldout,
    actualNoPurchaseRate: labels.filter(Boolean).length / labels.length,
    predictedNoPurchaseRate: sum(noPurchase) / noPurchase.length,
    auc: {
      model: rocAuc(noPurchase, labels),
      // The usual rule of thumb: the longer since the last purchase, the likelier none is coming.
      recency: rocAuc(summaries.map((s) => s.T - s.tx), labels),
      // Fewer past repeat purchases, likelier none in the holdout.
      frequency: rocAuc(summaries.map((s) => -s.x), labels),
    },
    byFrequency,
  };
}
