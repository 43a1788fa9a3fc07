import { describe, expect, it } from "vitest";
import { cronPattern, nextRun, nextRuns, periodKey } from "./schedule.ts";
import { scheduleSchema, subscriptionInputSchema, type Schedule } from "./subscription.ts";
import { z } from "zod";

const iso = (ms: number) => new Date(ms).toISOString();
const weekly = (timezone: string): Schedule => scheduleSchema.parse({ cadence: "weekly", weekday: "mon", time: "08:00", timezone });

describe("digest schedule", () => {
  it("keeps 08:00 local in New York across the 2027-03-14 spring-forward (13:00Z, then 12:00Z)", () => {
    const runs = nextRuns(weekly("America/New_York"), Date.parse("2027-03-01T00:00:00Z"), 3);
    expect(runs.map(iso)).toEqual(["2027-03-01T13:00:00.000Z", "2027-03-08T13:00:00.000Z", "2027-03-15T12:00:00.000Z"]);
  });

  it("keeps 08:00 local in New York across the 2027-11-07 fall-back (12:00Z, then 13:00Z)", () => {
    const runs = nextRuns(weekly("America/New_York"), Date.parse("2027-11-01T00:00:00Z"), 2);
    expect(runs.map(iso)).toEqual(["2027-11-01T12:00:00.000Z", "2027-11-08T13:00:00.000Z"]);
  });

  it("runs at 00:00Z for 08:00 in Shanghai, which has no daylight saving", () => {
    const runs = nextRuns(weekly("Asia/Shanghai"), Date.parse("2027-03-07T00:00:00Z"), 2);
    expect(runs.map(iso)).toEqual(["2027-03-08T00:00:00.000Z", "2027-03-15T00:00:00.000Z"]);
  });

  it("is strictly after: a run at the instant itself is the next period's", () => {
    const s = weekly("Asia/Shanghai");
    expect(iso(nextRun(s, Date.parse("2027-03-08T00:00:00Z")))).toBe("2027-03-15T00:00:00.000Z");
  });

  it("handles daily and monthly cadences", () => {
    const daily = scheduleSchema.parse({ cadence: "daily", time: "18:30", timezone: "Europe/London" });
    expect(nextRuns(daily, Date.parse("2027-03-27T19:00:00Z"), 2).map(iso)).toEqual(["2027-03-28T17:30:00.000Z", "2027-03-29T17:30:00.000Z"]);
    const monthly = scheduleSchema.parse({ cadence: "monthly", dayOfMonth: 28, time: "07:00", timezone: "Asia/Shanghai" });
    expect(nextRuns(monthly, Date.parse("2027-01-29T00:00:00Z"), 2).map(iso)).toEqual(["2027-02-27T23:00:00.000Z", "2027-03-27T23:00:00.000Z"]);
  });

  it("makes cron patterns for BullMQ (Sunday is 0 in cron, 7 in ISO)", () => {
    expect(cronPattern(weekly("UTC"))).toBe("0 8 * * 1");
    expect(cronPattern(scheduleSchema.parse({ cadence: "weekly", weekday: 7, time: "09:05", timezone: "UTC" }))).toBe("5 9 * * 0");
    expect(cronPattern(scheduleSchema.parse({ cadence: "monthly", dayOfMonth: 3, time: "23:59", timezone: "UTC" }))).toBe("59 23 3 * *");
    expect(cronPattern(scheduleSchema.parse({ cadence: "daily", time: "00:00", timezone: "UTC" }))).toBe("0 0 * * *");
  });

  it("names the period of a run in the subscriber's zone", () => {
    // 00:00Z on Monday is already Monday 08:00 in Shanghai but still Sunday evening in New York.
    expect(periodKey(weekly("Asia/Shanghai"), Date.parse("2027-01-04T00:00:00Z"))).toBe("2027-W01");
    expect(periodKey(weekly("America/New_York"), Date.parse("2027-01-04T00:00:00Z"))).toBe("2026-W53");
    expect(periodKey(scheduleSchema.parse({ cadence: "daily", time: "08:00", timezone: "Asia/Shanghai" }), Date.parse("2027-03-14T20:00:00Z"))).toBe("2027-03-15");
    expect(periodKey(scheduleSchema.parse({ cadence: "monthly", dayOfMonth: 1, time: "08:00", timezone: "UTC" }), Date.parse("2027-03-01T08:00:00Z"))).toBe("2027-03");
  });
});

describe("subscription validation", () => {
  const base = { recipient: { name: "Wang Fang", email: "ceo@example.com" }, schedule: { cadence: "weekly", weekday: "Monday", time: "08:00", timezone: "Asia/Shanghai" } };
  const errorOf = (input: unknown) => {
    const r = subscriptionInputSchema.safeParse(input);
    return r.success ? "" : z.prettifyError(r.error);
  };

  it("accepts a weekly subscription and fills the defaults", () => {
    const s = subscriptionInputSchema.parse(base);
    expect(s).toMatchObject({ schedule: { weekday: 1 }, recipient: { locale: "en" }, top: 10, whenEmpty: "skip", filters: {} });
  });

  it("names a bad timezone, a bad time, a missing weekday and a bad filter", () => {
    expect(errorOf({ ...base, schedule: { ...base.schedule, timezone: "Asia/Beijing" } })).toContain('"Asia/Beijing" is not an IANA timezone');
    expect(errorOf({ ...base, schedule: { ...base.schedule, time: "8am" } })).toContain("a local time as HH:mm");
    expect(errorOf({ ...base, schedule: { ...base.schedule, time: "24:00" } })).toContain("schedule.time");
    expect(errorOf({ ...base, schedule: { cadence: "weekly", time: "08:00", timezone: "UTC" } })).toContain("a weekly digest needs a weekday");
    expect(errorOf({ ...base, schedule: { cadence: "monthly", dayOfMonth: 31, time: "08:00", timezone: "UTC" } })).toContain("1 to 28");
    expect(errorOf({ ...base, filters: { minLevel: "severe" } })).toContain("filters.minLevel");
    expect(errorOf({ ...base, schedule: { ...base.schedule, weekday: "someday" } })).toContain("a weekday");
  });
});
