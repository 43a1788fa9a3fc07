import { describe, expect, it } from "vitest";
import { CliUsageError, parseCli } from "./args.ts";

const end = ["--end", "2026-11-01T00:00:00Z"];

describe("parseCli", () => {
  it("parses the documented invocation", () => {
    const cmd = parseCli(["--seed", "1", "--accounts", "200", "--months", "24", ...end, "--out", "events.ndjson", "--labels", "labels.csv"]);
    expect(cmd).toEqual({
      kind: "run",
      options: { seed: "1", accounts: 200, months: 24, end: "2026-11-01T00:00:00Z", startAccountIndex: 0 },
      out: "events.ndjson",
      labels: "labels.csv",
      progress: true,
    });
  });

  it("defaults to stdout and passes the optional knobs through", () => {
    const cmd = parseCli([...end, "--until", "2026-12-01T00:00:00Z", "--defector-share", "0.3", "--id-prefix", "demo", "--no-progress"]);
    expect(cmd).toMatchObject({
      kind: "run",
      out: "-",
      progress: false,
      options: { until: "2026-12-01T00:00:00Z", defectorShare: 0.3, idPrefix: "demo" },
    });
  });

  it("passes the world through and refuses an unknown one as a usage error", () => {
    expect(parseCli([...end, "--world", "hard"])).toMatchObject({ kind: "run", options: { world: "hard" } });
    expect(parseCli(end)).not.toHaveProperty("options.world");
    expect(() => parseCli([...end, "--world", "odd"])).toThrow(/--world must be one of standard, hard/);
  });

  it("logs contacts only when asked", () => {
    expect(parseCli([...end, "--interactions"])).toMatchObject({ kind: "run", options: { interactions: true } });
    const plain = parseCli(end);
    expect(plain.kind === "run" && "interactions" in plain.options).toBe(false);
  });

  it("asks for help", () => {
    expect(parseCli(["-h"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--accounts", "10"], /--end is required/],
    [[...end, "--accounts", "ten"], /--accounts must be a whole number/],
    [[...end, "--months", "0"], /--months must be an integer from 1/],
    [[...end, "--defector-share", "1.5"], /--defector-share must be a number from 0 to 1/],
    [["--end", "2026-11-01"], /--end must be an ISO 8601 instant with an offset/],
    [[...end, "--until", "2026-01-01T00:00:00Z"], /--until .* must not be before end/],
    [[...end, "--id-prefix", "a b"], /--id-prefix must be/],
    [[...end, "--wat"], /Unknown option '--wat'/],
    [[...end, "stray"], /positional/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(CliUsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});
