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
  // One copy edited in place (per event, over the whole retained history): records occur once in a list.
  const out = items.slice();
  const at = old === undefined ? -1 : out.indexOf(old);
  if (at >= 0) out.splice(at, 1);
  const [ms, id] = key(record);
  let lo = 0;
  let hi = out.length;
  // Most records are the latest: check the end before searching.
  const last = out[hi - 1];
  if (last !== undefined) {
    const [lMs, lId] = key(last);
    if (compareKey(lMs, lId, ms, id) <= 0) lo = hi;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [mMs, mId] = key(out[mid] as T);
    if (compareKey(mMs, mId, ms, id) <= 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === out.length) out.push(record);
  else out.splice(lo, 0, record);
  return out;
}

/**
 * `{ ...item, ...patch }`, for records. V8 gives each object made by a spread that adds a key its own hidden
 * class, which makes every later read of such records megamorphic (slow); Object.assign onto a fresh
 * object shares them. Same own keys, in the same order, with the same values (records are plain data).
 */
export function withProps<T extends object>(item: T, patch: Partial<T>): T {
  return Object.assign({}, item, patch);
}

/** A copy of a plain record without the given keys, like `const { a, b, ...rest } = item` (see withProps). */
export function without<T extends object, K extends keyof T>(item: T, keys: readonly K[]): Omit<T, K> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(item)) {
    if (!(keys as readonly PropertyKey[]).includes(key)) out[key] = (item as Record<string, unknown>)[key];
  }
  return out as Omit<T, K>;
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
