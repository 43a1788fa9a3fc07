import { describe, expect, it } from "vitest";
import { benchUsage, parseBenchArgs } from "./support.ts";

const options = {
  accounts: { type: "string", default: "2000" },
  end: { type: "string", default: "2026-11-01T00:00:00Z" },
  phase: { type: "string", default: "all" },
  "no-live": { type: "boolean", default: false },
} as const;
const choices = { phase: ["all", "engine"] };

describe("benchmark arguments", () => {
  it("takes the defaults and valid values", () => {
    expect(parseBenchArgs([], options, choices)).toEqual({ accounts: "2000", end: "2026-11-01T00:00:00Z", phase: "all", "no-live": false });
    expect(parseBenchArgs(["--accounts", "500", "--phase", "engine", "--no-live", "--end", "2025-01-01T00:00:00Z"], options, choices)).toMatchObject({
      accounts: "500",
      phase: "engine",
      "no-live": true,
    });
  });

  it("refuses an unknown flag, a count that is not a whole number, a bad instant and a value not offered, saying which", () => {
    expect(() => parseBenchArgs(["--no-progress"], options, choices)).toThrow("Unknown option '--no-progress'");
    expect(() => parseBenchArgs(["--accounts", "2k"], options, choices)).toThrow('--accounts must be a whole number (got "2k")');
    expect(() => parseBenchArgs(["--accounts", "2.5"], options, choices)).toThrow("--accounts must be a whole number");
    expect(() => parseBenchArgs(["--end", "yesterday"], options, choices)).toThrow('--end must be an ISO instant (got "yesterday")');
    expect(() => parseBenchArgs(["--phase", "tool"], options, choices)).toThrow('--phase must be one of all, engine (got "tool")');
  });

  it("writes the usage from the options", () => {
    expect(benchUsage("file:///repo/test/bench/engine-replay.ts", options, choices)).toBe(
      "Usage: pnpm exec tsx test/bench/engine-replay.ts [--accounts 2000] [--end 2026-11-01T00:00:00Z] [--phase all|engine] [--no-live]\n",
    );
  });
});
