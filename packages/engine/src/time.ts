import { IANAZone } from "luxon";

export const DAY_MS = 86_400_000;

// Every step parses and formats instants, and the same ones recur: a tick's instant for every account, each
// account's clock and first-event instants. Pure caches: results never depend on them. An event's own
// instants are seen once, so they are parsed with parseNewInstant, which does not fill the cache.
const MAX_PARSED = 20_000;
const parsed = new Map<string, number>();
let lastFormattedMs = Number.NaN;
let lastFormatted = "";

/** Parses an ISO instant to epoch millis; a bad instant is a caller bug, so it throws. */
export function parseInstant(iso: string): number {
  const hit = parsed.get(iso);
  if (hit !== undefined) return hit;
  const ms = parseNewInstant(iso);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(iso, ms);
  return ms;
}

/** parseInstant for an instant unlikely to be parsed again (an incoming event's), without caching it. */
export function parseNewInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`${JSON.stringify(iso)} is not an ISO instant`);
  return ms;
}

/** Normalised UTC ISO form, so equal instants always serialise the same way. */
export function toIso(ms: number): string {
  if (ms === lastFormattedMs) return lastFormatted;
  const iso = new Date(ms).toISOString();
  lastFormattedMs = ms;
  lastFormatted = iso;
  return iso;
}

export function daysBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / DAY_MS;
}

const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_OFFSETS = 50_000;
// Zone offsets via Intl are slow; they only change on quarter-hour boundaries, so memoise per
// zone and quarter hour. A pure cache: results never depend on it.
const offsetCache = new Map<string, Map<number, number>>();
let cachedOffsets = 0;

function offsetMinutes(ms: number, timezone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let byQuarter = offsetCache.get(timezone);
  const hit = byQuarter?.get(quarter);
  if (hit !== undefined) return hit;
  const zone = IANAZone.create(timezone);
  const offset = zone.isValid ? zone.offset(ms) : 0;
  if (cachedOffsets >= MAX_CACHED_OFFSETS) {
    offsetCache.clear();
    cachedOffsets = 0;
    byQuarter = undefined;
  }
  if (byQuarter === undefined) {
    byQuarter = new Map();
    offsetCache.set(timezone, byQuarter);
  }
  byQuarter.set(quarter, offset);
  cachedOffsets++;
  return offset;
}

/** Local calendar day number of an instant in a timezone (UTC when unknown or invalid). */
export function localDay(ms: number, timezone: string | undefined): number {
  const offset = timezone ? offsetMinutes(ms, timezone) : 0;
  return Math.floor((ms + offset * 60_000) / DAY_MS);
}

/**
 * Whole calendar days from one instant to another as the account experiences them: an invoice due
 * 23:59 on the 31st and paid at 09:00 on the 1st (account time) is one day late.
 */
export function calendarDaysBetween(fromMs: number, toMs: number, timezone: string | undefined): number {
  return localDay(toMs, timezone) - localDay(fromMs, timezone);
}
