/**
 * Ranking and flag metrics for the cut evaluation (pure). `scores[i]` belongs with `positive[i]` (defected);
 * higher scores mean more likely to defect.
 */

/**
 * ROC AUC: the chance that a random defector scores above a random stayer, ties counting one half
 * (Mann–Whitney with mid-ranks). Null without both classes.
 */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const order = scores.map((s, i) => ({ s, p: positive[i] === true })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && (order[j] as { s: number }).s === (order[i] as { s: number }).s) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) {
      if ((order[k] as { p: boolean }).p) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface FlagMetrics {
  flagged: number;
  truePositives: number;
  precision: number | null;
  recall: number | null;
  /** Precision over the base rate. */
  lift: number | null;
}

/** A binary flag (score > 0) against the labels. */
export function flagMetrics(flags: readonly number[], positive: readonly boolean[]): FlagMetrics {
  let flagged = 0;
  let tp = 0;
  let pos = 0;
  flags.forEach((f, i) => {
    const p = positive[i] === true;
    if (p) pos++;
    if (f > 0) {
      flagged++;
      if (p) tp++;
    }
  });
  const precision = flagged === 0 ? null : tp / flagged;
  const base = flags.length === 0 ? 0 : pos / flags.length;
  return { flagged, truePositives: tp, precision, recall: pos === 0 ? null : tp / pos, lift: precision === null || base === 0 ? null : precision / base };
}

export interface AtRecall {
  targetRecall: number;
  /** Accounts taken from the top (a tie group at the boundary is taken in part). */
  k: number;
  /** Expected defectors among them (fractional when a tie group is split). */
  truePositives: number;
  precision: number | null;
  recall: number | null;
  lift: number | null;
}

/**
 * The fewest top-scored accounts that reach the target recall, with ties broken at random, in expectation: a
 * tie group is taken whole while it stays below the target, and in part (k rounded up) at the boundary, where
 * each of its accounts counts its group's share of defectors. So a score that puts most accounts at one value
 * (the engine's 0) is neither rewarded nor punished by how the tie happens to be ordered.
 */
export function liftAtRecall(scores: readonly number[], positive: readonly boolean[], targetRecall = 0.4): AtRecall {
  const order = scores.map((s, i) => ({ s, p: positive[i] === true })).sort((a, b) => b.s - a.s);
  const pos = order.filter((o) => o.p).length;
  const n = order.length;
  const none = { targetRecall, k: 0, truePositives: 0, precision: null, recall: null, lift: null };
  if (pos === 0 || n === 0) return none;
  const need = targetRecall * pos;
  let k = 0;
  let tp = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let groupPos = 0;
    while (j < n && (order[j] as { s: number }).s === (order[i] as { s: number }).s) {
      if ((order[j] as { p: boolean }).p) groupPos++;
      j++;
    }
    const size = j - i;
    if (tp + groupPos >= need - 1e-9) {
      // Part of this group: m accounts bring m × groupPos / size defectors in expectation.
      const m = groupPos === 0 ? 0 : Math.min(size, Math.ceil(((need - tp) * size) / groupPos - 1e-9));
      k += m;
      tp += (m * groupPos) / size;
      break;
    }
    k += size;
    tp += groupPos;
    i = j;
  }
  const precision = k === 0 ? null : tp / k;
  return { targetRecall, k, truePositives: tp, precision, recall: tp / pos, lift: precision === null ? null : precision / (pos / n) };
}

export interface CalibrationBin {
  n: number;
  minScore: number;
  maxScore: number;
  meanScore: number;
  /** Mean predicted probability, for predictors whose score is one. */
  meanProbability: number | null;
  observedRate: number;
}

/**
 * Deciles of score (by rank, lowest first) against the observed defection rate. A tie group is never split
 * (its accounts are indistinguishable), so a score with large ties gives fewer, unequal bins.
 */
export function calibration(scores: readonly number[], positive: readonly boolean[], probability?: (s: number) => number, bins = 10): CalibrationBin[] {
  const order = scores.map((s, i) => ({ s, p: positive[i] === true })).sort((a, b) => a.s - b.s);
  const n = order.length;
  const out: CalibrationBin[] = [];
  let start = 0;
  for (let b = 1; b <= bins && start < n; b++) {
    let end = b === bins ? n : Math.round((b * n) / bins);
    // A tie group that ran past this decile's boundary already filled it.
    if (end <= start) continue;
    // Extend to the end of the tie group at the boundary.
    while (end < n && (order[end] as { s: number }).s === (order[end - 1] as { s: number }).s) end++;
    const slice = order.slice(start, end);
    const meanScore = slice.reduce((a, o) => a + o.s, 0) / slice.length;
    out.push({
      n: slice.length,
      minScore: (slice[0] as { s: number }).s,
      maxScore: (slice[slice.length - 1] as { s: number }).s,
      meanScore,
      meanProbability: probability ? slice.reduce((a, o) => a + probability(o.s), 0) / slice.length : null,
      observedRate: slice.filter((o) => o.p).length / slice.length,
    });
    start = end;
  }
  return out;
}
