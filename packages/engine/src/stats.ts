/** Median of numbers; undefined for an empty list. Sorts a typed copy (native numeric sort). */
export function median(values: ArrayLike<number>): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Rounds for display and for stable comparisons; evidence carries strings, not float noise. */
export function round(value: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** A number as evidence text: "45", "45.5". */
export function num(value: number, decimals = 1): string {
  return String(round(value, decimals) + 0);
}

/** Percent change of value against baseline, one decimal; undefined when the baseline is zero. */
export function changePct(value: number, baseline: number): number | undefined {
  if (baseline === 0) return undefined;
  return round(((value - baseline) / baseline) * 100, 1) + 0;
}

/** Spreads a changePct only when there is one (the contract field is optional, not nullable). */
export function optionalPct(pct: number | undefined): { changePct?: number } {
  return pct === undefined ? {} : { changePct: pct };
}
