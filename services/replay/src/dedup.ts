const DAY_MS = 86_400_000;

/**
 * Remembers event ids for `retentionDays` behind the replay clock (by the day each event occurred). An
 * event older than that would be pruned by the engine as soon as it was applied, so the replay skips it
 * as stale and its id can be forgotten: memory follows the retention window, not the input's length.
 */
export class DedupWindow {
  private readonly seen = new Set<string>();
  private readonly byDay = new Map<number, string[]>();
  private keepFromDay = -Infinity;

  constructor(private readonly retentionDays: number) {}

  /** true the first time an id is seen; false for a duplicate. */
  add(eventId: string, atMs: number): boolean {
    if (this.seen.has(eventId)) return false;
    this.seen.add(eventId);
    const day = Math.floor(atMs / DAY_MS);
    const ids = this.byDay.get(day);
    if (ids) ids.push(eventId);
    else this.byDay.set(day, [eventId]);
    return true;
  }

  /** Older than the window at the current clock: the engine would prune it at once. */
  isStale(atMs: number): boolean {
    return Math.floor(atMs / DAY_MS) < this.keepFromDay;
  }

  advance(clockMs: number): void {
    const keepFrom = Math.floor(clockMs / DAY_MS) - this.retentionDays - 1;
    if (keepFrom <= this.keepFromDay) return;
    this.keepFromDay = keepFrom;
    for (const [day, ids] of this.byDay) {
      if (day >= keepFrom) continue;
      for (const id of ids) this.seen.delete(id);
      this.byDay.delete(day);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
