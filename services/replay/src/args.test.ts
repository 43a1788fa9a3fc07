import { describe, expect, it } from "vitest";
import { CliUsageError, parseCli } from "./args.ts";

describe("parseCli", () => {
  it("parses a full backtest command (and the `--` pnpm passes on)", () => {
    const cmd = parseCli(["--", "events.ndjson", "--labels", "l.csv", "--html", "r.html", "--as-of", "2026-09-01T00:00:00Z", "--tick", "12h", "--locale", "zh-CN", "--config", "rules.json"]);
    expect(cmd).toMatchObject({ kind: "run", input: "events.ndjson", alerts: "-", labels: "l.csv", html: "r.html", config: "rules.json", tickMs: 43_200_000, locale: "zh-CN", order: "auto" });
    expect(cmd.kind === "run" && cmd.asOfMs).toBe(Date.parse("2026-09-01T00:00:00Z"));
  });

  it("explains what is wrong", () => {
    expect(() => parseCli([])).toThrow(/input file is required/);
    expect(() => parseCli(["x", "--sweep"])).toThrow(/--sweep needs --labels/);
    expect(() => parseCli(["x", "--as-of", "yesterday"])).toThrow(/ISO instant/);
    expect(() => parseCli(["x", "--tick", "5"])).toThrow(CliUsageError);
    expect(() => parseCli(["x", "--bogus"])).toThrow(CliUsageError);
    expect(parseCli(["--help"])).toEqual({ kind: "help" });
  });
});
