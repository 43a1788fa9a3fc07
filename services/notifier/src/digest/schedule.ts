import { DateTime } from "luxon";
import type { Schedule } from "./subscription.ts";

/**
 * A schedule as a cron pattern for BullMQ's job scheduler, which evaluates it in the schedule's timezone
 * (cron-parser, with `tz`), so 08:00 stays 08:00 local across daylight-saving changes. Cron counts
 * Sunday as 0; the schedule counts ISO weekdays (Sunday = 7).
 */
export function cronPattern(s: Schedule): string {
  const [hour, minute] = wallTime(s);
  if (s.cadence === "weekly") return `${minute} ${hour} * * ${(s.weekday ?? 1) % 7}`;
  if (s.cadence === "monthly") return `${minute} ${hour} ${s.dayOfMonth ?? 1} * *`;
  return `${minute} ${hour} * * *`;
}

function wallTime(s: Schedule): [number, number] {
  const [h = "0", m = "0"] = s.time.split(":");
  return [Number(h), Number(m)];
}

function matchesDay(s: Schedule, day: DateTime): boolean {
  if (s.cadence === "weekly") return day.weekday === s.weekday;
  if (s.cadence === "monthly") return day.day === s.dayOfMonth;
  return true;
}

/**
 * The first run strictly after `afterMs`: our own reckoning with luxon, used to show the next runs and to
 * check what the queue scheduled. A wall time that a spring-forward skips runs at the same instant luxon
 * gives it (shifted forward by the gap), as cron-parser does.
 */
export function nextRun(s: Schedule, afterMs: number): number {
  const [hour, minute] = wallTime(s);
  const start = DateTime.fromMillis(afterMs, { zone: s.timezone }).startOf("day");
  // 62 days covers any monthly day (1–28) from any starting day.
  for (let k = 0; k <= 62; k++) {
    const day = start.plus({ days: k });
    if (!matchesDay(s, day)) continue;
    const at = day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    if (at > afterMs) return at;
  }
  throw new RangeError("no run within 62 days: the schedule is not valid");
}

/** The next `count` runs after `afterMs`, none before `startsAt` (a subscription's first day). */
export function nextRuns(s: Schedule, afterMs: number, count: number, startsAt?: string): number[] {
  const out: number[] = [];
  // Strictly after startsAt, as BullMQ's startDate (cron-parser's next() after it).
  let at = startsAt ? Math.max(afterMs, Date.parse(startsAt)) : afterMs;
  for (let i = 0; i < count; i++) out.push((at = nextRun(s, at)));
  return out;
}

/**
 * The period a run belongs to, from its scheduled instant in the subscriber's zone: a local date (daily),
 * an ISO week (weekly), a month (monthly). At most one digest is sent per subscription and period.
 */
export function periodKey(s: Schedule, scheduledMs: number): string {
  const local = DateTime.fromMillis(scheduledMs, { zone: s.timezone });
  if (s.cadence === "weekly") return local.toFormat("kkkk-'W'WW");
  if (s.cadence === "monthly") return local.toFormat("yyyy-MM");
  return local.toISODate() ?? "";
}
