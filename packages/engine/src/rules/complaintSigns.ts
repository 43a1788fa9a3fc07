import type { ComplaintThresholds } from "../config.ts";
import type { ComplaintRecord } from "../state.ts";
import { DAY_MS } from "../time.ts";

/**
 * What tells a complaint storm from a bad month: the same problem coming back, complaints left open, and
 * customers rating the handling worse than they used to. Healthy accounts get a few unrelated complaints
 * that are settled to their satisfaction; a customer on the way out repeats itself and stops being content.
 */
export interface ComplaintSigns {
  /** Complaints opened in the window about the category raised most often there. */
  repeats: number;
  /** Complaints opened in the last window + baseline days, still open after `unresolvedAfterDays`. */
  unresolved: number;
  /** Age in days of the oldest of those; undefined when none is open. */
  oldestUnresolvedDays: number | undefined;
  /** Mean satisfaction (1–5) of complaints resolved in the last `satisfactionDays`, if any was rated. */
  satisfaction: number | undefined;
  /** The same over the `baselineDays` before, if at least two complaints were rated then. */
  satisfactionBaseline: number | undefined;
  /** Whether at least one of the signs passes its threshold. */
  corroborated: boolean;
  /**
   * Events behind the signs beyond the window's complaints (which the rule lists anyway): the open complaints,
   * older ones too, and the resolutions whose ratings fell.
   */
  moved: Array<{ atMs: number; id: string | undefined }>;
}

/** A baseline of satisfaction needs a few ratings: one unhappy customer is not a trend. */
const MIN_BASELINE_RATINGS = 2;
/** The middle of the 1–5 scale ("no opinion"): a fall only counts when the handling is now rated below it. */
const NEUTRAL = 3;

/** The rating at or under which satisfaction has fallen (strictly under, at the middle of the scale). */
export function satisfactionThreshold(baseline: number, t: ComplaintThresholds): number {
  return Math.min(baseline - t.satisfactionDrop, NEUTRAL);
}

/** The signs at `asOfMs`, from the account's opened complaints (sorted by opening, as the view keeps them). */
export function complaintSigns(complaints: readonly ComplaintRecord[], asOfMs: number, t: ComplaintThresholds): ComplaintSigns {
  const windowStart = asOfMs - t.windowDays * DAY_MS;
  const openSince = windowStart - t.baselineDays * DAY_MS;
  const openBefore = asOfMs - t.unresolvedAfterDays * DAY_MS;
  const ratedSince = asOfMs - t.satisfactionDays * DAY_MS;
  const ratedBaseSince = ratedSince - t.baselineDays * DAY_MS;

  const perCategory = new Map<string, number>();
  let repeats = 0;
  let unresolved = 0;
  let oldestOpenMs: number | undefined;
  let recentSum = 0;
  let recentN = 0;
  let baseSum = 0;
  let baseN = 0;
  const open: ComplaintRecord[] = [];
  const rated: ComplaintRecord[] = [];
  for (const c of complaints) {
    if (c.atMs > windowStart) {
      const n = (perCategory.get(c.category) ?? 0) + 1;
      perCategory.set(c.category, n);
      if (n > repeats) repeats = n;
    }
    const resolved = c.resolvedAtMs !== undefined && c.resolvedAtMs <= asOfMs;
    if (!resolved && c.atMs > openSince && c.atMs <= openBefore) {
      unresolved++;
      oldestOpenMs = Math.min(oldestOpenMs ?? c.atMs, c.atMs);
      open.push(c);
    }
    if (resolved && c.satisfaction !== undefined) {
      const at = c.resolvedAtMs as number;
      if (at > ratedSince) {
        recentSum += c.satisfaction;
        recentN++;
        rated.push(c);
      } else if (at > ratedBaseSince) {
        baseSum += c.satisfaction;
        baseN++;
      }
    }
  }
  const satisfaction = recentN > 0 ? recentSum / recentN : undefined;
  const satisfactionBaseline = baseN >= MIN_BASELINE_RATINGS ? baseSum / baseN : undefined;
  const fell =
    satisfaction !== undefined &&
    satisfaction < NEUTRAL &&
    satisfactionBaseline !== undefined &&
    satisfaction <= satisfactionThreshold(satisfactionBaseline, t);
  const repeated = repeats >= t.minRepeats;
  const leftOpen = unresolved >= t.minUnresolved;

  const moved: ComplaintSigns["moved"] = [];
  if (leftOpen) for (const c of open) moved.push({ atMs: c.atMs, id: c.eventId });
  if (fell) for (const c of rated) moved.push({ atMs: c.resolvedAtMs as number, id: c.resolveEventId });
  return {
    repeats,
    unresolved,
    oldestUnresolvedDays: oldestOpenMs === undefined ? undefined : (asOfMs - oldestOpenMs) / DAY_MS,
    satisfaction,
    satisfactionBaseline,
    corroborated: repeated || leftOpen || fell,
    moved,
  };
}
