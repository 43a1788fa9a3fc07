/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties
 * counted as one half (the Mann–Whitney U statistic over n⁺·n⁻). Ties matter here: recency and frequency
 * take few distinct values, and breaking their ties arbitrarily would flatter or punish a baseline.
 */
interface Scored {
  s: number;
  positive: boolean;
}

export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) throw new RangeError("scores and labels differ in length");
  const order: Scored[] = scores.map((s, i) => ({ s, positive: labels[i] === true }));
  if (order.some((o) => Number.isNaN(o.s))) throw new RangeError("a score is NaN");
  order.sort((u, v) => u.s - v.s);
  let positives = 0;
  let rankSumPositives = 0;
  let i = 0;
  while (i < order.length) {
    const s = order[i]?.s;
    let j = i + 1;
    while (j < order.length && order[j]?.s === s) j++;
    const midRank = (i + 1 + j) / 2; // 1-based ranks i+1 … j share their mean
    for (const o of order.slice(i, j)) {
      if (o.positive) {
        positives++;
        rankSumPositives += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new RangeError("AUC needs both positives and negatives");
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
