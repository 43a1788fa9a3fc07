import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DAY_MS, localDay } from "./time.ts";

/** The account's calendar day straight from luxon, with no cache in between. */
const luxonDay = (ms: number, zone: string): number => {
  const local = DateTime.fromMillis(ms, { zone });
  return Math.floor(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
};

describe("localDay", () => {
  // Spring and autumn transitions (two a year, one on the southern side), a half-hour zone with DST, a
  // quarter-hour zone without, and one past the date line.
  const zones = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"];

  it("agrees with luxon every 5 minutes through each transition day of 2025, whatever order the instants come in", () => {
    for (const zone of zones) {
      const instants: number[] = [];
      for (let day = Date.UTC(2025, 0, 1); day < Date.UTC(2026, 0, 1); day += DAY_MS) {
        // Only days whose offset changes, and their neighbours, need the fine steps.
        const start = DateTime.fromMillis(day, { zone }).offset;
        const end = DateTime.fromMillis(day + DAY_MS - 1, { zone }).offset;
        if (start === end) instants.push(day + 37 * 60_000, day + DAY_MS - 60_000);
        else for (let ms = day - DAY_MS; ms < day + 2 * DAY_MS; ms += 5 * 60_000) instants.push(ms);
      }
      // Backwards too, so a day is not always first seen at its start.
      for (const ms of [...instants, ...instants.reverse()]) expect(localDay(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(luxonDay(ms, zone));
    }
  });

  it("takes an unknown zone as UTC", () => {
    const ms = Date.UTC(2025, 5, 1, 23, 30);
    expect(localDay(ms, "Not/AZone")).toBe(Math.floor(ms / DAY_MS));
    expect(localDay(ms, undefined)).toBe(Math.floor(ms / DAY_MS));
  });
});
