/**
 * Copy-on-write helpers for the time-sorted record arrays in state. Records are compared by
 * (time, id) so equal instants still sort deterministically.
 */
export function compareKey(aMs: number, aId: string, bMs: number, bId: string): number {
  return aMs - bMs || (aId < bId ? -1 : aId > bId ? 1 : 0);
}

/** Copy of `items` without `old` (if given) and with `record` at its sorted position. */
export function upsertSorted<T>(
  items: readonly T[],
  old: T | undefined,
  record: T,
  key: (item: T) => [number, string],
): T[] {
  const base = old === undefined ? items : items.filter((item) => item !== old);
  const [ms, id] = key(record);
  let lo = 0;
  let hi = base.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [mMs, mId] = key(base[mid] as T);
    if (compareKey(mMs, mId, ms, id) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return [...base.slice(0, lo), record, ...base.slice(lo)];
}

/** Index of the first item whose time is ≥ `ms` in an array sorted by time. */
export function firstAtOrAfter<T>(items: readonly T[], ms: number, time: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(items[mid] as T) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
