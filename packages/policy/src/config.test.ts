import { describe, expect, it } from "vitest";
import { parsePolicyConfig, PolicyConfigError } from "./config.ts";

describe("policy config", () => {
  it("fills every default", () => {
    expect(parsePolicyConfig({})).toEqual({
      repeatIntervalHours: 24,
      sendResolvedNotice: false,
      resolvedNoticeDelayMinutes: 60,
      lowLevelToDigest: true,
      perRecipientBudget: 5,
      quietHours: { start: "20:00", end: "08:00" },
      businessDays: [1, 2, 3, 4, 5],
      escalation: { managerAfterBusinessDays: 2, executiveAfterBusinessDays: 3 },
    });
  });

  it.each([
    [{ repeatIntervalHours: 0 }, 'repeatIntervalHours: must be more than 0 hours (got 0)'],
    [{ repeatIntervalHours: "24" }, 'repeatIntervalHours: must be a number of hours (got "24")'],
    [{ perRecipientBudget: 0 }, "perRecipientBudget: must allow at least 1 email per day (excess goes to the digest) (got 0)"],
    [{ quietHours: { start: "25:00", end: "08:00" } }, 'quietHours.start: must be a 24-hour "HH:mm" time such as "08:00" (got "25:00")'],
    [{ quietHours: { start: "20:00", end: "8:00" } }, 'quietHours.end: must be a 24-hour "HH:mm" time such as "08:00" (got "8:00")'],
    [{ businessDays: [1, 2, 8] }, "businessDays.2: must be an ISO weekday from 1 (Monday) to 7 (Sunday) (got 8)"],
    [{ businessDays: [1, 1] }, "businessDays: must not repeat a weekday"],
    [{ escalation: { managerAfterBusinessDays: 1.5 } }, "escalation.managerAfterBusinessDays: must be a whole number of business days before escalating to the manager (got 1.5)"],
    [{ escalation: { executiveAfterBusinessDays: 0 } }, "escalation.executiveAfterBusinessDays: must be at least 1 business day before escalating to the executive sponsor (got 0)"],
  ])("refuses %j", (input, message) => {
    expect(() => parsePolicyConfig(input)).toThrow(PolicyConfigError);
    expect(() => parsePolicyConfig(input)).toThrow(message);
  });

  it("refuses unknown keys, so a typo is not silently ignored", () => {
    expect(() => parsePolicyConfig({ repeatIntervalHour: 4 })).toThrow(/repeatIntervalHour/);
  });

  it("names every bad field at once", () => {
    try {
      parsePolicyConfig({ repeatIntervalHours: -1, sendResolvedNotice: "yes" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain("repeatIntervalHours: must be more than 0 hours (got -1)");
      expect(String(error)).toContain('sendResolvedNotice: must be true or false (got "yes")');
    }
  });
});
