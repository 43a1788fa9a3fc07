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

const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_OFFSETS = 50_000;
// Zone offsets via Intl are slow. They only change at a transition, on a quarter-hour boundary, and no zone
// has two in one day: so a UTC day whose first and last quarter hours share an offset has it throughout, and
// is memoised per zone and day (events' own instants rarely repeat, their days do); a transition day is
// memoised per quarter hour. Pure caches: results never depend on them.
const TRANSITION_DAY = Number.NaN;
const dayOffsetCache = new Map<string, Map<number, number>>();
const offsetCache = new Map<string, Map<number, number>>();
let cachedOffsets = 0;

function zoneOffset(ms: number, timezone: string): number {
  const zone = IANAZone.create(timezone);
  return zone.isValid ? zone.offset(ms) : 0;
}

function cacheFor(caches: Map<string, Map<number, number>>, timezone: string): Map<number, number> {
  if (cachedOffsets >= MAX_CACHED_OFFSETS) {
    dayOffsetCache.clear();
    offsetCache.clear();
    cachedOffsets = 0;
  }
  let cache = caches.get(timezone);
  if (cache === undefined) {
    cache = new Map();
    caches.set(timezone, cache);
  }
  cachedOffsets++;
  return cache;
}

function offsetMinutes(ms: number, timezone: string): number {
  const day = Math.floor(ms / DAY_MS);
  let offset = dayOffsetCache.get(timezone)?.get(day);
  if (offset === undefined) {
    const first = zoneOffset(day * DAY_MS, timezone);
    offset = first === zoneOffset((day + 1) * DAY_MS - QUARTER_HOUR_MS, timezone) ? first : TRANSITION_DAY;
    cacheFor(dayOffsetCache, timezone).set(day, offset);
  }
  if (!Number.isNaN(offset)) return offset;
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const hit = offsetCache.get(timezone)?.get(quarter);
  if (hit !== undefined) return hit;
  const exact = zoneOffset(ms, timezone);
  cacheFor(offsetCache, timezone).set(quarter, exact);
  return exact;
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
