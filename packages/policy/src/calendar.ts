import { DateTime } from "luxon";
import type { PolicyConfig } from "./config.ts";

type Calendar = Pick<PolicyConfig, "quietHours" | "businessDays">;

/** Parses an ISO instant to epoch millis; a bad instant is a caller bug, so it throws. */
export function instant(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`${JSON.stringify(iso)} is not an ISO instant`);
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

function local(ms: number, zone: string): DateTime {
  const dt = DateTime.fromMillis(ms, { zone });
  if (!dt.isValid) throw new RangeError(`${JSON.stringify(zone)} is not an IANA timezone`);
  return dt;
}

function minutes(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

function isQuiet(minuteOfDay: number, cal: Calendar): boolean {
  if (cal.quietHours === false) return false;
  const start = minutes(cal.quietHours.start);
  const end = minutes(cal.quietHours.end);
  // Quiet hours usually wrap midnight (20:00–08:00); a same-day window (12:00–13:00) is also allowed.
  return start > end ? minuteOfDay >= start || minuteOfDay < end : minuteOfDay >= start && minuteOfDay < end;
}

function isBusinessDay(dt: DateTime, cal: Calendar): boolean {
  return cal.businessDays.includes(dt.weekday);
}

/** Minutes of the day at which sending may start, in order: midnight (when not quiet) and the end of quiet hours. */
function openings(cal: Calendar): number[] {
  if (cal.quietHours === false) return [0];
  const end = minutes(cal.quietHours.end);
  return isQuiet(0, cal) ? [end] : [0, end];
}

/**
 * When an email may go out: now, unless it is quiet hours or not a business day in the recipient's zone,
 * then the next business-morning opening. Urgent (critical) mail always goes now.
 */
export function sendAt(nowMs: number, zone: string, cal: Calendar, urgent: boolean): number {
  const now = local(nowMs, zone);
  if (urgent) return nowMs;
  if (isBusinessDay(now, cal) && !isQuiet(now.hour * 60 + now.minute, cal)) return nowMs;
  for (let k = 0; k <= 7; k++) {
    const day = now.startOf("day").plus({ days: k });
    if (!isBusinessDay(day, cal)) continue;
    for (const m of openings(cal)) {
      // Wall-clock set: luxon keeps 08:00 at 08:00 across a DST change.
      const at = day.set({ hour: Math.floor(m / 60), minute: m % 60 });
      if (at.toMillis() >= nowMs) return at.toMillis();
    }
  }
  throw new RangeError("business calendar has no opening within a week");
}

/**
 * The instant `days` business days after `fromMs`, at the same local wall time in `zone`. A start on a
 * non-business day counts from the next business morning, so a weekend alert does not escalate early.
 */
export function addBusinessDays(fromMs: number, days: number, zone: string, cal: Calendar): number {
  let at = local(fromMs, zone);
  if (!isBusinessDay(at, cal)) {
    const end = cal.quietHours === false ? 0 : minutes(cal.quietHours.end);
    at = at.startOf("day").set({ hour: Math.floor(end / 60), minute: end % 60 });
    while (!isBusinessDay(at, cal)) at = at.plus({ days: 1 });
  }
  for (let n = 0; n < days; n++) {
    at = at.plus({ days: 1 });
    while (!isBusinessDay(at, cal)) at = at.plus({ days: 1 });
  }
  return at.toMillis();
}

/** The recipient's local calendar date, e.g. for the daily digest and the per-day budget. */
export function localDate(ms: number, zone: string): string {
  return local(ms, zone).toISODate() ?? "";
}
