import { describe, expect, it } from "vitest";
import { buyingDays, summarizeOccasions } from "./occasions.ts";

const at = (iso: string) => Date.parse(iso);
const day = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) / 86_400_000;

describe("buyingDays", () => {
  it("merges orders on one local day and returns ascending epoch days", () => {
    const days = buyingDays(
      [at("2026-03-02T09:15:00+08:00"), at("2026-03-01T10:00:00+08:00"), at("2026-03-02T09:16:00+08:00"), at("2026-03-02T23:59:00+08:00")],
      "Asia/Shanghai",
    );
    expect(days).toEqual([day("2026-03-01"), day("2026-03-02")]);
  });

  it("uses the local calendar, not UTC: one instant falls on different days in different zones", () => {
    const instant = at("2026-03-01T20:00:00Z");
    expect(buyingDays([instant], "UTC")).toEqual([day("2026-03-01")]);
    expect(buyingDays([instant], "Asia/Shanghai")).toEqual([day("2026-03-02")]);
    // 23:30 and 00:30 New York time straddle local midnight although both are 2026-03-02 in UTC.
    expect(buyingDays([at("2026-03-02T04:30:00Z"), at("2026-03-02T05:30:00Z")], "America/New_York")).toEqual([
      day("2026-03-01"),
      day("2026-03-02"),
    ]);
  });

  it("keeps whole-day steps across a daylight-saving change", () => {
    // New York springs forward on 2026-03-08.
    const days = buyingDays([at("2026-03-07T12:00:00-05:00"), at("2026-03-09T12:00:00-04:00")], "America/New_York");
    expect(days).toEqual([day("2026-03-07"), day("2026-03-09")]);
    expect((days[1] as number) - (days[0] as number)).toBe(2);
  });

  it("rejects an unknown zone and a non-instant", () => {
    expect(() => buyingDays([0], "Mars/Olympus")).toThrow(RangeError);
    expect(() => buyingDays([Number.NaN], "UTC")).toThrow(RangeError);
  });
});

describe("summarizeOccasions", () => {
  it("counts repeat occasions and measures tx and T from the first", () => {
    expect(summarizeOccasions([10, 17, 31], 45)).toEqual({ x: 2, tx: 21, T: 35 });
    expect(summarizeOccasions([10, 17, 31], 45, 7)).toEqual({ x: 2, tx: 3, T: 5 });
  });

  it("gives x = 0 and tx = 0 for a single occasion", () => {
    expect(summarizeOccasions([100], 130)).toEqual({ x: 0, tx: 0, T: 30 });
  });

  it("rejects no occasions, unsorted or repeated days, and occasions after now", () => {
    expect(() => summarizeOccasions([], 10)).toThrow(RangeError);
    expect(() => summarizeOccasions([3, 2], 10)).toThrow(RangeError);
    expect(() => summarizeOccasions([2, 2], 10)).toThrow(RangeError);
    expect(() => summarizeOccasions([2, 11], 10)).toThrow(RangeError);
  });
});
