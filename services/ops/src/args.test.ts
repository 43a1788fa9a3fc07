import { describe, expect, it } from "vitest";
import { CliUsageError, parseInspectArgs, parseReplayArgs } from "./args.ts";
import { maskEmail } from "./accountReport.ts";

describe("ops CLI arguments", () => {
  it("parses inspect", () => {
    expect(parseInspectArgs(["--", "acc-1", "--json", "--locale", "zh-CN"])).toEqual({ kind: "run", accountId: "acc-1", json: true, locale: "zh-CN" });
    expect(parseInspectArgs(["acc-1"])).toEqual({ kind: "run", accountId: "acc-1", json: false, locale: "en" });
    expect(() => parseInspectArgs([])).toThrow(CliUsageError);
    expect(() => parseInspectArgs(["a", "--locale", "fr"])).toThrow(/--locale must be en or zh-CN/);
  });

  it("parses replay-dead-letters", () => {
    expect(parseReplayArgs(["--reason", "schema", "--dry-run", "--limit", "5"])).toEqual({ kind: "run", reason: "schema", dryRun: true, limit: 5 });
    expect(parseReplayArgs([])).toEqual({ kind: "run", dryRun: false });
    expect(() => parseReplayArgs(["--limit", "0"])).toThrow(/--limit/);
    expect(() => parseReplayArgs(["--limit", "2x"])).toThrow(/--limit/);
    expect(() => parseReplayArgs(["--nope"])).toThrow(CliUsageError);
  });

  it("masks an email down to its first letter and domain", () => {
    expect(maskEmail("li.na@seller.example")).toBe("l***@seller.example");
    expect(maskEmail("not-an-email")).toBe("***");
  });
});
