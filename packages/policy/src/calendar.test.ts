import { describe, expect, it } from "vitest";
import { addBusinessDays, sendAt } from "./calendar.ts";
import { parsePolicyConfig } from "./config.ts";

const cal = parsePolicyConfig({});
const at = (iso: string, zone: string, urgent = false) => new Date(sendAt(Date.parse(iso), zone, cal, urgent)).toISOString();
const plus = (iso: string, days: number, zone: string) =>
  new Date(addBusinessDays(Date.parse(iso), days, zone, cal)).toISOString();

describe("sendAt in the recipient's zone", () => {
  it("sends now during business hours (Wed 10:00 Shanghai)", () => {
    expect(at("2025-06-11T02:00:00Z", "Asia/Shanghai")).toBe("2025-06-11T02:00:00.000Z");
  });

  it("holds 03:00 on a weekday to 08:00 the same morning (Shanghai, UTC+8)", () => {
    expect(at("2025-06-10T19:00:00Z", "Asia/Shanghai")).toBe("2025-06-11T00:00:00.000Z");
  });

  it("holds 20:00 Friday to Monday 08:00 (quiet hours start inclusive)", () => {
    expect(at("2025-06-13T12:00:00Z", "Asia/Shanghai")).toBe("2025-06-16T00:00:00.000Z");
    expect(at("2025-06-13T11:59:00Z", "Asia/Shanghai")).toBe("2025-06-13T11:59:00.000Z");
  });

  it("holds Saturday noon to Monday 08:00", () => {
    expect(at("2025-06-14T04:00:00Z", "Asia/Shanghai")).toBe("2025-06-16T00:00:00.000Z");
  });

  it("lets urgent mail through at 03:00 on a Saturday", () => {
    expect(at("2025-06-13T19:00:00Z", "Asia/Shanghai", true)).toBe("2025-06-13T19:00:00.000Z");
  });

  it("lands on 08:00 local across the New York DST change (Sat 03:00 EST → Mon 08:00 EDT)", () => {
    // 2025-03-09 clocks spring forward: Monday 08:00 is 12:00Z, not the 13:00Z a fixed offset would give.
    expect(at("2025-03-08T08:00:00Z", "America/New_York")).toBe("2025-03-10T12:00:00.000Z");
  });

  it("uses the recipient's zone, not UTC: the same instant is business time in New York, night in Shanghai", () => {
    const instant = "2025-06-11T15:00:00Z"; // Wed 11:00 New York, Wed 23:00 Shanghai
    expect(at(instant, "America/New_York")).toBe(instant.replace("Z", ".000Z"));
    expect(at(instant, "Asia/Shanghai")).toBe("2025-06-12T00:00:00.000Z");
  });

  it("honours a same-day quiet window and custom business days", () => {
    const lunch = parsePolicyConfig({ quietHours: { start: "12:00", end: "13:00" }, businessDays: [7] });
    const sunNoon = Date.parse("2025-06-15T04:30:00Z"); // Sunday 12:30 Shanghai
    expect(new Date(sendAt(sunNoon, "Asia/Shanghai", lunch, false)).toISOString()).toBe("2025-06-15T05:00:00.000Z");
    const monday = Date.parse("2025-06-16T02:00:00Z"); // Monday is not a business day here: next Sunday 00:00
    expect(new Date(sendAt(monday, "Asia/Shanghai", lunch, false)).toISOString()).toBe("2025-06-21T16:00:00.000Z");
  });

  it("refuses an unknown zone", () => {
    expect(() => at("2025-06-11T02:00:00Z", "Mars/Olympus")).toThrow('"Mars/Olympus" is not an IANA timezone');
  });
});

describe("addBusinessDays", () => {
  it("skips the weekend and keeps the wall time across DST (Fri 10:00 EST + 2 → Tue 10:00 EDT)", () => {
    expect(plus("2025-03-07T15:00:00Z", 2, "America/New_York")).toBe("2025-03-11T14:00:00.000Z");
  });

  it("counts a weekend start from Monday's business morning", () => {
    expect(plus("2025-06-14T04:00:00Z", 1, "Asia/Shanghai")).toBe("2025-06-17T00:00:00.000Z");
  });
});
