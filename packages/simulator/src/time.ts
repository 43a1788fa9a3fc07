/** Instants are epoch milliseconds inside the simulator; only the wire format carries offsets. */
import { DateTime } from "luxon";
import type { Rng } from "./prng.ts";
import { formatIso, fromLocal, toLocal } from "./zone.ts";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO 8601 in the account's zone, e.g. 2026-03-02T09:15:00+08:00 (whole seconds, so ordering survives). */
export function isoInZone(ms: number, zone: string): string {
  return formatIso(ms, zone);
}

/** Parses an ISO instant (with an offset or Z); throws a readable error otherwise. */
export function parseInstant(label: string, value: string): number {
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new RangeError(`${label} must be an ISO 8601 instant with an offset, e.g. 2026-11-01T00:00:00Z (got ${JSON.stringify(value)})`);
  }
  return dt.toMillis();
}

export function minusMonths(ms: number, months: number): number {
  return DateTime.fromMillis(ms, { zone: "utc" }).minus({ months }).toMillis();
}

/**
 * Moves an instant into local office hours (08:30–18:00) on the same local day, or on the next
 * Monday when it falls on a weekend; people place orders and pay invoices at work.
 * Never returns a time before the start of the input's local day, so follow-ups scheduled a day or
 * more later stay after their cause.
 */
export function officeHours(ms: number, zone: string, rng: Rng, weekendShare = 0.03): number {
  let day = Math.floor(toLocal(ms, zone) / DAY);
  const weekday = new Date(day * DAY).getUTCDay(); // 0 Sunday … 6 Saturday
  if ((weekday === 0 || weekday === 6) && !rng.chance(weekendShare)) day += weekday === 6 ? 2 : 1;
  const minuteOfDay = 510 + Math.floor(rng.next() * 570);
  const second = Math.floor(rng.next() * 60);
  return fromLocal(day * DAY + minuteOfDay * 60_000 + second * 1000, zone);
}

/** The last second of the local day `days` after `ms`: how due dates are printed on invoices. */
export function endOfLocalDay(ms: number, zone: string, days: number): number {
  const day = Math.floor(toLocal(ms, zone) / DAY) + days;
  return fromLocal(day * DAY + DAY - 1000, zone);
}

/** Fractional year in UTC, for seasonal curves. */
export function yearFraction(ms: number): number {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return (ms - start) / (365.25 * DAY);
}

export function utcYear(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

export function utcMonth(ms: number): number {
  return new Date(ms).getUTCMonth() + 1;
}

/** Whole seconds, so the printed occurredAt orders exactly like the internal instant. */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
