import { describe, expect, it } from "vitest";
import { CliUsageError, parseDigestsArgs } from "./cliArgs.ts";

describe("digests CLI arguments", () => {
  it("builds the subscription the API takes, with repeated filters", () => {
    const cmd = parseDigestsArgs([
      "--", "add", "--email", "ceo@example.com", "--name", "Wang Fang", "--locale", "zh-CN", "--cadence", "weekly", "--weekday", "mon",
      "--time", "08:00", "--timezone", "Asia/Shanghai", "--region", "East", "--region", "North", "--min-level", "high", "--top", "5", "--send-when-empty",
    ]);
    expect(cmd).toEqual({
      kind: "add",
      body: {
        recipient: { email: "ceo@example.com", name: "Wang Fang", locale: "zh-CN" },
        schedule: { cadence: "weekly", weekday: "mon", time: "08:00", timezone: "Asia/Shanghai" },
        filters: { regions: ["East", "North"], minLevel: "high" },
        top: 5,
        whenEmpty: "send",
      },
    });
  });

  it("reads list, show and remove, and refuses what it cannot read", () => {
    expect(parseDigestsArgs(["list"])).toEqual({ kind: "list" });
    expect(parseDigestsArgs(["remove", "abc"])).toEqual({ kind: "remove", id: "abc" });
    expect(parseDigestsArgs([])).toEqual({ kind: "help" });
    expect(() => parseDigestsArgs(["remove"])).toThrow(CliUsageError);
    expect(() => parseDigestsArgs(["add", "--email", "a@b.c"])).toThrow("add needs --name");
    expect(() => parseDigestsArgs(["add", "--top", "x"])).toThrow(CliUsageError);
    expect(() => parseDigestsArgs(["frobnicate"])).toThrow('unknown command "frobnicate"');
    expect(() => parseDigestsArgs(["list", "--colour"])).toThrow(CliUsageError);
  });
});
