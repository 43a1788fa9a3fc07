import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelsToCsv, simulate } from "@churnwatch/simulator";

// The command as a user runs it (a process, its exit code, what it prints and the files it leaves), on top of
// the replayer's own tests: what is wired in main.ts is checked nowhere else.
const main = resolve(dirname(fileURLToPath(import.meta.url)), "main.ts");
// Resolved here, not from the run's working directory (a temporary one, so that default outputs land there).
const tsx = import.meta.resolve("tsx");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runReplay(args: readonly string[], cwd: string, stdin?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", tsx, main, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

describe("the replay command", () => {
  let dir: string;
  let lines: string[];
  let churners: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "churnwatch-replay-cli-"));
    const sim = simulate({ seed: 1, accounts: 30, months: 18, end: "2026-11-01T00:00:00Z" });
    lines = [...sim].map((e) => JSON.stringify(e));
    churners = sim.labels.length;
    // One malformed line in the middle: it is reported with its line number and counted, and the run goes on.
    lines.splice(100, 0, '{"type":"order.placed","accountId":');
    await writeFile(join(dir, "events.ndjson"), lines.join("\n") + "\n");
    await writeFile(join(dir, "labels.csv"), labelsToCsv(sim.labels));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the alerts, snapshot and report it names in its summary, and reports the bad line", async () => {
    const run = await runReplay(
      ["events.ndjson", "--labels", "labels.csv", "--alerts", "alerts.ndjson", "--as-of", "2026-06-01T00:00:00Z", "--html", "report.html", "--threads", "2", "--no-progress"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("events.ndjson:101: invalid event");
    const summary = /replayed (\d+) events \(\d+ applied, \d+ duplicates, (\d+) invalid lines\) for (\d+) accounts: (\d+) alert episodes/.exec(run.stderr);
    expect(summary, run.stderr).not.toBeNull();
    const [, events, invalid, accounts, episodes] = (summary as RegExpExecArray).map(Number);
    expect(events).toBe(lines.length - 1);
    expect(invalid).toBe(1);
    expect(accounts).toBe(30);
    // report.json is the default of --report: it lands in the working directory, so the summary must say so.
    expect(run.stderr).toContain("; wrote alerts.ndjson, snapshot.json, report.json, report.html\n");

    const alerts = (await readFile(join(dir, "alerts.ndjson"), "utf8")).split("\n").filter(Boolean);
    expect(alerts).toHaveLength(episodes as number);
    const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8")) as { overall: { churners: number; truePositives: number } };
    expect(report.overall.churners).toBe(churners);
    expect(run.stderr).toContain(`(${report.overall.truePositives}/${churners} churners)`);
    const snapshot = JSON.parse(await readFile(join(dir, "snapshot.json"), "utf8")) as { asOf: string };
    expect(snapshot.asOf).toBe("2026-06-01T00:00:00.000Z");
    expect(await readFile(join(dir, "report.html"), "utf8")).toMatch(/^<!doctype html>/i);
  });

  it("reads stdin for -, writes the alerts to stdout, and names no file it did not write", async () => {
    const dry = await mkdtemp(join(tmpdir(), "churnwatch-replay-cli-"));
    try {
      const run = await runReplay(["-", "--threads", "1", "--no-progress"], dry, lines.join("\n") + "\n");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain("stdin:101: invalid event");
      expect(run.stderr).not.toContain("wrote");
      const episodes = Number(/(\d+) alert episodes/.exec(run.stderr)?.[1]);
      expect(run.stdout.split("\n").filter(Boolean)).toHaveLength(episodes);
      expect(existsSync(join(dry, "report.json"))).toBe(false);
    } finally {
      await rm(dry, { recursive: true, force: true });
    }
  });

  it("refuses a flag that needs another with a reason and the usage, exit code 2, and writes nothing", async () => {
    const run = await runReplay(["events.ndjson", "--report", "elsewhere.json"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--report needs --labels <csv>");
    expect(run.stderr).toContain("Usage: churnwatch-replay");
    expect(existsSync(join(dir, "elsewhere.json"))).toBe(false);
  });
});
